from django.urls import path

from dashboard import comfort_views, hours_views, pricing_views
from dashboard import views as dashboard

app_name = "dashboard"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="home"),
    path("profile/", dashboard.ProfileEditView.as_view(), name="profile"),
    path("comfort/", comfort_views.ComfortEditView.as_view(), name="comfort"),
    path("hours/", hours_views.hours_edit, name="hours"),
    path(
        "hours/confirm-next-opening/",
        hours_views.next_opening_confirm,
        name="next-opening-confirm",
    ),
    path("photo/", dashboard.PhotoView.as_view(), name="photo"),
    path("photo/delete/", dashboard.photo_delete, name="photo-delete"),
    path("techniques/", dashboard.techniques_edit, name="techniques"),
    path("prices/", pricing_views.prices_edit, name="prices"),
    path("payment/", pricing_views.payment_edit, name="payment"),
    path(
        "payment/plans/<int:pk>/confirm/",
        pricing_views.plan_confirm,
        name="plan-confirm",
    ),
    path("locations/add/", dashboard.LocationCreateView.as_view(), name="location-add"),
    path(
        "locations/<int:pk>/",
        dashboard.LocationUpdateView.as_view(),
        name="location-edit",
    ),
    path(
        "locations/<int:pk>/delete/",
        dashboard.LocationDeleteView.as_view(),
        name="location-delete",
    ),
    path(
        "credentials/add/",
        dashboard.CredentialCreateView.as_view(),
        name="credential-add",
    ),
    path(
        "credentials/<int:pk>/",
        dashboard.CredentialUpdateView.as_view(),
        name="credential-edit",
    ),
    path(
        "credentials/<int:pk>/delete/",
        dashboard.CredentialDeleteView.as_view(),
        name="credential-delete",
    ),
    path(
        "credentials/<int:pk>/evidence/",
        dashboard.evidence_download,
        name="credential-evidence",
    ),
    path("publish/", dashboard.publish, name="publish"),
    path("confirm-details/", dashboard.confirm_details, name="confirm-details"),
    path("invitations/", dashboard.invite, name="invite"),
]
