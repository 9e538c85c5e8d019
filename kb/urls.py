from django.urls import path

from . import views

app_name = "kb"

urlpatterns = [
    path("feedback/<int:page_id>/", views.article_feedback, name="feedback"),
    path("follow/<int:page_id>/", views.follow, name="follow"),
    path("following/", views.followed, name="following"),
]
