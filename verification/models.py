import datetime
import uuid
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from core.queues import QueueQuerySet
from core.records import InsertOnly, InsertOnlyQuerySet
from core.storage import select_private_storage
from therapists.models import PracticeLocation
from verification import jurisdictions, rosters


def _licence_where_practising(credential_model) -> Q:
    """A state licence (or registration) from a state where its therapist has a
    location."""
    practises = PracticeLocation.objects.filter(therapist=OuterRef("therapist"))
    return Q(
        kind=credential_model.Kind.STATE_LICENCE,
        jurisdiction__in=jurisdictions.LICENSING,
    ) & Exists(practises.filter(state=OuterRef("jurisdiction")))


class CredentialQuerySet(QueueQuerySet):
    def current(self, on: datetime.date | None = None) -> Self:
        """Verified credentials that have not expired on the given day."""
        on = on or timezone.localdate()
        return self.filter(status=self.model.Status.VERIFIED).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on)
        )

    def lapsed(self, on: datetime.date) -> Self:
        """Verified credentials whose expiry date is before the given day."""
        return self.filter(status=self.model.Status.VERIFIED, expires_on__lt=on)

    def expiring(self, on: datetime.date, within_days: int) -> Self:
        """Current credentials that expire within so many days of the given day."""
        last_day = on + datetime.timedelta(days=within_days)
        return self.current(on).filter(expires_on__lte=last_day)

    def badge_qualifying(self, on: datetime.date | None = None) -> Self:
        """The badge rule: a current, verified licence (or registration) from a
        state where the therapist practises, or a national board certification
        where they practise in a state that licenses no massage therapists
        (verification.jurisdictions); never one the board's roster shows lapsed
        or disciplined, unless staff reviewed that and kept the badge."""
        Kind = self.model.Kind
        practises = PracticeLocation.objects.filter(therapist=OuterRef("therapist"))
        licence_where_practising = _licence_where_practising(self.model)
        certification_where_no_licence = Q(
            kind=Kind.BOARD_CERTIFICATION, jurisdiction=jurisdictions.NATIONAL
        ) & Exists(practises.filter(state__in=jurisdictions.NOT_LICENSING))
        return (
            self.current(on)
            .in_good_standing()
            .filter(licence_where_practising | certification_where_no_licence)
        )

    def licensing_where_practising(self) -> Self:
        """State licences (or registrations) from a state where the therapist
        has a location: the only licences the score's licence part counts."""
        return self.filter(_licence_where_practising(self.model))

    def in_good_standing(self) -> Self:
        """Credentials the board's roster does not show lapsed or disciplined,
        or that staff reviewed and kept."""
        Credential = self.model
        return self.filter(
            ~Q(board_status__in=Credential.BADGE_WITHHOLDING)
            | Q(board_review=Credential.BoardReview.KEPT)
        )

    def for_profile(self) -> Self:
        """What the public credentials panel shows: everything but rejections."""
        return self.exclude(status=self.model.Status.REJECTED).order_by(
            "kind", "issuer"
        )

    def awaiting_decision(self) -> Self:
        """The staff queue: pending credentials and any a board roster flagged."""
        return self.filter(Q(status=self.model.Status.PENDING) | ~Q(roster_flag=""))

    def search(self, text: str) -> Self:
        """Credentials whose therapist's or clinician's name, or whose number,
        contains the text."""
        text = text.strip()
        return self.filter(
            Q(therapist__display_name__icontains=text)
            | Q(clinician__display_name__icontains=text)
            | Q(number__icontains=text)
        )

    def of_therapists(self) -> Self:
        """Therapists' credentials (not clinicians' licences)."""
        return self.filter(therapist__isnull=False)

    def of_clinicians(self) -> Self:
        """Clinicians' licences."""
        return self.filter(clinician__isnull=False)

    def held_with(self, credential: "Credential") -> Self:
        """The other credentials of the same therapist or clinician."""
        if credential.clinician_id is not None:
            mine = self.filter(clinician_id=credential.clinician_id)
        else:
            mine = self.filter(therapist_id=credential.therapist_id)
        return mine.exclude(pk=credential.pk)

    def in_jurisdiction(self, code: str) -> Self:
        """Credentials issued in one state (two letters), or nationally ("US")."""
        return self.filter(jurisdiction__iexact=code)

    def waiting_longer_than(
        self, days: int, now: datetime.datetime | None = None
    ) -> Self:
        """Credentials submitted more than so many days ago."""
        now = now or timezone.now()
        return self.filter(created_at__lt=now - datetime.timedelta(days=days))

    def for_queue(self) -> Self:
        """What a row of the staff queue shows, with the therapist's or
        clinician's account for the separation-of-duties check and the
        decision's email."""
        return self.select_related("therapist__user", "clinician__user")


class Credential(models.Model):
    class Kind(models.TextChoices):
        STATE_LICENCE = "state_licence", "State licence"
        BOARD_CERTIFICATION = "board_certification", "Board certification"
        ASSOCIATION_MEMBERSHIP = "association_membership", "Association membership"
        TECHNIQUE_CERTIFICATE = "technique_certificate", "Technique certificate"
        EDUCATION = "education", "Education"
        # Not a licence: never the badge; another verified credential
        # (verification.training says when the profile may claim it).
        TRAUMA_INFORMED = "trauma_informed_training", "Trauma-informed care training"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"

    class BoardStatus(models.TextChoices):
        UNKNOWN = "", "Not checked against a board roster"
        ACTIVE = "active", "Active, no public discipline"
        LAPSED = "lapsed", "Not active (lapsed, expired or inactive)"
        DISCIPLINED = "disciplined", "Public discipline on record"

    class BoardReview(models.TextChoices):
        WAITING = "", "Not reviewed by staff"
        KEPT = "kept", "Staff kept the badge"
        WITHHELD = "withheld", "Staff withheld the badge"

    class Method(models.TextChoices):
        DOCUMENT_REVIEW = "document_review", "document review"
        BOARD_ROSTER = "board_roster", "state board roster"
        BOARD_WEBSITE = "board_website", "check on the board's website"

    # The kinds that can earn the "verified" badge.
    BADGE_KINDS = (Kind.STATE_LICENCE, Kind.BOARD_CERTIFICATION)
    # What a board roster can show that withholds the badge until staff decide.
    BADGE_WITHHOLDING = (BoardStatus.LAPSED, BoardStatus.DISCIPLINED)
    # What the therapist states about the document, for staff to check against
    # the evidence: the dashboard form, the admin and the audit trail list these.
    CLAIM_FIELDS = (
        "kind",
        "issuer",
        "number",
        "jurisdiction",
        "issued_on",
        "expires_on",
    )

    # Whose credential it is: a therapist's, or a clinician's licence (exactly
    # one of the two: credential_one_holder).
    therapist = models.ForeignKey(
        "therapists.Therapist",
        on_delete=models.CASCADE,
        related_name="credentials",
        null=True,
        blank=True,
    )
    clinician = models.ForeignKey(
        "clinicians.Clinician",
        on_delete=models.CASCADE,
        related_name="credentials",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=30, choices=Kind)
    issuer = models.CharField("issuing body", max_length=160)
    number = models.CharField("licence or certificate number", max_length=60)
    jurisdiction = models.CharField(
        max_length=20, help_text="Two-letter state, or 'US' for national bodies."
    )
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    evidence = models.FileField(
        upload_to="credentials/evidence/", storage=select_private_storage, blank=True
    )
    verification_method = models.CharField(max_length=30, choices=Method, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials_verified",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    status_note = models.CharField(max_length=300, blank=True)
    roster_flag = models.CharField(
        max_length=300,
        blank=True,
        help_text="Set by a board roster import when staff should look at it.",
    )
    # What the state board's public roster last said about this licence: set by
    # the roster import for every matched row, shown on the public profile.
    board_status = models.CharField(
        max_length=20, choices=BoardStatus, blank=True, default=""
    )
    board_source = models.CharField(
        max_length=160,
        blank=True,
        help_text='Where the status comes from: "Colorado roster (DORA open data)".',
    )
    board_checked_on = models.DateField(null=True, blank=True)
    # A lapse or discipline withholds the badge until staff decide (the review
    # page, recorded in the audit trail); a new board status asks them again.
    board_review = models.CharField(
        max_length=10, choices=BoardReview, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        # The table keeps the name it had when the model lived in `therapists`.
        db_table = "therapists_credential"
        ordering = ["kind", "issuer"]
        permissions = [("verify_credential", "Can verify credentials")]
        indexes = [
            models.Index(
                fields=["therapist", "status", "kind", "expires_on"],
                name="credential_badge_idx",
            ),
            models.Index(fields=["status", "created_at"], name="credential_queue_idx"),
        ]
        # Meta cannot see the class's choices: these literals are Kind and
        # Status values (BADGE_KINDS, VERIFIED), checked by a test.
        constraints = [
            models.CheckConstraint(
                condition=Q(therapist__isnull=False, clinician__isnull=True)
                | Q(therapist__isnull=True, clinician__isnull=False),
                name="credential_one_holder",
                violation_error_message=(
                    "A credential belongs to a therapist or to a clinician: choose "
                    "exactly one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(clinician__isnull=True) | Q(kind="state_licence"),
                name="credential_clinician_holds_licence",
                violation_error_message="A clinician's credential is a state licence.",
            ),
            models.UniqueConstraint(
                fields=["issuer", "jurisdiction", "number"],
                name="unique_credential_per_issuer",
                violation_error_message=(
                    "This issuer, jurisdiction and number are already registered."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="credential_expires_after_issue",
                violation_error_message="The expiry date is before the issue date.",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["state_licence", "board_certification"])
                | Q(expires_on__isnull=False),
                name="credential_badge_kinds_expire",
                violation_error_message=(
                    "Licences and board certifications need an expiry date."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="verified")
                | (Q(verified_at__isnull=False) & ~Q(verification_method="")),
                name="credential_verified_has_method",
                violation_error_message=(
                    "A verified credential records how and when it was verified."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number} ({self.issuer})"

    @property
    def holder(self):
        """The therapist or the clinician whose credential it is."""
        return self.therapist if self.therapist_id is not None else self.clinician

    @property
    def is_clinicians(self) -> bool:
        """Whether it is a clinician's licence (not a therapist's credential)."""
        return self.clinician_id is not None

    @property
    def days_waiting(self) -> int:
        """Whole days since the credential was submitted."""
        return (timezone.localdate() - timezone.localdate(self.created_at)).days

    @property
    def board_withholds_badge(self) -> bool:
        """Whether the board's roster shows a lapse or discipline that keeps
        this credential from the badge (staff did not keep it)."""
        return (
            self.board_status in self.BADGE_WITHHOLDING
            and self.board_review != self.BoardReview.KEPT
        )

    @property
    def awaits_board_review(self) -> bool:
        """Whether staff have yet to decide on what the board's roster shows."""
        return self.board_status in self.BADGE_WITHHOLDING and not self.board_review

    @property
    def verification_summary(self) -> str:
        if self.status != self.Status.VERIFIED or self.verified_at is None:
            return ""
        when = timezone.localdate(self.verified_at).strftime("%B %-d, %Y")
        return f"Verified on {when} by {self.get_verification_method_display()}"


class CredentialEventQuerySet(InsertOnlyQuerySet):
    def for_credential(self, credential) -> Self:
        """The history of one credential, newest first."""
        return self.filter(credential_id=credential.pk).order_by("-created_at", "-id")


class CredentialEvent(InsertOnly):
    """One decision or change in a credential's life: the audit trail.

    Rows are only ever inserted. The credential is referenced without a database
    constraint so that the trail outlives a deleted credential, and a snapshot of
    what was claimed is kept with each row.
    """

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        EDITED = "edited", "Edited by the therapist"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        ROSTER_MATCH = "roster_match", "Matched on a board roster"
        ROSTER_FLAG = "roster_flag", "Flagged by a board roster"
        REMINDED = "reminded", "Expiry reminder sent"

    credential = models.ForeignKey(
        Credential,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for automatic changes (expiry job, roster import).",
    )
    action = models.CharField(max_length=20, choices=Action)
    method = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)
    old_values = models.JSONField(default=dict, blank=True)
    new_values = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = CredentialEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["credential", "-created_at"], name="event_history_idx")
        ]

    def __str__(self):
        return f"{self.get_action_display()} · credential {self.credential_id}"


def roster_file_path(instance: "RosterImport", filename: str) -> str:
    """A random name: the uploaded one is kept apart, for staff to read."""
    return f"rosters/{uuid.uuid4().hex}.csv"


class RosterImportQuerySet(models.QuerySet):
    def newest_first(self) -> Self:
        """The staff list's order: the latest import on top."""
        return self.order_by("-created_at", "-id")

    def retryable(self, now: datetime.datetime | None = None) -> Self:
        """Imports staff may start again: failed ones, and running ones whose
        worker has not reported progress for STALLED_AFTER (it was killed)."""
        now = now or timezone.now()
        Status = self.model.Status
        return self.filter(
            Q(status=Status.FAILED)
            | Q(status=Status.RUNNING, updated_at__lt=now - self.model.STALLED_AFTER)
        )


class RosterImport(models.Model):
    """A board roster uploaded by staff and imported by a background task
    (verification.roster_import.run_roster_import): its options, its progress
    and, once done, its report."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    # A worker reports progress every batch, within seconds: a running import
    # silent this long lost its worker, and staff may start it again.
    STALLED_AFTER = datetime.timedelta(minutes=15)
    # The report lists this many malformed rows; the count has them all.
    MALFORMED_SHOWN = 200

    # Private: a roster file names people; it is never served.
    file = models.FileField(upload_to=roster_file_path, storage=select_private_storage)
    filename = models.CharField("file name", max_length=200, blank=True)
    issuer = models.CharField("issuing board", max_length=160)
    jurisdiction = models.CharField(max_length=2)
    format = models.CharField(
        max_length=20, choices=[(name, name.title()) for name in rosters.FORMATS]
    )
    # Column overrides: {"number": "LICENSE NUMBER", "discipline": "A,B"}.
    columns = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=160, blank=True)
    checked_on = models.DateField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=7, choices=Status, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # What roster_import.RosterReport.counts holds, by outcome.
    counts = models.JSONField(default=dict, blank=True)
    # The first MALFORMED_SHOWN: [{"line": 8, "reason": "no licence number"}].
    malformed = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moved by every claim and progress report (UPDATEs set it themselves).
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RosterImportQuerySet.as_manager()

    class Meta:
        verbose_name = "roster import"
        indexes = [
            models.Index(fields=["-created_at"], name="roster_import_newest_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=models.F("rows_total")),
                name="roster_import_done_within_total",
                violation_error_message="More rows done than the file has.",
            ),
        ]

    def __str__(self):
        return f"{self.issuer} ({self.jurisdiction}), {self.filename or 'roster'}"

    def get_absolute_url(self) -> str:
        return reverse("verification:roster-detail", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        """Whether the worker has yet to finish it (queued or running)."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def stalled(self) -> bool:
        """Whether it is running but its worker stopped reporting progress."""
        return (
            self.status == self.Status.RUNNING
            and self.updated_at < timezone.now() - self.STALLED_AFTER
        )

    @property
    def retryable(self) -> bool:
        """Whether staff may start it again (as RosterImportQuerySet.retryable)."""
        return self.status == self.Status.FAILED or self.stalled

    @property
    def percent_done(self) -> int:
        """Rows done as a whole percentage of the file's rows."""
        if not self.rows_total:
            return 100 if self.status == self.Status.DONE else 0
        return self.rows_done * 100 // self.rows_total
