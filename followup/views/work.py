"""My work (what the signed-in person has to do in the State) and their notifications."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from followup import notify
from followup.models import DataCollectionRound, Notification, ProgressUpdate
from followup.queries import my_entity_ids
from followup.rounds import open_tasks_for, rounds_completion, unread_count
from tenants.rules import is_focal_point
from tenants.views.mixins import StatePermissionMixin

# How many items each list of "my work" shows (the full lists are on the updates page).
LIST_LIMIT = 50


class MyWorkView(StatePermissionMixin, TemplateView):
    """A focal point: open round tasks by round, returned updates to correct, drafts. The
    secretariat: updates waiting for review, open rounds with their completion. An observer:
    why there is nothing here. The same number of queries whatever the number of items."""

    permission_required = "followup.view_followup"
    template_name = "followup/my_work.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state, user = self.request.state, self.request.user
        today = timezone.localdate()
        mine = sorted(my_entity_ids(user, state))
        curator = user.has_perm("followup.review_updates", state)
        context.update(
            is_curator=curator,
            is_focal_point=is_focal_point(user, state) or bool(mine),
            has_entities=bool(mine),
            today=today,
            unread=unread_count(user, state),
        )
        if mine:
            tasks = open_tasks_for(user, state)
            context["task_count"] = len(tasks)
            context["task_groups"] = [(round_, list(items)) for round_, items in groupby(tasks, key=lambda t: t.round)]
            updates = ProgressUpdate.objects.filter(entity_id__in=mine).select_related(
                "entity", "recommendation", "action", "reviewed_by"
            )
            context["returned"] = list(
                updates.filter(status=ProgressUpdate.Status.RETURNED).order_by("-reviewed_at", "-pk")[:LIST_LIMIT]
            )
            context["drafts"] = list(
                updates.filter(status=ProgressUpdate.Status.DRAFT).order_by("-updated_at", "-pk")[:LIST_LIMIT]
            )
        if curator:
            waiting = ProgressUpdate.objects.filter(status=ProgressUpdate.Status.SUBMITTED)
            context["to_review_count"] = waiting.count()
            context["to_review"] = list(
                waiting.select_related("entity", "recommendation", "action").order_by("submitted_at", "pk")[:LIST_LIMIT]
            )
            rounds = list(
                DataCollectionRound.objects.filter(status=DataCollectionRound.Status.OPEN).order_by("deadline", "pk")
            )
            completion = rounds_completion([r.pk for r in rounds])
            context["open_rounds"] = [(r, completion.get(r.pk)) for r in rounds]
            context["overdue_rounds"] = [r for r in rounds if r.deadline < today]
        return context


class NotificationListView(StatePermissionMixin, ListView):
    """The person's notifications in this State, newest first, each in the reader's language."""

    permission_required = "followup.view_followup"
    template_name = "followup/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        return Notification.objects.filter(user=self.request.user).order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        for notification in context["notifications"]:
            path = notification.params.get("path") or ""
            # Only a path of this site (the params are ours, but a link is a link).
            if not (isinstance(path, str) and path.startswith("/") and url_has_allowed_host_and_scheme(path, None)):
                path = ""
            rows.append((notification, notify.message(notification), path))
        context["rows"] = rows
        context["unread"] = unread_count(self.request.user, self.request.state)
        return context


class NotificationReadView(StatePermissionMixin, View):
    """Mark the person's notifications read (all of them, or the ``ids`` posted); back to ``next``."""

    permission_required = "followup.view_followup"

    def post(self, request, *args, **kwargs):
        unread = Notification.objects.filter(user=request.user, read_at=None)
        ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
        if ids:
            unread = unread.filter(pk__in=ids)
        marked = unread.update(read_at=timezone.now())
        if marked:
            messages.success(request, _("Marked as read."))
        target = request.POST.get("next", "")
        if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect("workspace:notification-list", state_slug=request.state.slug)
