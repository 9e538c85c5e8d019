from django.urls import path

from cases.consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.log, name="log"),
    path("suggest/", views.suggest, name="suggest"),
]
