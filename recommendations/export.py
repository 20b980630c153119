"""A clinician's recommendations as plain data, for their data export."""

from recommendations.models import Recommendation


def recommendations_written(clinician) -> list[dict]:
    """Every recommendation the clinician wrote, withdrawn ones too."""
    return [
        {
            "therapist": recommendation.therapist.display_name,
            "statement": recommendation.statement,
            "created_at": recommendation.created_at,
            "withdrawn_at": recommendation.withdrawn_at,
        }
        for recommendation in Recommendation.objects.by(clinician).select_related(
            "therapist"
        )
    ]
