from django.urls import path

from corrections import views

app_name = "corrections"

urlpatterns = [
    path("therapists/<slug:slug>/report/", views.report, name="report"),
    path("staff/reports/", views.queue, name="queue"),
    path("staff/reports/<int:pk>/", views.detail, name="detail"),
]
