"""Mounted at /api/search/ by intranet/urls.py:
``path("api/search/", include("search.api_urls")),`` (before ``path("api/", ...)``)."""

from django.urls import path

from search import views

app_name = "search_api"

urlpatterns = [
    path("", views.search_api, name="search"),
    path("suggest/", views.suggest_api, name="suggest"),
]
