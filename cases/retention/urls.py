from django.urls import path

from cases.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.index, name="index"),
    path("files/<int:pk>/act/", views.draft, name="draft"),
    path("acts/<int:pk>/approve/", views.approve, name="approve"),
    path("acts/<int:pk>/execute/", views.execute, name="execute"),
]
