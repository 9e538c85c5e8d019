from django.urls import path

from cases.consultations import gap_views

app_name = "gaps"

urlpatterns = [
    path("", gap_views.gap_list, name="list"),
    path("<int:unit_id>/<str:key>/faq/", gap_views.faq_draft, name="faq"),
]
