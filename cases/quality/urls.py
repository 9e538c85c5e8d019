from django.urls import path

from cases.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("settings/", views.unit_settings, name="settings"),
    path("mine/", views.mine, name="mine"),
    path("reviews/<int:pk>/rework/", views.rework_done, name="rework_done"),
    path("<int:pk>/", views.review, name="review"),
]
