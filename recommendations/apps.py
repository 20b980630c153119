from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"

    def ready(self):
        # A clinician's licence lapsing or being revoked changes which
        # recommendations count. verification, a floor below, decides that and
        # cannot import this app: it calls what is registered here, in the
        # same transaction (docs/architecture.md, "Derived data has one owner").
        from recommendations import counting
        from verification import badges

        badges.register_clinician_dependant(counting.clinicians_changed)
