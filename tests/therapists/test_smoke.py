from tests import factories


def test_factories_make_a_verified_therapist(db):
    therapist = factories.make_therapist()
    # The badge needs a licence from a state where they practise (New York).
    factories.make_location(therapist, "10001")
    factories.make_credential(therapist)
    factories.make_review(therapist, rating=4)
    therapist.refresh_from_db()
    assert therapist.rating_count == 1
    assert therapist.badge_valid_until is not None
