"""Suggested groups of related recommendations, for the secretariat to confirm or reject."""

from __future__ import annotations

import re

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from recommendations.jobs import related_suggest_queue
from recommendations.models import Recommendation, RelatedSuggestion
from recommendations.suggestions import related_suggestion_confirm, related_suggestion_reject
from tenants.views.mixins import StatePermissionMixin


def to_list(request):
    return redirect("workspace:related-list", state_slug=request.state.slug)


class RelatedSuggestionListView(StatePermissionMixin, ListView):
    permission_required = "recommendations.curate_recommendation"
    template_name = "recommendations/related_list.html"
    context_object_name = "suggestions"
    paginate_by = 20

    def get_queryset(self):
        return RelatedSuggestion.objects.filter(status=RelatedSuggestion.Status.OPEN)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["suggestions"]
        # The members of the page's suggestions, in one query.
        ids = {pk for suggestion in page for pk in suggestion.recommendation_ids}
        members = Recommendation.objects.filter(pk__in=ids).select_related("mechanism").in_bulk()
        context["rows"] = [
            (suggestion, [members[pk] for pk in suggestion.recommendation_ids if pk in members]) for suggestion in page
        ]
        return context


class RelatedFindView(StatePermissionMixin, View):
    permission_required = "recommendations.curate_recommendation"

    def post(self, request, *args, **kwargs):
        related_suggest_queue(request.state)
        messages.success(
            request, _("The search for related recommendations has started. Reload this page in a moment to see it.")
        )
        return to_list(request)


class SuggestionObjectMixin:
    def dispatch(self, request, *args, **kwargs):
        self.suggestion = get_object_or_404(
            RelatedSuggestion.objects.filter(status=RelatedSuggestion.Status.OPEN), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)


class RelatedConfirmView(SuggestionObjectMixin, StatePermissionMixin, View):
    permission_required = "recommendations.curate_recommendation"

    def post(self, request, *args, **kwargs):
        kept = [int(pk) for pk in request.POST.getlist("keep") if re.fullmatch(r"[0-9]{1,18}", pk)]
        group = related_suggestion_confirm(
            state=request.state, suggestion=self.suggestion, recommendation_ids=kept, user=request.user
        )
        if group is None:
            messages.error(request, _("Keep at least two recommendations to confirm a group."))
        else:
            messages.success(request, _("The group of related recommendations was confirmed."))
        return to_list(request)


class RelatedRejectView(SuggestionObjectMixin, StatePermissionMixin, View):
    permission_required = "recommendations.curate_recommendation"

    def post(self, request, *args, **kwargs):
        related_suggestion_reject(suggestion=self.suggestion, user=request.user)
        messages.success(request, _("The suggestion was rejected; it will not be suggested again."))
        return to_list(request)
