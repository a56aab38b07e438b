"""The calendar of obligations: the calendar page, an obligation's page, create, edit, delete, the
quick status change, the member's feed address, and the iCalendar feed itself."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from followup.plans import StaleEdit
from followup.queries import history_of
from followup.views.common import ObjectMixin, VersionedFormView
from recommendations.models import Entity, Mechanism
from reporting import calendar
from reporting.forms_calendar import CalendarFilterForm, ObligationForm, StatusForm
from reporting.models import ReportingObligation
from tenants.history_display import by_day
from tenants.models import State
from tenants.scoping import state_context
from tenants.views.mixins import StatePermissionMixin

Status = ReportingObligation.Status


def _go(request, name: str, **kwargs):
    return redirect(f"workspace:{name}", state_slug=request.state.slug, **kwargs)


def feed_url(request, token: str) -> str:
    return request.build_absolute_uri(
        reverse("feed:calendar", kwargs={"state_slug": request.state.slug, "token": token})
    )


class CalendarView(StatePermissionMixin, TemplateView):
    permission_required = "reporting.view_calendar"
    template_name = "reporting/calendar/calendar.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        form = CalendarFilterForm(self.request.GET or None)
        rows = calendar.obligations_filtered(**form.filters(), today=today)
        membership = self.request.membership
        return super().get_context_data(
            form=form,
            sections=calendar.calendar_sections(rows, today),
            filtered=bool(form.is_bound and any(form.filters().values())),
            can_manage=self.request.user.has_perm("reporting.manage_calendar", self.request.state),
            has_feed=calendar.feed_exists(membership),
            may_subscribe=membership.pk is not None,
            today=today,
            upcoming_days=calendar.UPCOMING_DAYS,
            **kwargs,
        )


class ObligationDetailView(ObjectMixin, StatePermissionMixin, DetailView):
    permission_required = "reporting.view_calendar"
    template_name = "reporting/calendar/obligation_detail.html"
    lookup_model = ReportingObligation
    lookup_related = ("mechanism", "created_by")
    context_object_name = "obligation"
    status_form = None

    def get_object(self, queryset=None):
        return self.object

    def get_context_data(self, **kwargs):
        obligation = self.object
        today = timezone.localdate()
        obligation.overdue = calendar.is_overdue(obligation, today)
        following = calendar.next_status(obligation)
        status_form = self.status_form or StatusForm(
            initial={
                "version": obligation.version,
                "status": following or obligation.status,
                "submitted_on": obligation.submitted_on or today,
            }
        )
        return super().get_context_data(
            entities=Entity.objects.filter(pk__in=obligation.entity_ids).order_by("name"),
            drafts=obligation.drafts.select_related("created_by").order_by("-created_at", "-id"),
            history=by_day(history_of(obligation, limit=50)),
            can_manage=self.request.user.has_perm("reporting.manage_calendar", self.request.state),
            next_status=following,
            next_status_label=Status(following).label if following else "",
            status_form=status_form,
            **kwargs,
        )


class ObligationFormView(VersionedFormView):
    permission_required = "reporting.manage_calendar"
    template_name = "reporting/calendar/obligation_form.html"
    form_class = ObligationForm

    def new_instance(self):
        return ReportingObligation(state=self.request.state, created_by=self.request.user)

    def get_initial(self):
        initial = super().get_initial()
        if self.instance is None:
            for name in ("mechanism", "kind"):
                value = self.request.GET.get(name, "")
                if value:
                    initial[name] = value
        return initial

    def values(self, form) -> dict:
        return form.values()

    def post(self, request, *args, **kwargs):
        if "suggest" in request.POST:
            return self.suggest()
        return super().post(request, *args, **kwargs)

    def suggest(self):
        """The "Suggest a date" step: the form again, unsaved, with the typed values and the
        suggested due date, and a note saying where it came from."""
        data = self.request.POST
        initial = {name: data.get(name, "") for name in ObligationForm.base_fields if name != "entities"}
        initial["entities"] = data.getlist("entities")
        mechanism_id = data.get("mechanism", "")
        mechanism = Mechanism.objects.filter(pk=int(mechanism_id)).first() if mechanism_id.isdigit() else None
        kind = data.get("kind", "")
        if mechanism is None or kind not in ReportingObligation.Kind.values:
            suggestion = calendar.Suggestion(None, _("Choose the mechanism and the kind first."))
        else:
            instance = self.get_instance()
            suggestion = calendar.suggest_due(mechanism, kind, exclude=instance.pk)
            if suggestion.due_on:
                initial["due_on"] = suggestion.due_on
        form = self.form_class(initial=initial, instance=self.get_instance())
        return self.render_to_response(self.get_context_data(form=form, suggestion=suggestion))

    def get_context_data(self, **kwargs):
        return super().get_context_data(obligation=self.instance, **kwargs)

    def saved(self, obj):
        messages.success(self.request, _("The obligation “%(title)s” was saved.") % {"title": obj.title})
        return _go(self.request, "obligation-detail", pk=obj.pk)


class ObligationCreateView(ObligationFormView):
    pass


class ObligationEditView(ObjectMixin, ObligationFormView):
    lookup_model = ReportingObligation

    def get_instance(self):
        self.instance = self.object
        return self.object


class ObligationDeleteView(ObjectMixin, StatePermissionMixin, TemplateView):
    """A page that asks first; the POST deletes (linked drafts stay, without their obligation)."""

    permission_required = "reporting.manage_calendar"
    template_name = "reporting/calendar/obligation_delete.html"
    lookup_model = ReportingObligation
    lookup_related = ("mechanism",)

    def get_context_data(self, **kwargs):
        return super().get_context_data(obligation=self.object, draft_count=self.object.drafts.count(), **kwargs)

    def post(self, request, *args, **kwargs):
        title = self.object.title
        self.object.delete()
        messages.success(request, _("The obligation “%(title)s” was deleted.") % {"title": title})
        return _go(request, "calendar")


class ObligationStatusView(ObligationDetailView):
    """The quick status change (POST); a form with errors shows the obligation's page again."""

    permission_required = "reporting.manage_calendar"

    def get(self, request, *args, **kwargs):
        return _go(request, "obligation-detail", pk=self.object.pk)

    def post(self, request, *args, **kwargs):
        form = StatusForm(request.POST)
        if not form.is_valid():
            self.status_form = form
            return self.render_to_response(self.get_context_data(object=self.object))
        try:
            obligation = calendar.obligation_status_set(
                self.object,
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                submitted_on=form.cleaned_data.get("submitted_on"),
            )
        except StaleEdit as conflict:
            messages.error(request, str(conflict))
            return _go(request, "obligation-detail", pk=self.object.pk)
        messages.success(
            request,
            _("“%(title)s” is now: %(status)s.")
            % {"title": obligation.title, "status": obligation.get_status_display()},
        )
        return _go(request, "obligation-detail", pk=obligation.pk)


class FeedTokenView(StatePermissionMixin, View):
    """Create or reset the member's secret feed address (POST). The answer shows it once: only a
    hash is kept, so it cannot be shown again; resetting makes the previous address stop working."""

    permission_required = "reporting.view_calendar"

    def post(self, request, *args, **kwargs):
        membership = request.membership
        if membership.pk is None:
            raise PermissionDenied
        token = calendar.feed_token_reset(membership)
        response = TemplateResponse(
            request, "reporting/calendar/feed_address.html", {"feed_url": feed_url(request, token)}
        )
        response["Cache-Control"] = "no-store"
        return response

    def get(self, request, *args, **kwargs):
        return _go(request, "calendar")


def _not_found() -> HttpResponse:
    response = HttpResponseNotFound(b"Not Found", content_type="text/plain")
    # The address carries a secret: Django's request logger would write it with the 404.
    response._has_been_logged = True
    return response


class CalendarFeedView(View):
    """The iCalendar feed of a member (outside the workspace: calendar applications cannot sign in).

    Found by the token's hash in the State of the address: a malformed or unknown token, another
    State's, a membership that ended (its feed went with it), a person who may no longer sign in,
    or a State that is not active: 404, alike. Nothing here writes the token to a log.
    """

    def get(self, request, state_slug: str, token: str):
        state = State.objects.filter(slug=state_slug, status=State.Status.ACTIVE).first()
        if state is None:
            return _not_found()
        with state_context(state):
            membership = calendar.feed_membership(state, token)
            if membership is None:
                return _not_found()
            language = membership.user.language or state.default_language or settings.LANGUAGE_CODE
            with translation.override(language):
                body = self.render(request, state)
        response = HttpResponse(body.encode(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{state.slug}-obligations.ics"'
        response["Cache-Control"] = "private, no-cache"
        response["X-Robots-Tag"] = "noindex"
        return response

    def render(self, request, state: State) -> str:
        today = timezone.localdate()
        rows = ReportingObligation.objects.select_related("mechanism").order_by("due_on", "id")
        events = [
            calendar.FeedEvent(
                obligation=row,
                url=request.build_absolute_uri(
                    reverse("workspace:obligation-detail", kwargs={"state_slug": state.slug, "pk": row.pk})
                ),
                description=calendar.feed_description(row, today),
            )
            for row in rows
        ]
        domain = urlsplit(settings.SITE_URL).hostname or "nrtd"
        name = _("%(state)s: reporting obligations") % {"state": state.name}
        return calendar.ics_calendar(name=name, uid_domain=domain, state=state, events=events)
