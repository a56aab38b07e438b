"""The NHRI's assessment of a recommendation, and the NHRI's accounts in a State.

The consultation settings themselves (anonymous submissions, publishing the assessments) are a
section of the State's settings page (consultation.state_settings).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from consultation.assessments import AssessmentRefused, assessment_save, nhri_account_give
from consultation.forms import AssessmentForm, NhriAccountForm
from consultation.models import Assessment
from recommendations.queries import recommendations_visible_to
from tenants.models import Invitation, Membership, Role
from tenants.views.mixins import StatePermissionMixin


class AssessmentEditView(StatePermissionMixin, View):
    """Give or change the NHRI's assessment of one recommendation (NHRI accounts)."""

    permission_required = "consultation.give_assessments"
    template_name = "consultation/assessment_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.recommendation = get_object_or_404(
            recommendations_visible_to(request.user, request.state), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm("consultation.assess", self.recommendation)

    def instance(self):
        return Assessment.objects.filter(recommendation=self.recommendation).first() or Assessment(
            state=self.request.state, recommendation=self.recommendation
        )

    def render_form(self, form):
        return render(self.request, self.template_name, {"form": form, "recommendation": self.recommendation})

    def get(self, request, *args, **kwargs):
        return self.render_form(AssessmentForm(instance=self.instance()))

    def post(self, request, *args, **kwargs):
        form = AssessmentForm(request.POST, instance=self.instance())
        if form.is_valid():
            try:
                assessment_save(
                    state=request.state,
                    recommendation=self.recommendation,
                    user=request.user,
                    implementation_status=form.cleaned_data["implementation_status"],
                    text=form.cleaned_data["text"],
                    assessed_on=form.cleaned_data["assessed_on"],
                )
            except AssessmentRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("The institution's assessment is saved."))
                return redirect(
                    "workspace:recommendation-detail", state_slug=request.state.slug, pk=self.recommendation.pk
                )
        return self.render_form(form)


class ConsultationSettingsView(StatePermissionMixin, View):
    """The NHRI's accounts: who has one, and inviting another person of the institution."""

    permission_required = "consultation.manage_settings"
    template_name = "consultation/settings.html"

    def render_page(self, account_form=None):
        return render(
            self.request,
            self.template_name,
            {
                "account_form": account_form or NhriAccountForm(auto_id="nhri-%s"),
                "nhri_members": Membership.objects.filter(role=Role.NHRI)
                .select_related("user")
                .order_by("user__email"),
                "invitations": Invitation.objects.filter(
                    role=Role.NHRI, accepted_at__isnull=True, cancelled_at__isnull=True
                ).order_by("email"),
            },
        )

    def get(self, request, *args, **kwargs):
        return self.render_page()

    def post(self, request, *args, **kwargs):
        state = request.state
        account_form = NhriAccountForm(request.POST, auto_id="nhri-%s")
        if account_form.is_valid():
            try:
                invitation = nhri_account_give(
                    state=state,
                    email=account_form.cleaned_data["email"],
                    name=account_form.cleaned_data["name"],
                    invited_by=request.user,
                )
            except AssessmentRefused as refusal:
                account_form.add_error("email", str(refusal))
            else:
                messages.success(
                    request,
                    _(
                        "An invitation was sent to %(email)s: they have an account of the national human rights "
                        "institution once they accept it."
                    )
                    % {"email": invitation.email},
                )
                return redirect("workspace:consultation-settings", state_slug=state.slug)
        return self.render_page(account_form=account_form)
