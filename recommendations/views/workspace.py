from django.contrib import messages
from django.forms import CheckboxSelectMultiple
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from recommendations.curation_forms import BulkActionForm
from recommendations.filters import RecommendationFilter
from recommendations.forms import RecommendationForm
from recommendations.models import Position
from recommendations.queries import recommendations_visible_to
from recommendations.services import StaleEdit, recommendation_create, recommendation_update
from recommendations.views.curation import BULK_CONFIRM_ABOVE, last_bulk_change, saved_views_for
from tenants.views.mixins import StatePermissionMixin


class RecommendationListView(StatePermissionMixin, ListView):
    """The list built for work: a search box and the filters used most in one row, the others
    under "More filters" (open when the address says ``more=1`` or one of them is set), the
    results, then the bulk action bar acting on what is ticked (the secretariat's)."""

    permission_required = "recommendations.view_recommendation"
    template_name = "recommendations/workspace_list.html"
    context_object_name = "recommendations"
    paginate_by = 50
    # The filters in the first row; every other one is under "More filters", the order first. (A
    # focal point reaches the first recommendation within ten presses of Tab: skip link, these
    # five, Apply, More filters, saved views.)
    MAIN_FILTERS = ("q", "mechanism", "theme", "entity", "implementation_status")

    def get_queryset(self):
        self.filterset = RecommendationFilter(
            self.request.GET or None,
            queryset=recommendations_visible_to(self.request.user, self.request.state).select_related("lead_entity"),
            request=self.request,
        )
        fields = self.filterset.form.fields
        # Four positions read best as four boxes to tick (a type-ahead list serves long lists).
        fields["position"].widget = CheckboxSelectMultiple(choices=Position.choices)
        # Typed to, a mechanism is found by its name as well as its code.
        fields["mechanism"].label_from_instance = lambda mechanism: f"{mechanism.code} — {mechanism.name}"
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        form = self.filterset.form
        main = [form[name] for name in self.MAIN_FILTERS if name in form.fields]
        more = [form["sort"]] + [field for field in form if field.name not in (*self.MAIN_FILTERS, "sort")]
        data = self.request.GET
        # In use: given a value other than "not filtered" (and, for the order, other than the default).
        unused = {"", "unknown", "-issued_on"}
        more_active = sum(1 for field in more if any(value not in unused for value in data.getlist(field.name)))
        filtered = any(value not in unused for name in form.fields if name != "sort" for value in data.getlist(name))
        sort = form["sort"].value() or "-issued_on"
        return super().get_context_data(
            filter=self.filterset,
            sort_label=dict(form.fields["sort"].choices).get(sort, ""),
            main_filters=main,
            more_filters=more,
            more_active=more_active,
            more_open="more" in data or more_active > 0 or any(field.errors for field in more),
            filtered=filtered,
            query=query.urlencode(),
            saved_views=saved_views_for(self.request),
            bulk_form=BulkActionForm(),
            last_bulk=last_bulk_change(self.request, consume=True),
            confirm_above=BULK_CONFIRM_ABOVE,
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
