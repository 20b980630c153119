from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("<slug:slug>/", views.TherapistDetailView.as_view(), name="detail"),
    path("<slug:slug>/print/", views.TherapistPrintView.as_view(), name="print"),
]
