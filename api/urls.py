from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from api import views
from api.parameters import CODED
from therapists.models import Condition, Technique

app_name = "api"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("therapists/", views.TherapistListView.as_view(), name="therapist-list"),
    path(
        "therapists/<str:slug>/",
        views.TherapistDetailView.as_view(),
        name="therapist-detail",
    ),
    path(
        "therapists/<str:slug>/reviews/",
        views.ReviewListView.as_view(),
        name="therapist-reviews",
    ),
    path(
        "techniques/",
        views.TermListView.as_view(model=Technique),
        name="techniques",
    ),
    path(
        "conditions/",
        views.TermListView.as_view(model=Condition),
        name="conditions",
    ),
    *(
        path(f"{kind}/", views.CodeListView.as_view(kind=kind), name=kind)
        for kind in CODED
    ),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    # Any other address under the API is a 404 in the API's own JSON.
    re_path(r"^.*/$", views.NotFoundView.as_view(), name="not-found"),
]
