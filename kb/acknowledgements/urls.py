from django.urls import path

from kb.acknowledgements import views

app_name = "acknowledgements"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.sheet, name="sheet"),
    path("confirm/<int:page_id>/", views.confirm, name="confirm"),
]
