from django.urls import path

from recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("clinicians/", views.ClinicianHomeView.as_view(), name="clinician-home"),
    path(
        "clinicians/licence/add/",
        views.LicenceCreateView.as_view(),
        name="licence-add",
    ),
    path(
        "clinicians/licence/<int:pk>/",
        views.LicenceUpdateView.as_view(),
        name="licence-edit",
    ),
    path(
        "clinicians/recommendations/<int:pk>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path(
        "therapists/<slug:slug>/recommend/",
        views.RecommendView.as_view(),
        name="recommend",
    ),
]
