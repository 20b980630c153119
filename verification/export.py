"""A therapist's credentials, or a clinician's licences, as plain data, for
their data export and for deleting their account."""

from verification.models import Credential


def _data(credentials) -> list[dict]:
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
            # What a board roster showed, as the public profile says it.
            "board_status": credential.board_status,
            "board_source": credential.board_source,
            "board_checked_on": credential.board_checked_on,
            "evidence": credential.evidence.name or None,
        }
        for credential in credentials
    ]


def credentials_data(therapist) -> list[dict]:
    """Every credential the therapist submitted, whatever its status."""
    return _data(Credential.objects.filter(therapist=therapist))


def licences_data(clinician) -> list[dict]:
    """Every licence the clinician submitted, whatever its status."""
    return _data(Credential.objects.filter(clinician=clinician))


def evidence_files(therapist) -> list:
    """The stored evidence files of a therapist's credentials."""
    return _evidence(Credential.objects.filter(therapist=therapist))


def licence_evidence_files(clinician) -> list:
    """The stored evidence files of a clinician's licences."""
    return _evidence(Credential.objects.filter(clinician=clinician))


def _evidence(credentials) -> list:
    return [credential.evidence for credential in credentials.exclude(evidence="")]
