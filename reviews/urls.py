from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("therapists/<slug:slug>/review/", views.write_review, name="write"),
    path("reviews/<int:pk>/helpful/", views.helpful, name="helpful"),
    path("reviews/<int:pk>/report/", views.report, name="report"),
    path("reviews/<int:pk>/response/", views.respond, name="respond"),
    path("staff/reviews/", views.moderation_queue, name="moderation"),
]
