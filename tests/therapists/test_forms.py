"""The forms therapists edit their profile with."""

import time

import pytest
from django.urls import reverse

from tests import factories
from therapists.forms import TechniqueFormSet

pytestmark = pytest.mark.django_db

PREFIX = TechniqueFormSet.get_default_prefix()


def test_technique_formset_caps_its_form_count():
    formset = TechniqueFormSet()
    assert formset.max_num == 12
    assert formset.absolute_max == 12


def test_a_post_declaring_100000_techniques_is_cheap_and_clearly_refused(client):
    therapist = factories.make_therapist()
    client.force_login(therapist.user)
    data = factories.technique_formset_data(
        [{"technique": factories.technique().pk, "years": 3}]
    )
    data[f"{PREFIX}-TOTAL_FORMS"] = 100_000

    started = time.monotonic()
    response = client.post(reverse("dashboard:techniques"), data)

    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert "Please submit at most 12 forms." in response.content.decode()
    assert len(response.content) < 200_000
    assert response.context["formset"].total_form_count() <= 12
    assert not therapist.technique_links.exists()
