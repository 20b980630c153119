"""The therapist's comfort and consent page (/dashboard/comfort/): the pressure
range they offer, clothed or over-the-sheet work, a companion welcome, the stop
statement and their draping policy. Only the signed-in therapist's own profile."""

from django.db import transaction
from django.views.generic import UpdateView

from dashboard.views import OwnerMixin
from therapists import changes
from therapists.forms_comfort import ComfortForm
from verification.training import KIND as TRAINING_KIND


class ComfortEditView(OwnerMixin, UpdateView):
    form_class = ComfortForm
    template_name = "dashboard/comfort_form.html"

    def get_object(self, queryset=None):
        return self.therapist

    def get_context_data(self, **kwargs):
        return super().get_context_data(training_kind=TRAINING_KIND, **kwargs)

    @transaction.atomic
    def form_valid(self, form):
        form.save()
        # Saving confirms the details clients rely on, as the profile form does.
        changes.details_confirmed(self.therapist)
        return self.finished("Your comfort and consent details are saved.")
