from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="page"),
    path("api/", views.search_api, name="api"),
    path("suggest/", views.suggest_api, name="suggest"),
    path("open/<str:kind>/<int:pk>/", views.open_result, name="open"),
    path("readout/", views.readout_page, name="readout"),
]
