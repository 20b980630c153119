"""Forms therapists use to edit their own profile (the dashboard app shows them)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms import inlineformset_factory
from django.utils import timezone

from core.fields import BoundedModelMultipleChoiceField
from therapists import accessibility, geocoding, uploads
from therapists.models import (
    LANGUAGE_CHOICES,
    PracticeLocation,
    Therapist,
    TherapistLanguage,
    TherapistTechnique,
)


class TherapistProfileForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label="Languages you work in",
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    access = forms.MultipleChoiceField(
        label="Accessibility: tick what holds at every place you practise",
        choices=accessibility.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Clients see what you tick; anything unticked shows as "
        "“not stated”, never as a no.",
        error_messages={"invalid_choice": "Choose items from the list."},
    )

    class Meta:
        model = Therapist
        fields = [
            "display_name",
            "pronouns",
            "gender",
            "headline",
            "bio",
            "years_in_practice",
            "back_pain_years",
            "back_pain_caseload_percent",
            "sessions_before_reassessing",
            "conditions",
            "accepting_new_clients",
            "offers_mobile_visits",
            "client_contact",
            "contact_phone",
            "booking_url",
        ]
        labels = {
            "display_name": "Name shown to clients",
            "headline": "Headline (one line about how you help with back pain)",
            "bio": "About you and your approach",
            "conditions": "Conditions you treat",
            "sessions_before_reassessing": "Sessions before you reassess (optional)",
            "gender": "Gender (optional, only used by the search filter)",
            "client_contact": "How clients you accept can reach you",
            "contact_phone": "Phone number for clients (if you choose phone)",
            "booking_url": "Online booking link (if you choose online booking)",
        }
        help_texts = {
            "sessions_before_reassessing": "Your typical course of care: after how "
            "many sessions you usually check with a client whether it is helping, "
            "from 1 to 20. Clients see “Typically reassesses after N sessions”.",
            "contact_phone": "Only clients whose interview request you accept see "
            "this, never the public profile. Email uses your account address.",
            "booking_url": "The page where clients book a session, starting with "
            "https://",
        }
        error_messages = {
            "sessions_before_reassessing": {
                "min_value": "Enter a number of sessions from 1 to 20, or leave "
                "it blank.",
                "max_value": "Enter a number of sessions from 1 to 20, or leave "
                "it blank.",
                "invalid": "Enter a whole number of sessions from 1 to 20.",
            },
            "client_contact": {
                "invalid_choice": "Choose email, phone or online booking.",
            },
            "booking_url": {
                "invalid": "Enter the whole address of your booking page, starting "
                "with https://"
            },
            "contact_phone": {
                "max_length": "Keep the phone number under 30 characters.",
            },
        }
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 8}),
            "conditions": forms.CheckboxSelectMultiple,
            "client_contact": forms.RadioSelect,
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel"}),
            "booking_url": forms.URLInput(attrs={"autocomplete": "url"}),
        }
        field_classes = {"conditions": BoundedModelMultipleChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Prices (every length, packages, cancellation) have one page of
        # their own, the dashboard's prices page: not edited here.
        self.fields["headline"].required = True
        self.fields["bio"].widget.attrs["maxlength"] = 4000
        self.fields["bio"].validators.append(max_length(4000))
        # One radio is always ticked in a browser; a post without any keeps
        # the current choice.
        self.fields["client_contact"].required = False
        if self.instance.pk:
            self.initial.setdefault(
                "languages", [lang.code for lang in self.instance.languages.all()]
            )
        self.initial.setdefault("access", self.instance.access_codes)
        # The checklist right after home visits: where a client gets treated.
        order = list(self.fields)
        order.remove("access")
        order.insert(order.index("offers_mobile_visits") + 1, "access")
        self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        years, back_pain = (
            cleaned.get("years_in_practice"),
            cleaned.get("back_pain_years"),
        )
        if years is not None and back_pain is not None and back_pain > years:
            self.add_error(
                "back_pain_years",
                ValidationError(
                    "Years treating back pain cannot be more than years in practice.",
                    code="more_than_practice",
                ),
            )
        self.clean_client_contact_detail(cleaned)
        return cleaned

    def clean_client_contact(self):
        return self.cleaned_data["client_contact"] or self.instance.client_contact

    def clean_contact_phone(self):
        phone = " ".join(self.cleaned_data["contact_phone"].split())
        if phone and sum(c.isdigit() for c in phone) < 7:
            raise ValidationError(
                "Enter the whole phone number with its area code, e.g. 212 555 0100.",
                code="phone_short",
            )
        return phone

    def clean_client_contact_detail(self, cleaned) -> None:
        """The chosen way to reach the therapist needs its number or link."""
        needed = {
            Therapist.ClientContact.PHONE: (
                "contact_phone",
                "Give the phone number clients should call, or choose email.",
            ),
            Therapist.ClientContact.BOOKING: (
                "booking_url",
                "Give the link where clients book, or choose email.",
            ),
        }.get(cleaned.get("client_contact"))
        if needed is None:
            return
        field, message = needed
        if not cleaned.get(field) and not self.has_error(field):
            self.add_error(field, ValidationError(message, code="contact_missing"))

    def validate_constraints(self):
        # The rules above already report these next to their fields.
        if not any(
            self.has_error(field)
            for field in ("back_pain_years", "contact_phone", "booking_url")
        ):
            super().validate_constraints()

    def save(self, commit=True):
        therapist = super().save(commit=False)
        # Saving the form is the therapist confirming every detail on it
        # (therapists.freshness); save() then scores the fresh confirmation.
        therapist.details_confirmed_on = timezone.localdate()
        therapist.access_bits = accessibility.mask_of(self.cleaned_data["access"])
        if commit:
            therapist.save()
            self.save_m2m()
            codes = set(self.cleaned_data["languages"])
            therapist.languages.exclude(code__in=codes).delete()
            existing = set(therapist.languages.values_list("code", flat=True))
            TherapistLanguage.objects.bulk_create(
                TherapistLanguage(therapist=therapist, code=code)
                for code in sorted(codes - existing)
            )
        return therapist


def max_length(limit: int):
    def check(value):
        if len(value) > limit:
            raise ValidationError(
                f"Keep this under {limit} characters (it has {len(value)}).",
                code="max_length",
            )

    return check


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photo (JPEG, PNG or WebP, up to 5 MB)",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )

    def clean_photo(self):
        return uploads.process_photo(self.cleaned_data["photo"])


class TherapistAdminForm(forms.ModelForm):
    """Staff's form in the admin (which names the fields): a new photo is
    cleaned as on the dashboard, and the thumbnail made from it."""

    replaced_files = ()  # the old photo and thumbnail, once the save commits

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not isinstance(photo, UploadedFile):
            return photo  # unchanged, or cleared (False)
        self.processed_photo = uploads.process_photo(photo)
        return self.processed_photo.photo

    def _post_clean(self):
        old = (self.instance.photo, self.instance.photo_thumbnail)
        super()._post_clean()
        processed = getattr(self, "processed_photo", None)
        if processed is not None:
            self.instance.photo_thumbnail = processed.thumbnail
        elif self.cleaned_data.get("photo") is False:
            self.instance.photo_thumbnail = ""
        else:
            return
        self.replaced_files = old


TechniqueFormSet = inlineformset_factory(
    Therapist,
    TherapistTechnique,
    fields=["technique", "years"],
    labels={"years": "Years practising it"},
    extra=2,
    can_delete=True,
    max_num=12,
    validate_max=True,
    # Never build more forms than that, whatever TOTAL_FORMS a POST declares.
    absolute_max=12,
)


class LocationForm(forms.ModelForm):
    class Meta:
        model = PracticeLocation
        fields = ["name", "street_address", "postal_code", "is_home_based"]
        labels = {
            "name": "Name (optional, e.g. Midtown studio)",
            "street_address": "Street address",
            "is_home_based": "I work from home: show only my city, never my street",
        }

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        details = geocoding.zip_details(code) if geocoding.ZIP_RE.match(code) else None
        if details is None:
            raise ValidationError(
                "Enter a valid 5-digit US ZIP code.", code="unknown_zip"
            )
        self.zip_details = details
        return details.code

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_home_based") and not cleaned.get("street_address"):
            self.add_error(
                "street_address",
                ValidationError(
                    "Enter the street address clients come to, or tick “I work "
                    "from home”.",
                    code="street_required",
                ),
            )
        return cleaned

    def _post_clean(self):
        details = getattr(self, "zip_details", None)
        if details is not None:
            # Geocoded offline from the ZIP code; home-based points are blurred
            # further by PracticeLocation.save().
            self.instance.city = details.city
            self.instance.state = details.state
            self.instance.latitude = details.latitude
            self.instance.longitude = details.longitude
        super()._post_clean()
