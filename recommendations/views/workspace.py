from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from recommendations.curation_forms import BulkActionForm
from recommendations.filters import RecommendationFilter
from recommendations.forms import RecommendationForm
from recommendations.queries import recommendations_visible_to
from recommendations.services import StaleEdit, recommendation_create, recommendation_update
from recommendations.views.curation import saved_views_for
from tenants.views.mixins import StatePermissionMixin


class RecommendationListView(StatePermissionMixin, ListView):
    permission_required = "recommendations.view_recommendation"
    template_name = "recommendations/workspace_list.html"
    context_object_name = "recommendations"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = RecommendationFilter(
            self.request.GET or None,
            queryset=recommendations_visible_to(self.request.user, self.request.state).select_related("lead_entity"),
            request=self.request,
        )
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter=self.filterset,
            query=query.urlencode(),
            saved_views=saved_views_for(self.request),
            bulk_form=BulkActionForm(),
            **kwargs,
        )


class RecommendationFormMixin(StatePermissionMixin):
    permission_required = "recommendations.change_recommendation"
    template_name = "recommendations/workspace_form.html"
    form_class = RecommendationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "state": self.request.state}

    def done(self, recommendation):
        return redirect("workspace:recommendation-detail", state_slug=self.request.state.slug, pk=recommendation.pk)


class RecommendationCreateView(RecommendationFormMixin, FormView):
    def form_valid(self, form):
        values, links = form.split()
        recommendation = recommendation_create(state=self.request.state, values=values, links=links)
        messages.success(self.request, _("The recommendation was created."))
        return self.done(recommendation)


class RecommendationEditView(RecommendationFormMixin, FormView):
    def dispatch(self, request, *args, **kwargs):
        self.recommendation = get_object_or_404(
            recommendations_visible_to(request.user, request.state), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return RecommendationForm.initial_for(self.recommendation)

    def get_context_data(self, **kwargs):
        return super().get_context_data(recommendation=self.recommendation, **kwargs)

    def form_valid(self, form):
        values, links = form.split()
        try:
            recommendation = recommendation_update(
                recommendation=self.recommendation,
                values=values,
                links=links,
                seen_updated_at=form.cleaned_data["seen_updated_at"],
            )
        except StaleEdit:
            form.add_error(
                None,
                _(
                    "Someone else saved this recommendation while you were editing it. Your text is still in the "
                    "form below; open the recommendation in another tab to see their version, then save again."
                ),
            )
            # The next save compares against what is stored now, not what this edit started from.
            self.recommendation.refresh_from_db()
            form.data = form.data.copy()
            form.data["seen_updated_at"] = self.recommendation.updated_at.isoformat()
            return self.form_invalid(form)
        messages.success(self.request, _("The recommendation was saved."))
        return self.done(recommendation)
