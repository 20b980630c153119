from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read-only public JSON API under /api/v1/ (Django REST framework):
    the same search and ranking as the search page, one therapist's public
    profile, their published reviews and the taxonomies, described by an
    OpenAPI 3.1 document."""

    name = "api"
