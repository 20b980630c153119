"""`own_therapist` in every template: the signed-in user's therapist profile
(None for clients and visitors), looked up once, when a template asks."""

from django.utils.functional import SimpleLazyObject

from therapists.models import Therapist


def own_therapist(request) -> dict:
    return {
        "own_therapist": SimpleLazyObject(
            lambda: Therapist.objects.of_user(request.user).first()
        )
    }
