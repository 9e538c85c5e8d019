from django.urls import path

from . import views

app_name = "kb"

urlpatterns = [
    path("feedback/<int:page_id>/", views.article_feedback, name="feedback"),
]
