"""Form fields for ids, bounded to what a 64-bit integer column can hold.

Django looks a submitted id up as sent. An id of 2^63 or more (or below -2^63)
fits no database integer: SQLite raises OverflowError and PostgreSQL an error
about bigint out of range, a 500 either way. These fields refuse such an id
before any query, with the field's usual "Select a valid choice" error.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# What a 64-bit signed integer column (BigAutoField, bigint) holds.
ID_RANGE = range(-(2**63), 2**63)


def out_of_range(value: object) -> bool:
    """Whether `value` reads as an integer no 64-bit integer column can hold."""
    try:
        number = int(str(value))
    except ValueError:
        return False  # not an integer: the field's own checks refuse it
    return number not in ID_RANGE


def _refuses(field: forms.ModelChoiceField, value: object) -> bool:
    """Whether `field` looks choices up by an integer and `value` cannot be one."""
    meta = field.queryset.model._meta
    key = meta.get_field(field.to_field_name) if field.to_field_name else meta.pk
    return isinstance(key, models.IntegerField) and out_of_range(value)


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses an id out of the database's range."""

    def to_python(self, value):
        if value not in self.empty_values and _refuses(self, value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses ids out of the database's range."""

    def _check_values(self, value):
        if isinstance(value, list | tuple):
            for item in value:
                if _refuses(self, item):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super()._check_values(value)
