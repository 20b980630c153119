import pytest
from django.urls import reverse

from recommendations.models import Recommendation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_staff_withdraw_recommendations_and_the_count_follows(admin_client, therapist):
    recommendation = factories.make_recommendation(therapist=therapist)
    response = admin_client.post(
        reverse("admin:recommendations_recommendation_changelist"),
        {"action": "withdraw", "_selected_action": [recommendation.pk]},
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.withdrawn_at is not None
    therapist.refresh_from_db()
    assert therapist.clinician_recommendation_count == 0


def test_staff_neither_add_nor_delete_recommendations(admin_client, therapist):
    recommendation = factories.make_recommendation(therapist=therapist)
    assert (
        admin_client.get(
            reverse("admin:recommendations_recommendation_add")
        ).status_code
        == 403
    )
    url = reverse(
        "admin:recommendations_recommendation_delete", args=[recommendation.pk]
    )
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()


def test_the_recommendation_page_shows_it_read_only(admin_client, therapist):
    recommendation = factories.make_recommendation(
        therapist=therapist, statement="Words of the clinician."
    )
    url = reverse(
        "admin:recommendations_recommendation_change", args=[recommendation.pk]
    )
    page = admin_client.get(url).content.decode()
    assert "Words of the clinician." in page
    assert 'name="statement"' not in page
