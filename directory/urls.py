from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path
from django.views.generic import TemplateView

from accounts.forms import StaffLoginForm
from accounts.views import (
    LimitedPasswordResetView,
    ShortlistMergingLoginView,
    UnlockingPasswordResetConfirmView,
)
from directory import views
from directory.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("how-we-rank/", views.HowWeRankView.as_view(), name="how-we-rank"),
    path(
        "what-massage-can-do/",
        TemplateView.as_view(template_name="massage_evidence.html"),
        name="massage-evidence",
    ),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("therapists/", include("therapists.urls")),
    path("therapists/", include("profiles.urls")),
    path("states/", include("states.urls")),
    path("", include("reviews.urls")),
    path("", include("recommendations.urls")),
    path("", include("interviews.urls")),
    path("", include("shortlist.urls")),
    path("", include("corrections.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("api/v1/", include("api.urls")),
    path("open-data/", include("hsds.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/login/", ShortlistMergingLoginView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        LimitedPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        UnlockingPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("staff/credentials/", include("verification.urls")),
    path("admin/", admin.site.urls),
    path("", include("core.urls")),
]
# Uploaded photos from local disk, in development only (static() is empty when
# DEBUG is off); a bucket serves its own.
if not settings.S3_BUCKET:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

admin.site.site_header = "Back Care Directory staff"
admin.site.site_title = "Back Care Directory staff"
admin.site.login_form = StaffLoginForm
