from django.urls import path

from interviews import views

app_name = "interviews"

urlpatterns = [
    path("therapists/<slug:slug>/interview/", views.request_interview, name="request"),
    path("interviews/", views.inbox, name="inbox"),
    path("interviews/<int:pk>/", views.detail, name="detail"),
    path("interviews/<int:pk>/reply/", views.reply, name="reply"),
    path("interviews/<int:pk>/report/", views.report_abuse, name="report"),
]
