from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from recommendations.queries import recommendation_history, recommendations_visible_to
from tenants.views.mixins import StatePermissionMixin


class RecommendationListView(StatePermissionMixin, ListView):
    permission_required = "recommendations.view_recommendation"
    template_name = "recommendations/workspace_list.html"
    context_object_name = "recommendations"
    paginate_by = 50

    def get_queryset(self):
        return recommendations_visible_to(self.request.user, self.request.state)


class RecommendationDetailView(StatePermissionMixin, DetailView):
    permission_required = "recommendations.view_recommendation"
    template_name = "recommendations/workspace_detail.html"
    context_object_name = "recommendation"

    def get_object(self, queryset=None):
        return get_object_or_404(
            recommendations_visible_to(self.request.user, self.request.state), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(history=recommendation_history(self.object)[:50], **kwargs)
