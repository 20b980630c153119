import csv
import io

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from core.fields import BoundedModelMultipleChoiceField
from core.queues import choose_from_list
from therapists import uploads
from therapists.models import US_STATES
from verification import jurisdictions, roster_import, rosters
from verification.decisions import OWN_CREDENTIAL
from verification.models import Credential, RosterImport

APPROVE = "approve"
WITHHOLD = "withhold"
DECISIONS = [
    (APPROVE, "Approve: the credential is genuine and current"),
    ("reject", "Reject: it could not be confirmed"),
]
# For a credential the board's roster shows lapsed or disciplined: approving
# also decides whether the badge comes back (CredentialQuerySet.badge_qualifying).
BOARD_DECISIONS = [
    (
        APPROVE,
        "Approve and keep the Verified badge: you checked the board's record "
        "and the badge should stand",
    ),
    (
        WITHHOLD,
        "Approve without the badge: the credential is genuine, but the board's "
        "record keeps the badge off",
    ),
    ("reject", "Reject: it could not be confirmed"),
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect)
    method = forms.ChoiceField(
        label="How you checked it",
        choices=[("", "Choose…"), *Credential.Method.choices],
        required=False,
    )
    note = forms.CharField(
        label="Reason for your decision (shown to the therapist if you reject)",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, board_record: bool = False, **kwargs):
        """`board_record`: the credential's board roster shows a lapse or
        discipline, so staff also decide on the badge."""
        super().__init__(*args, **kwargs)
        if board_record:
            self.fields["decision"].choices = BOARD_DECISIONS

    @property
    def approves(self) -> bool:
        """Whether the cleaned decision is an approval."""
        return self.cleaned_data.get("decision") in (APPROVE, WITHHOLD)

    @property
    def keeps_badge(self) -> bool:
        """Whether it approves and keeps a badge the board's record withholds."""
        return self.cleaned_data.get("decision") == APPROVE

    def clean(self):
        cleaned = super().clean()
        if self.approves and not cleaned.get("method"):
            self.add_error(
                "method",
                forms.ValidationError(
                    "Say how you verified it before approving.", code="method_required"
                ),
            )
        return cleaned


class BulkApproveForm(forms.Form):
    credentials = BoundedModelMultipleChoiceField(
        queryset=Credential.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    method = forms.ChoiceField(
        label="How you checked them", choices=Credential.Method.choices
    )
    note = forms.CharField(label="Note for the record", max_length=300)

    def __init__(self, *args, queryset, user=None, **kwargs):
        """`user`: the member of staff approving, who may not approve their own."""
        super().__init__(*args, **kwargs)
        self.fields["credentials"].queryset = queryset
        self.user = user

    def clean_credentials(self):
        credentials = self.cleaned_data["credentials"]
        if self.user is None:
            return credentials
        own = [c.number for c in credentials if c.holder.user_id == self.user.pk]
        if own:
            raise ValidationError(
                f"{OWN_CREDENTIAL} ({', '.join(own)})", code="own_credential"
            )
        return credentials


class EvidenceCleaningMixin:
    """A newly uploaded document is checked by its content and re-encoded
    (therapists.uploads), whether the therapist or staff uploads it."""

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence and evidence != self.instance.evidence:
            return uploads.clean_evidence(evidence)
        return evidence


class CredentialForm(EvidenceCleaningMixin, forms.ModelForm):
    """The therapist's own credential: what they claim and the document.
    decisions.submit() and decisions.edit() save it (an edit may send it back
    to staff)."""

    class Meta:
        model = Credential
        fields = [*Credential.CLAIM_FIELDS, "evidence"]
        labels = {
            "evidence": "Evidence: a scan or photo of the document (PDF, JPEG or PNG, "
            "up to 10 MB)",
            "jurisdiction": "Jurisdiction (two-letter state, or US if national)",
        }
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
            # A plain file input: evidence has no public URL to link to.
            "evidence": forms.FileInput(
                attrs={"accept": "application/pdf,image/jpeg,image/png"}
            ),
        }

    def __init__(self, *args, therapist, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.therapist = therapist
        self.fields["evidence"].required = not self.instance.evidence
        if self.instance.evidence:
            self.fields[
                "evidence"
            ].help_text = "A document is on file; choose a new one only to replace it."

    def clean_jurisdiction(self):
        value = self.cleaned_data["jurisdiction"].strip().upper()
        if len(value) != 2 or not value.isalpha():
            raise ValidationError(
                "Use a two-letter state code such as NY, or US for a national body.",
                code="bad_jurisdiction",
            )
        return value

    def clean(self):
        cleaned = super().clean()
        kind, expires = cleaned.get("kind"), cleaned.get("expires_on")
        if kind in Credential.BADGE_KINDS and not expires:
            self.add_error(
                "expires_on",
                ValidationError(
                    "Licences and board certifications need an expiry date.",
                    code="expiry_required",
                ),
            )
        issued = cleaned.get("issued_on")
        if issued and expires and expires < issued:
            self.add_error(
                "expires_on",
                ValidationError(
                    "The expiry date is before the issue date.", code="expires_early"
                ),
            )
        return cleaned


class ClinicianLicenceForm(CredentialForm):
    """A clinician's licence to practise: always a state licence, issued by a
    state, with its expiry. decisions.submit() and decisions.edit() save it as
    they save a therapist's credential (an edit may send it back to staff)."""

    jurisdiction = forms.ChoiceField(
        label="State that issued it",
        choices=[("", "Choose a state…"), *US_STATES],
        error_messages={
            "required": "Choose the state that issued your licence.",
            "invalid_choice": "Choose a state from the list.",
        },
    )

    class Meta(CredentialForm.Meta):
        fields = [name for name in CredentialForm.Meta.fields if name != "kind"]
        labels = {
            **CredentialForm.Meta.labels,
            "issuer": "Licensing board (e.g. New York State Board of Medicine)",
            "number": "Licence number",
            "issued_on": "Issued on (optional)",
            "expires_on": "Expires on",
            "evidence": "Evidence: a scan or photo of your licence (PDF, JPEG or "
            "PNG, up to 10 MB)",
        }

    def __init__(self, *args, clinician, **kwargs):
        super().__init__(*args, therapist=None, **kwargs)
        self.instance.clinician = clinician
        self.instance.kind = Credential.Kind.STATE_LICENCE
        self.fields["expires_on"].required = True
        self.fields["expires_on"].error_messages["required"] = (
            "Enter the date your licence expires."
        )


class CredentialAdminForm(EvidenceCleaningMixin, forms.ModelForm):
    """Staff's form in the admin: a verified credential says how it was verified,
    and nobody adds a credential for themselves or moves one onto themselves."""

    # The member of staff saving, set by CredentialAdmin.get_form().
    user = None

    class Meta:
        model = Credential
        # Evidence has no public URL to link to; staff open it from the review
        # page, which checks their permission.
        widgets = {"evidence": forms.FileInput}
        fields = [
            "therapist",
            "clinician",
            *Credential.CLAIM_FIELDS,
            "evidence",
            "status",
            "verification_method",
            "status_note",
        ]

    def clean_therapist(self):
        therapist = self.cleaned_data["therapist"]
        if (
            therapist is not None
            and self.user is not None
            and therapist.user_id == self.user.pk
        ):
            raise ValidationError(OWN_CREDENTIAL, code="own_credential")
        return therapist

    def clean_jurisdiction(self):
        # In capitals, as the badge rule and the roster import compare it.
        return self.cleaned_data["jurisdiction"].strip().upper()

    def clean_clinician(self):
        clinician = self.cleaned_data["clinician"]
        if (
            clinician is not None
            and self.user is not None
            and clinician.user_id == self.user.pk
        ):
            raise ValidationError(OWN_CREDENTIAL, code="own_credential")
        return clinician

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Credential.Status.VERIFIED and not cleaned.get(
            "verification_method"
        ):
            self.add_error(
                "verification_method",
                forms.ValidationError(
                    "Say how this credential was verified.", code="method_required"
                ),
            )
        return cleaned


class CredentialInlineForm(forms.ModelForm):
    """A credential's row on the therapist's admin page."""

    def clean_jurisdiction(self):
        # In capitals, as the badge rule and the roster import compare it.
        return self.cleaned_data["jurisdiction"].strip().upper()


class CredentialInlineFormSet(forms.BaseInlineFormSet):
    """The credentials on a therapist's admin page: nobody adds, edits or deletes
    their own there (their dashboard sends changes to other staff)."""

    # The member of staff saving, set by CredentialInline.get_formset().
    user = None

    def clean(self):
        super().clean()
        own = self.user is not None and self.instance.user_id == self.user.pk
        if own and any(form.has_changed() for form in self.forms):
            raise ValidationError(OWN_CREDENTIAL, code="own_credential")


class RosterImportForm(forms.ModelForm):
    """A board roster staff upload for the task worker to import: the file is
    checked here (size, UTF-8, the format's columns), so a wrong one is refused
    before it is queued. roster_import.start() saves and queues it."""

    MAX_BYTES = 20 * 1024 * 1024

    file = forms.FileField(
        label="Roster file (CSV in UTF-8, up to 20 MB)",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose the roster file to import.",
            "empty": "The file is empty. Choose the roster's CSV file.",
            "invalid": "Choose the roster's CSV file.",
        },
    )
    jurisdiction = forms.ChoiceField(
        label="State",
        choices=[
            ("", "Choose…"),
            *sorted(
                ((code, state.name) for code, state in jurisdictions.STATES.items()),
                key=lambda choice: choice[1],
            ),
        ],
        error_messages={
            "required": "Choose the state whose board published the roster.",
            **choose_from_list("the state whose board published the roster"),
        },
    )
    columns = forms.CharField(
        label="Column overrides (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "One per line, as FIELD=Header, where the file names a column "
            "differently from the format: "
            f"{', '.join(roster_import.COLUMN_FIELDS)} "
            "(discipline takes several headers, comma-separated). "
            "For example: <code>number=LICENSE NUMBER</code>"
        ),
    )

    class Meta:
        model = RosterImport
        fields = [
            "file",
            "issuer",
            "jurisdiction",
            "format",
            "columns",
            "source",
            "checked_on",
            "dry_run",
        ]
        labels = {
            "issuer": "Board (the issuer named on the site's licences)",
            "format": "Roster format",
            "source": "Source shown on profiles (optional)",
            "checked_on": "Day the roster was downloaded (optional: today)",
            "dry_run": "Dry run: count what would change, save nothing",
        }
        help_texts = {
            "source": 'As in "per the Texas roster (TDLR)"; by default the '
            'format\'s own, or "&lt;board&gt; roster".',
        }
        widgets = {
            "checked_on": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {
            "issuer": {"required": "Name the board that published the roster."},
            "format": {
                "required": "Choose the roster's format.",
                **choose_from_list("a roster format"),
            },
            "checked_on": {"invalid": "Give the day as YYYY-MM-DD."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers: list[str] | None = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        too_large = ValidationError(
            f"The file must be {self.MAX_BYTES // (1024 * 1024)} MB or smaller. "
            "Split the roster, or filter it to massage therapists first.",
            code="too_large",
        )
        if (upload.size or 0) > self.MAX_BYTES:
            raise too_large
        upload.seek(0)
        data = upload.read(self.MAX_BYTES + 1)
        if len(data) > self.MAX_BYTES:
            raise too_large
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                "The file is not UTF-8 text. Save it as CSV (UTF-8) and upload "
                "it again.",
                code="not_utf8",
            ) from None
        try:
            self.headers = next(csv.reader(io.StringIO(text, newline="")), [])
        except csv.Error:
            self.headers = []
        if not any(header.strip() for header in self.headers) or "\x00" in text:
            raise ValidationError(
                "The file is not a CSV roster: its first line should name the columns.",
                code="not_csv",
            )
        self.instance.filename = (upload.name or "")[:200]
        return ContentFile(data, name="roster.csv")

    def clean_columns(self):
        lines = [
            line for line in self.cleaned_data["columns"].splitlines() if line.strip()
        ]
        try:
            return roster_import.parse_columns(lines)
        except ValueError as error:
            raise ValidationError(f"Cannot read {error}", code="bad_column") from None

    def clean_checked_on(self):
        day = self.cleaned_data["checked_on"]
        if day and day > timezone.localdate():
            raise ValidationError(
                "That day is in the future: give the day the roster was downloaded.",
                code="future",
            )
        return day

    def clean(self):
        cleaned = super().clean()
        name, columns = cleaned.get("format"), cleaned.get("columns")
        if self.headers is None or name is None or columns is None:
            return cleaned
        fmt = roster_import.roster_format(name, columns)
        if missing := rosters.missing_columns(self.headers, fmt):
            self.add_error(
                "file",
                ValidationError(
                    f"The file has no column {', '.join(missing)}, which the "
                    f"{name} format reads. Choose another format, or name the "
                    "file's own columns under Column overrides.",
                    code="missing_columns",
                ),
            )
        return cleaned
