"""A recommendation's page in the workspace: its record, curation and everything followed up on it."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

from consultation.models import Submission
from consultation.queries import assessment_of
from followup.queries import actions_of, timeline, updates_visible_to
from recommendations.extensions import panels_for
from recommendations.priority import reasons_for
from recommendations.queries import recommendations_visible_to
from tenants.history_display import by_day
from tenants.views.mixins import StatePermissionMixin


class RecommendationDetailView(StatePermissionMixin, DetailView):
    permission_required = "recommendations.view_recommendation"
    template_name = "workspace/recommendation_detail.html"
    context_object_name = "recommendation"

    def get_object(self, queryset=None):
        return get_object_or_404(
            recommendations_visible_to(self.request.user, self.request.state).select_related(
                "lead_entity", "primary_cluster"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        recommendation = self.object
        related = []
        if recommendation.related_group_id:
            related = (
                recommendations_visible_to(self.request.user, self.request.state)
                .filter(related_group_id=recommendation.related_group_id)
                .exclude(pk=recommendation.pk)
            )
        user, state = self.request.user, self.request.state
        return super().get_context_data(
            timeline=by_day(timeline(recommendation, user=user, state=state)),
            updates=updates_visible_to(user, state).filter(recommendation=recommendation).select_related("entity"),
            actions=actions_of(recommendation),
            indicators=recommendation.indicators.all(),
            can_report=user.has_perm("followup.report_on", recommendation),
            reasons=reasons_for(recommendation),
            related=related,
            # Consultation: the discussion, the NHRI's assessment apart from the government's
            # status, and (for the secretariat) what civil society sent on it.
            panels=panels_for(request=self.request, obj=recommendation),
            assessment=assessment_of(recommendation) if user.has_perm("consultation.view_assessment", state) else None,
            may_assess=user.has_perm("consultation.assess", recommendation),
            submissions=Submission.objects.filter(recommendation_ids__contains=[recommendation.pk]).select_related(
                "consultation"
            )
            if user.has_perm("consultation.manage_consultations", state)
            else None,
            **kwargs,
        )
