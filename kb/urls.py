from django.urls import path

from . import views

app_name = "kb"

urlpatterns = [
    path("feedback/<int:page_id>/", views.article_feedback, name="feedback"),
    path("follow/<int:page_id>/", views.follow, name="follow"),
    path("following/", views.followed, name="following"),
    path("reviewed/<int:page_id>/", views.article_mark_reviewed, name="mark_reviewed"),
    path("acts/", views.act_register, name="acts"),
    path("acts/<int:pk>/", views.act_detail, name="act"),
    path("topics/<slug:slug>/", views.topic_articles, name="topic"),
    path("tags/<int:pk>/", views.tag_articles, name="tag"),
    path("overview/", views.overview, name="overview"),
]
