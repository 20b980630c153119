"""Credential's check constraints name kinds and statuses by value (a model's
Meta cannot see its own choices): they must stay the choices' values."""

from verification.models import Credential


def constraint(name):
    return next(c for c in Credential._meta.constraints if c.name == name)


def test_expiry_constraint_names_exactly_the_badge_kinds():
    (negated,) = [
        child
        for child in constraint("credential_badge_kinds_expire").condition.children
        if getattr(child, "negated", False)
    ]
    ((lookup, kinds),) = negated.children
    assert lookup == "kind__in"
    assert set(kinds) == set(Credential.BADGE_KINDS)


def test_verified_constraint_names_the_verified_status():
    (negated, _) = constraint("credential_verified_has_method").condition.children
    assert negated.children == [("status", Credential.Status.VERIFIED)]
