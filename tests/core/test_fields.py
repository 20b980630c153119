"""Id fields bounded to what the database holds (core/fields.py): issue 13, point 10."""

import pytest
from django import forms

from core.fields import (
    BoundedModelChoiceField,
    BoundedModelMultipleChoiceField,
    out_of_range,
)
from therapists.models import Condition

pytestmark = pytest.mark.django_db

HUGE = [str(2**63), str(-(2**63) - 1), "9" * 40, f" {2**64} "]


class ConditionsForm(forms.Form):
    conditions = BoundedModelMultipleChoiceField(queryset=Condition.objects.all())
    condition = BoundedModelChoiceField(
        queryset=Condition.objects.all(), required=False
    )
    by_slug = BoundedModelChoiceField(
        queryset=Condition.objects.all(), to_field_name="slug", required=False
    )


def test_out_of_range_is_only_integers_past_64_bits():
    assert out_of_range(str(2**63)) and out_of_range(-(2**63) - 1)
    assert not out_of_range(str(2**63 - 1)) and not out_of_range(-(2**63))
    assert not out_of_range("abc") and not out_of_range("1.5")


@pytest.mark.parametrize("value", HUGE)
def test_an_id_past_64_bits_is_an_invalid_choice_not_a_server_error(value):
    form = ConditionsForm({"conditions": [value], "condition": value})

    assert not form.is_valid()
    assert form.errors.as_data()["conditions"][0].code == "invalid_choice"
    assert form.errors.as_data()["condition"][0].code == "invalid_choice"
    assert "Select a valid choice" in form.errors["conditions"][0]


def test_valid_ids_and_non_integer_keys_still_work():
    condition = Condition.objects.first()
    form = ConditionsForm(
        {
            "conditions": [str(condition.pk)],
            "condition": str(condition.pk),
            "by_slug": condition.slug,
        }
    )
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["conditions"]) == [condition]
    assert form.cleaned_data["condition"] == form.cleaned_data["by_slug"] == condition
    # A huge number is just an unknown slug, refused by the lookup as usual.
    form = ConditionsForm({"conditions": [str(condition.pk)], "by_slug": "9" * 30})
    assert form.errors.as_data()["by_slug"][0].code == "invalid_choice"
