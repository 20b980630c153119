"""A therapist's credentials as plain data, for their data export and for
deleting their account."""

from verification.models import Credential


def credentials_data(therapist) -> list[dict]:
    """Every credential the therapist submitted, whatever its status."""
    return [
        {
            "kind": credential.kind,
            "issuer": credential.issuer,
            "number": credential.number,
            "jurisdiction": credential.jurisdiction,
            "issued_on": credential.issued_on,
            "expires_on": credential.expires_on,
            "status": credential.status,
            "status_note": credential.status_note,
            "evidence": credential.evidence.name or None,
        }
        for credential in Credential.objects.filter(therapist=therapist)
    ]


def evidence_files(therapist) -> list:
    """The stored evidence files of a therapist's credentials."""
    credentials = Credential.objects.filter(therapist=therapist).exclude(evidence="")
    return [credential.evidence for credential in credentials]
