from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """The public profile page: a therapist with their credentials, reviews,
    ranking and shortlist state, composed from the apps that own each."""

    name = "profiles"
