from django.urls import path

from verification import views

app_name = "verification"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.review, name="review"),
    path(
        "<int:pk>/evidence/<int:page>.png",
        views.evidence_page,
        name="evidence-page",
    ),
]
