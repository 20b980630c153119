"""The therapist's prices page (session lengths, assessment, packages, sliding
scale, cancellation) and payment page (ways to pay, insurance plans and their
confirmation). Each works on the signed-in therapist's own rows only; saving
either confirms the details clients rely on, as the profile form does."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dashboard.views import finish_change, own_therapist
from therapists import changes, freshness, payment
from therapists.forms_pricing import PackageFormSet, PaymentForm, PricesForm
from therapists.models import AcceptedPlan, plan_confirmation


@login_required
def prices_edit(request):
    therapist = own_therapist(request)
    data = request.POST if request.method == "POST" else None
    form = PricesForm(data, instance=therapist)
    packages = PackageFormSet(data, instance=therapist, prefix="packages")
    if data is not None and form.is_valid() and packages.is_valid():
        with transaction.atomic():
            form.save()
            packages.save()
            changes.details_confirmed(therapist)
            finish_change(request, therapist, "Your prices are saved.")
        return redirect("dashboard:home")
    return render(
        request,
        "dashboard/prices_form.html",
        {"form": form, "packages": packages, "therapist": therapist},
    )


@login_required
def payment_edit(request):
    therapist = own_therapist(request)
    data = request.POST if request.method == "POST" else None
    form = PaymentForm(data, therapist=therapist)
    if data is not None and form.is_valid():
        with transaction.atomic():
            form.save(today=timezone.localdate())
            changes.plans_changed(therapist)
            changes.details_confirmed(therapist)
            finish_change(request, therapist, "How clients can pay is saved.")
        return redirect("dashboard:home")
    today = timezone.localdate()
    accepted = [
        (accepted, plan_confirmation(accepted.plan.name, accepted.confirmed_on, today))
        for accepted in therapist.accepted_plans.select_related("plan")
    ]
    return render(
        request,
        "dashboard/payment_form.html",
        {
            "form": form,
            "therapist": therapist,
            "accepted": accepted,
            "items": payment.ITEMS,
        },
    )


@require_POST
@login_required
def plan_confirm(request, pk):
    """The therapist checked that they still accept this plan: confirmed today."""
    therapist = own_therapist(request)
    accepted = get_object_or_404(
        AcceptedPlan.objects.select_related("plan"), therapist=therapist, pk=pk
    )
    accepted.confirmed_on = timezone.localdate()
    accepted.save(update_fields=["confirmed_on"])
    messages.success(
        request,
        f"{accepted.plan.name}: confirmed on "
        f"{freshness.short_date(accepted.confirmed_on)}.",
    )
    return redirect("dashboard:home")
