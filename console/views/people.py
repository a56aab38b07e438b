"""The hosting office's copy of a State's people and settings pages, for its first steps: the same
forms and rules as the State's own pages (recommendations.views.people, tenants.views.settings),
each change recorded in the State's log and in the platform's audit record."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from console.models import PlatformAuditEntry
from console.services import platform_audit
from recommendations.views.people import PeoplePage
from tenants.models import Invitation, Membership, State
from tenants.scoping import state_context
from tenants.views.mixins import PlatformAdminMixin
from tenants.views.settings import SettingsPageMixin


class ConsolePeople(PeoplePage):
    def dispatch(self, request, *args, **kwargs):
        self.state = get_object_or_404(State, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def people_state(self) -> State:
        return self.state

    def member_url(self, membership):
        return reverse("platform:state-member", kwargs={"pk": self.state.pk, "member_id": membership.pk})

    def invitation_url(self, invitation):
        return reverse("platform:state-invitation", kwargs={"pk": self.state.pk, "invitation_id": invitation.pk})

    def invite_url(self):
        return reverse("platform:state-people", kwargs={"pk": self.state.pk})

    def page(self):
        return redirect("platform:state-people", pk=self.state.pk)

    def audit(self, event: str, **details) -> None:
        platform_audit(
            state=self.state, actor=self.request.user, action=PlatformAuditEntry.Action.PEOPLE, event=event, **details
        )


class StatePeopleView(PlatformAdminMixin, ConsolePeople, TemplateView):
    template_name = "console/state_people.html"

    def get_context_data(self, **kwargs):
        form = kwargs.pop("invite_form", None)
        return super().get_context_data(
            state=self.state, console=True, **self.people_context(can_manage=True, invite_form=form), **kwargs
        )

    def post(self, request, *args, **kwargs):
        form = self.invite(request, by=request.user)
        if form is not None:
            return self.render_to_response(self.get_context_data(invite_form=form))
        self.audit("invite", email=request.POST.get("email", "").strip().lower(), role=request.POST.get("role", ""))
        return self.page()


class StateMemberView(PlatformAdminMixin, ConsolePeople, View):
    def post(self, request, *args, **kwargs):
        with state_context(self.state):
            membership = get_object_or_404(Membership.objects.select_related("user", "state"), pk=kwargs["member_id"])
        if self.change_member(request, membership, by=request.user):
            self.audit(request.POST.get("action", ""), email=membership.user.email, role=request.POST.get("role", ""))
        return self.page()


class StateInvitationView(PlatformAdminMixin, ConsolePeople, View):
    def post(self, request, *args, **kwargs):
        with state_context(self.state):
            invitation = get_object_or_404(Invitation.objects.select_related("state"), pk=kwargs["invitation_id"])
        if self.change_invitation(request, invitation, by=request.user):
            self.audit(request.POST.get("action", ""), email=invitation.email)
        return self.page()


class StateSettingsView(PlatformAdminMixin, SettingsPageMixin, TemplateView):
    """The State's settings page, for the hosting office."""

    def dispatch(self, request, *args, **kwargs):
        self.state = get_object_or_404(State, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def settings_state(self) -> State:
        return self.state

    def settings_user(self):
        # The hosting office: its administrators always sign in with a code.
        return None

    def settings_url(self) -> str:
        return reverse("platform:state-settings", kwargs={"pk": self.state.pk})

    def get_context_data(self, **kwargs):
        return super().get_context_data(console=True, **kwargs)

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302:
            platform_audit(
                state=self.state,
                actor=request.user,
                action=PlatformAuditEntry.Action.SETTINGS,
                section=request.POST.get("section", ""),
            )
        return response
