"""Records written once and never changed or deleted: the audit trails
(verification's CredentialEvent, corrections' ReportEvent).

A model inherits `InsertOnly` and its queryset `InsertOnlyQuerySet`; saving a
stored row again, deleting one, or a bulk update or delete raises
`ImmutableRecord` with the model's own words for it.
"""

from django.db import models


class ImmutableRecord(Exception):
    """Audit records are written once and never changed or deleted."""


def _refuse(model, doing: str):
    raise ImmutableRecord(f"{model._meta.verbose_name_plural.capitalize()} {doing}.")


class InsertOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _refuse(self.model, "cannot be changed")

    def delete(self):
        _refuse(self.model, "cannot be deleted")


class InsertOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, **kwargs):
        if self.pk is not None:
            _refuse(type(self), "cannot be changed")
        super().save(**kwargs)

    def delete(self, **kwargs):
        _refuse(type(self), "cannot be deleted")
