from django.db import models


class ProfileVersion(models.Model):
    """How many times what a therapist's profile shows has changed: bumped by
    the database itself (profiles.versions installs the triggers), whichever
    app writes, so a profile rendered for one version is never served for
    another (profiles.page_cache). Row 0 counts what every profile shows
    (the taxonomies, insurance plans, clinicians and people's names)."""

    therapist_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"therapist {self.therapist_id}: version {self.version}"
