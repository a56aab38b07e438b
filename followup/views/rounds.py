"""Data-collection rounds: the list, opening one, its tasks and completion, closing it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from followup.forms_rounds import RoundForm
from followup.models import DataCollectionRound
from followup.queries import my_entity_ids
from followup.rounds import (
    RoundError,
    completion_total,
    round_close,
    round_completion,
    round_open,
    round_tasks,
    rounds_completion,
    rounds_visible_to,
)
from tenants.views.mixins import StatePermissionMixin


class RoundListView(StatePermissionMixin, ListView):
    """Curators: every round, with its completion. Focal points: the rounds asking their entities,
    with their own entities' completion."""

    permission_required = "followup.view_rounds"
    template_name = "followup/round_list.html"
    context_object_name = "rounds"
    paginate_by = 50

    def get_queryset(self):
        # Open rounds first (soonest deadline first), then the closed ones (latest first).
        return (
            rounds_visible_to(self.request.user, self.request.state)
            .select_related("mechanism", "cluster")
            .order_by("-status", "deadline", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state, user = self.request.state, self.request.user
        curator = user.has_perm("followup.manage_rounds", state)
        rounds = list(context["rounds"])
        completion = rounds_completion(
            [r.pk for r in rounds], entity_ids=None if curator else my_entity_ids(user, state)
        )
        context.update(
            rows=[(r, completion.get(r.pk)) for r in rounds],
            can_manage=user.has_perm("followup.manage_rounds", state),
            is_curator=curator,
        )
        return context


class RoundCreateView(StatePermissionMixin, FormView):
    permission_required = "followup.manage_rounds"
    template_name = "followup/round_form.html"
    form_class = RoundForm

    def get_initial(self):
        initial = super().get_initial()
        # The State's reminder timing (its settings page) unless the person changes it.
        initial["remind_days_before"] = self.request.state.reminder_days_before
        # From the recommendation list: the recommendations ticked there, a mechanism or a cluster.
        query = self.request.GET
        if query.getlist("recommendations"):
            initial["recommendations"] = "\n".join(query.getlist("recommendations"))
        for name in ("mechanism", "cluster"):
            if query.get(name, "").isdigit():
                initial[name] = int(query[name])
        return initial

    def form_valid(self, form):
        try:
            round_ = round_open(state=self.request.state, user=self.request.user, **form.values())
        except RoundError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The round “%(title)s” was opened; the focal points of the entities asked were told.")
            % {"title": round_.title},
        )
        if round_.skipped_entities:
            messages.warning(
                self.request,
                _("Not asked, as they lead or support none of the recommendations in scope: %(entities)s.")
                % {"entities": ", ".join(str(entity) for entity in round_.skipped_entities)},
            )
        return redirect("workspace:round-detail", state_slug=self.request.state.slug, pk=round_.pk)


class RoundObjectMixin:
    """Looks the round up before the permission check: another State's round is 404."""

    def dispatch(self, request, *args, **kwargs):
        self.round = get_object_or_404(
            DataCollectionRound.objects.select_related("mechanism", "cluster", "opened_by"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)


class RoundDetailView(RoundObjectMixin, StatePermissionMixin, TemplateView):
    """Curators: completion per entity and every task. A focal point: their own entities' tasks,
    each with a link to report (or to the update that answers it); a round that asks none of
    their entities is not theirs to see (404)."""

    permission_required = "followup.view_rounds"
    template_name = "followup/round_detail.html"

    def get_context_data(self, **kwargs):
        state, user = self.request.state, self.request.user
        curator = user.has_perm("followup.manage_rounds", state)
        if curator:
            entity_ids = None
        else:
            entity_ids = sorted(my_entity_ids(user, state) & set(self.round.entity_ids))
            if not entity_ids:
                raise Http404
        completion = round_completion(self.round, entity_ids=entity_ids)
        return super().get_context_data(
            round=self.round,
            is_curator=curator,
            can_manage=user.has_perm("followup.manage_rounds", state),
            may_report=user.has_perm("followup.report_progress", state),
            completion=completion,
            total=completion_total(completion),
            tasks=round_tasks(self.round, entity_ids=entity_ids),
            **kwargs,
        )


class RoundCloseView(RoundObjectMixin, StatePermissionMixin, View):
    permission_required = "followup.manage_rounds"

    def post(self, request, *args, **kwargs):
        try:
            round_close(self.round, request.user)
        except RoundError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The round is closed: no more reminders will be sent for it."))
        return redirect("workspace:round-detail", state_slug=request.state.slug, pk=self.round.pk)
