from django.urls import path

from reviews import session_views, views

app_name = "reviews"

urlpatterns = [
    path("therapists/<slug:slug>/review/", views.write_review, name="write"),
    path("reviews/<int:pk>/helpful/", views.helpful, name="helpful"),
    path("reviews/<int:pk>/report/", views.report, name="report"),
    path("reviews/<int:pk>/response/", views.respond, name="respond"),
    path("staff/reviews/", views.moderation_queue, name="moderation"),
    path(
        "therapists/<slug:slug>/sessions/",
        session_views.client_sessions,
        name="client-sessions",
    ),
    path("dashboard/sessions/", session_views.therapist_sessions, name="sessions"),
    path("sessions/<int:pk>/confirm/", session_views.confirm, name="session-confirm"),
    path("sessions/<int:pk>/remove/", session_views.remove, name="session-remove"),
]
