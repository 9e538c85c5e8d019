from django.urls import path

from cases.reception import views

app_name = "reception"

urlpatterns = [
    path("", views.points, name="points"),
    path("<int:pk>/", views.book, name="book"),
    path("mine/", views.mine, name="mine"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/move/", views.reschedule, name="reschedule"),
    path("bookings/<int:pk>/", views.card, name="card"),
    path("bookings/<int:pk>/reminded/", views.reminded, name="reminded"),
    path("day/", views.day, name="day"),
    path("day/print/", views.day_print, name="day_print"),
]
