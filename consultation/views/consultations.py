"""The secretariat's side of public consultations: open one, follow it, review what was sent."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from consultation.forms import ConsultationForm, ReviewForm
from consultation.models import Consultation, Submission
from consultation.queries import assessment_of, consultation_recommendations, submission_counts
from consultation.submissions import (
    ConsultationRefused,
    SubmissionRefused,
    consultation_close,
    consultation_open,
    submission_review,
)
from consultation.views import FiltersFormMixin
from followup.queries import updates_visible_to
from recommendations.models import Recommendation
from tenants.views.mixins import StatePermissionMixin


class ConsultationListView(StatePermissionMixin, ListView):
    permission_required = "consultation.manage_consultations"
    template_name = "consultation/consultation_list.html"
    context_object_name = "consultations"
    paginate_by = 50

    def get_queryset(self):
        return Consultation.objects.order_by("-opens_on", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = dict(
            Submission.objects.filter(status=Submission.Status.PENDING)
            .order_by()
            .values_list("consultation_id")
            .annotate(n=Count("id"))
        )
        context["rows"] = [(c, pending.get(c.pk, 0)) for c in context["consultations"]]
        context["today"] = timezone.localdate()
        return context


class ConsultationCreateView(FiltersFormMixin, StatePermissionMixin, FormView):
    permission_required = "consultation.manage_consultations"
    template_name = "consultation/consultation_form.html"
    form_class = ConsultationForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            consultation = consultation_open(
                state=self.request.state,
                user=self.request.user,
                titles=form.texts("title"),
                introductions=form.texts("introduction"),
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                cluster=data.get("cluster"),
                recommendations=form.scope_recommendations,
                query=form.scope_query,
            )
        except ConsultationRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(self.request, _("The consultation is open on the portal for its period."))
        return redirect("workspace:consultation-detail", state_slug=self.request.state.slug, pk=consultation.pk)


class ConsultationObjectMixin:
    def dispatch(self, request, *args, **kwargs):
        self.consultation = get_object_or_404(Consultation.objects.select_related("cluster"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ConsultationDetailView(ConsultationObjectMixin, StatePermissionMixin, View):
    permission_required = "consultation.manage_consultations"

    def get(self, request, *args, **kwargs):
        consultation = self.consultation
        status = request.GET.get("status", Submission.Status.PENDING)
        if status not in Submission.Status.values and status != "all":
            status = Submission.Status.PENDING
        submissions = consultation.submissions.order_by("-created_at", "-id")
        if status != "all":
            submissions = submissions.filter(status=status)
        recommendations = Recommendation.objects.filter(pk__in=consultation.recommendation_ids).select_related(
            "mechanism"
        )
        counts = submission_counts(consultation)
        return render(
            request,
            "consultation/consultation_detail.html",
            {
                "consultation": consultation,
                "tabs": [(value, label, counts[value]) for value, label in Submission.Status.choices],
                "status": status,
                "submissions": submissions[:200],
                "recommendations": recommendations.order_by("mechanism__code", "symbol", "paragraph", "id"),
                "published_count": consultation_recommendations(consultation).count(),
                "is_open": consultation.is_open(),
                "today": timezone.localdate(),
            },
        )


class ConsultationCloseView(ConsultationObjectMixin, StatePermissionMixin, View):
    permission_required = "consultation.manage_consultations"

    def post(self, request, *args, **kwargs):
        try:
            consultation_close(consultation=self.consultation)
        except ConsultationRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The consultation is closed: the portal no longer takes information."))
        return redirect("workspace:consultation-detail", state_slug=request.state.slug, pk=self.consultation.pk)


class SubmissionObjectMixin:
    def dispatch(self, request, *args, **kwargs):
        self.submission = get_object_or_404(
            Submission.objects.select_related("consultation", "reviewed_by"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm(
            "consultation.review_submission", self.submission
        )


class SubmissionDetailView(SubmissionObjectMixin, StatePermissionMixin, View):
    """A submission beside the State's own updates on its recommendations, and the decision."""

    permission_required = "consultation.manage_consultations"

    def context(self, form):
        user, state = self.request.user, self.request.state
        submission = self.submission
        recommendations = list(
            Recommendation.objects.filter(pk__in=submission.recommendation_ids)
            .select_related("mechanism")
            .order_by("symbol", "paragraph", "id")
        )
        updates = updates_visible_to(user, state).select_related("entity").order_by("-reported_on", "-id")
        beside = [
            (recommendation, list(updates.filter(recommendation=recommendation)[:5]), assessment_of(recommendation))
            for recommendation in recommendations
        ]
        return {"submission": submission, "beside": beside, "form": form}

    def get(self, request, *args, **kwargs):
        form = ReviewForm(initial={"seen": self.submission.status})
        return render(request, "consultation/submission_detail.html", self.context(form))


class SubmissionReviewView(SubmissionObjectMixin, StatePermissionMixin, View):
    permission_required = "consultation.manage_consultations"

    def post(self, request, *args, **kwargs):
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                submission_review(
                    submission=self.submission,
                    user=request.user,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    seen=form.cleaned_data["seen"],
                )
            except SubmissionRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request,
                    _("The submission is now: %(status)s.") % {"status": self.submission.get_status_display()},
                )
                return redirect(
                    "workspace:consultation-detail", state_slug=request.state.slug, pk=self.submission.consultation_id
                )
        else:
            messages.error(request, _("Choose a decision: accept, mark as considered, or reject."))
        return redirect("workspace:submission-detail", state_slug=request.state.slug, pk=self.submission.pk)


class SubmissionFileView(SubmissionObjectMixin, StatePermissionMixin, View):
    permission_required = "consultation.manage_consultations"

    def get(self, request, *args, **kwargs):
        if not self.submission.file:
            raise Http404
        try:
            handle = self.submission.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=True, filename=self.submission.file_name, content_type=self.submission.file_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
