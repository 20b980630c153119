"""The site's URLs plus the floor's two pages (bench/floor.py), for the bench only."""

from django.urls import include, path

from bench import floor

urlpatterns = [
    path("bench/floor/search/", floor.search, name="bench-floor-search"),
    path("bench/floor/profile/<slug:slug>/", floor.profile, name="bench-floor-profile"),
    path("", include("directory.urls")),
]
