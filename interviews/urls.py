from django.urls import path

from interviews import views

app_name = "interviews"

urlpatterns = [
    path("therapists/<slug:slug>/interview/", views.request_interview, name="request"),
    path("therapists/<slug:slug>/shortlist/", views.toggle_shortlist, name="toggle"),
    path("interviews/", views.inbox, name="inbox"),
    path("interviews/<int:pk>/", views.detail, name="detail"),
    path("interviews/<int:pk>/report/", views.report_abuse, name="report"),
    path("shortlist/", views.shortlist_page, name="shortlist"),
    path("compare/", views.compare, name="compare"),
]
