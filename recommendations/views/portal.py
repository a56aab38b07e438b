"""The public portal (a first version; search and facets come with issue #6)."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from recommendations.queries import recommendations_published


class PortalHomeView(ListView):
    template_name = "recommendations/portal_home.html"
    context_object_name = "recommendations"
    paginate_by = 50

    def get_queryset(self):
        return recommendations_published()


class PortalRecommendationView(DetailView):
    template_name = "recommendations/portal_detail.html"
    context_object_name = "recommendation"

    def get_object(self, queryset=None):
        return get_object_or_404(recommendations_published(), pk=self.kwargs["pk"])
