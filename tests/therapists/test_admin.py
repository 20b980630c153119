import pytest
from django.urls import reverse

from tests import factories
from therapists import ranking
from therapists.models import Condition, Technique, Therapist
from verification.models import Credential

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_therapist_changelist_lists_therapists(staff_client, therapist):
    response = staff_client.get(reverse("admin:therapists_therapist_changelist"))

    assert response.status_code == 200
    assert "Dana Owner" in response.text


def test_therapist_changelist_filters_by_technique(
    staff_client, therapist, other_therapist
):
    factories.add_technique(therapist, "deep-tissue")
    url = reverse("admin:therapists_therapist_changelist")

    response = staff_client.get(
        url, {"techniques__id__exact": factories.technique("deep-tissue").pk}
    )

    assert response.status_code == 200
    assert "Dana Owner" in response.text
    assert "Olive Other" not in response.text


def test_therapist_change_page_shows_every_inline(staff_client, therapist):
    factories.add_technique(therapist, "deep-tissue")
    factories.add_language(therapist, "es")
    factories.make_location(therapist, street_address="1 Studio Row")
    factories.make_credential(therapist, number="MT-424242")
    url = reverse("admin:therapists_therapist_change", args=[therapist.pk])

    response = staff_client.get(url)

    assert response.status_code == 200
    assert 'value="Dana Owner"' in response.text
    assert "1 Studio Row" in response.text
    assert "MT-424242" in response.text


def test_therapist_add_page_renders(staff_client):
    response = staff_client.get(reverse("admin:therapists_therapist_add"))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model", "slug", "name"),
    [
        (Technique, "deep-tissue", "Deep tissue massage"),
        (Condition, "sciatica", "Sciatica"),
    ],
)
def test_taxonomy_changelist_and_change_page_render(staff_client, model, slug, name):
    opts = model._meta
    row = model.objects.get(slug=slug)

    changelist = staff_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    )
    change = staff_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    )

    assert changelist.status_code == 200
    assert name in changelist.text
    assert change.status_code == 200
    assert f'value="{name}"' in change.text


def test_non_staff_user_is_sent_to_the_admin_login(client, client_user):
    client.force_login(client_user)
    url = reverse("admin:therapists_therapist_changelist")

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "next=" in response.url


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:verification_credential_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def therapist_form(therapist, credentials=(), **overrides):
    """The therapist change form as the admin posts it, with its inlines."""
    data = {
        "user": therapist.user_id,
        "display_name": therapist.display_name,
        "slug": therapist.slug,
        "pronouns": therapist.pronouns,
        "gender": therapist.gender,
        "headline": therapist.headline,
        "bio": therapist.bio,
        "years_in_practice": therapist.years_in_practice,
        "back_pain_years": therapist.back_pain_years,
        "back_pain_caseload_percent": therapist.back_pain_caseload_percent,
        "session_price": therapist.session_price,
        "accepting_new_clients": "on",
        "client_contact": therapist.client_contact,
        "is_published": "on",
    }
    for prefix in (
        "technique_links",
        "languages",
        "locations",
        "packages",
        "accepted_plans",
        "opening_hours",
    ):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    data |= {
        "credentials-TOTAL_FORMS": len(credentials),
        "credentials-INITIAL_FORMS": len(credentials),
    }
    for i, credential in enumerate(credentials):
        data |= {
            f"credentials-{i}-id": credential.pk,
            f"credentials-{i}-therapist": therapist.pk,
            f"credentials-{i}-kind": credential.kind,
            f"credentials-{i}-issuer": credential.issuer,
            f"credentials-{i}-number": credential.number,
            f"credentials-{i}-jurisdiction": credential.jurisdiction,
            f"credentials-{i}-expires_on": credential.expires_on.isoformat(),
            f"credentials-{i}-status": credential.status,
        }
    data.update(overrides)
    return data


def test_editing_experience_in_the_admin_rescores_the_therapist(
    staff_client, therapist
):
    url = reverse("admin:therapists_therapist_change", args=[therapist.pk])
    before = Therapist.objects.get(pk=therapist.pk).qualification_score

    response = staff_client.post(
        url, therapist_form(therapist, years_in_practice=20, back_pain_years=10)
    )

    assert response.status_code == 302
    therapist.refresh_from_db()
    assert therapist.back_pain_years == 10
    # the fixture has 5 years treating back pain; now 10
    assert therapist.qualification_score == pytest.approx(
        before + 5 * ranking.EXPERIENCE_POINTS_PER_YEAR
    )


def test_credential_status_cannot_be_changed_inline(staff_client, therapist):
    """Decisions are made on the credential's own page, which records how."""
    credential = factories.make_credential(therapist, status=Credential.Status.PENDING)
    url = reverse("admin:therapists_therapist_change", args=[therapist.pk])

    response = staff_client.post(
        url,
        therapist_form(therapist, [credential], **{"credentials-0-status": "verified"}),
    )

    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.status == Credential.Status.PENDING
