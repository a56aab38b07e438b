"""The people page of a State: members with their roles and entities, invitations, and (for its
administrators) inviting, changing roles, deactivating. The console shows the same page to the
hosting office (console.views.people), through ``PeoplePage``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from recommendations.models import Entity, FocalPoint
from recommendations.people import PersonInviteForm, person_invite
from tenants.models import Invitation, Membership, Role, State
from tenants.people import (
    PeopleError,
    invitation_cancel,
    invitation_resend,
    membership_deactivate,
    membership_reactivate,
    membership_role_change,
)
from tenants.scoping import state_context
from tenants.views.mixins import StatePermissionMixin

ROLE_ORDER = {role: index for index, role in enumerate(Role.values)}


@dataclass
class MemberRow:
    membership: Membership
    entities: list[str]
    change_url: str
    last_administrator: bool


@dataclass
class InvitationRow:
    invitation: Invitation
    entities: list[str]
    change_url: str


class PeoplePage:
    """What the page shows of ``state``; the URLs of its forms come from the subclass."""

    def people_state(self) -> State:
        raise NotImplementedError

    def member_url(self, membership: Membership) -> str:
        raise NotImplementedError

    def invitation_url(self, invitation: Invitation) -> str:
        raise NotImplementedError

    def invite_url(self) -> str:
        raise NotImplementedError

    def people_context(self, *, can_manage: bool, invite_form=None) -> dict:
        state = self.people_state()
        with state_context(state):
            memberships = list(Membership.objects.select_related("user"))
            entities: dict[int, list[str]] = {}
            for binding in FocalPoint.objects.select_related("entity").order_by("entity__name"):
                entities.setdefault(binding.membership_id, []).append(str(binding.entity))
            invitations = list(
                Invitation.objects.filter(accepted_at__isnull=True, cancelled_at__isnull=True).select_related(
                    "invited_by"
                )
            )
            entity_names = {}
            wanted = {pk for invitation in invitations for pk in invitation.entity_ids}
            if wanted:
                entity_names = {entity.pk: str(entity) for entity in Entity.objects.filter(pk__in=wanted)}
            form = invite_form or (PersonInviteForm(state=state) if can_manage else None)
        memberships.sort(
            key=lambda m: (not m.is_active, ROLE_ORDER.get(m.role, 99), (m.user.name or m.user.email).lower())
        )
        administrators = [m for m in memberships if m.role == Role.STATE_ADMIN and m.is_active]
        return {
            "people_state": state,
            "can_manage": can_manage,
            "members": [
                MemberRow(
                    m,
                    entities.get(m.pk, []),
                    self.member_url(m),
                    last_administrator=administrators == [m],
                )
                for m in memberships
                if m.is_active
            ],
            "deactivated": [
                MemberRow(m, entities.get(m.pk, []), self.member_url(m), last_administrator=False)
                for m in memberships
                if not m.is_active
            ],
            "invitations": [
                InvitationRow(
                    i, [entity_names[pk] for pk in i.entity_ids if pk in entity_names], self.invitation_url(i)
                )
                for i in sorted(invitations, key=lambda i: i.email)
            ],
            "roles": Role.choices,
            "invite_form": form,
            "invite_url": self.invite_url(),
        }

    # What the forms post: each answers with a message and goes back to the page.

    def invite(self, request, *, by):
        """Send the posted invitation: None when sent, else the form with its errors."""
        state = self.people_state()
        form = PersonInviteForm(request.POST, state=state)
        # Validated inside the State's context: the entities are read there (the console's
        # request is not in it).
        with state_context(state):
            valid = form.is_valid()
        if valid:
            try:
                invitation = person_invite(state=state, data=form.cleaned_data, invited_by=by)
            except PeopleError as error:
                form.add_error("email", str(error))
            else:
                messages.success(
                    request,
                    _("An invitation was sent to %(email)s as %(role)s; its link works until %(date)s.")
                    % {
                        "email": invitation.email,
                        "role": invitation.get_role_display(),
                        "date": formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
                    },
                )
                return None
        messages.error(request, _("Nothing was sent: correct what is marked in the invitation form."))
        return form

    def change_member(self, request, membership: Membership, *, by) -> bool:
        """Apply the posted change; whether it was made (a message says what happened either way)."""
        action = request.POST.get("action", "")
        person = membership.user
        try:
            if action == "role":
                role = request.POST.get("role", "")
                if role not in Role.values:
                    messages.error(request, _("Choose a role."))
                    return False
                changed = membership_role_change(membership=membership, role=role, by=by)
                messages.success(
                    request, _("%(person)s is now %(role)s.") % {"person": person, "role": changed.get_role_display()}
                )
            elif action == "deactivate":
                membership_deactivate(membership=membership, by=by)
                messages.success(
                    request,
                    _("%(person)s can no longer enter %(state)s; what they did stays in its history.")
                    % {"person": person, "state": membership.state.name},
                )
            elif action == "reactivate":
                membership_reactivate(membership=membership, by=by)
                messages.success(
                    request,
                    _("%(person)s can enter %(state)s again.") % {"person": person, "state": membership.state.name},
                )
            else:
                messages.error(request, _("Choose what to change."))
                return False
        except PeopleError as error:
            messages.error(request, str(error))
            return False
        return True

    def change_invitation(self, request, invitation: Invitation, *, by) -> bool:
        """Send again or cancel; whether it was done (a message says what happened either way)."""
        action = request.POST.get("action", "")
        try:
            if action == "resend":
                invitation_resend(invitation=invitation, by=by)
                messages.success(
                    request,
                    _("The invitation was sent again to %(email)s, with a new link; the earlier one no longer works.")
                    % {"email": invitation.email},
                )
            elif action == "cancel":
                invitation_cancel(invitation=invitation)
                messages.success(
                    request,
                    _("The invitation of %(email)s is cancelled; its link no longer works.")
                    % {"email": invitation.email},
                )
            else:
                messages.error(request, _("Choose what to do with the invitation."))
                return False
        except PeopleError as error:
            messages.error(request, str(error))
            return False
        return True


class WorkspacePeople(PeoplePage):
    def people_state(self) -> State:
        return self.request.state

    def member_url(self, membership):
        return reverse("workspace:member-change", kwargs={"state_slug": self.request.state.slug, "pk": membership.pk})

    def invitation_url(self, invitation):
        return reverse(
            "workspace:invitation-change", kwargs={"state_slug": self.request.state.slug, "pk": invitation.pk}
        )

    def invite_url(self):
        return reverse("workspace:member-invite", kwargs={"state_slug": self.request.state.slug})

    def page_url(self):
        return reverse("workspace:member-list", kwargs={"state_slug": self.request.state.slug})


class MemberListView(StatePermissionMixin, WorkspacePeople, TemplateView):
    permission_required = "tenants.view_members"
    template_name = "recommendations/people/member_list.html"

    def get_context_data(self, **kwargs):
        can_manage = self.request.user.has_perm("tenants.manage_people", self.request.state)
        return super().get_context_data(
            **self.people_context(can_manage=can_manage, invite_form=kwargs.pop("invite_form", None)), **kwargs
        )


class MemberInviteView(MemberListView):
    """The invitation form, posted from the people page (its errors shown there)."""

    permission_required = "tenants.manage_people"

    def post(self, request, *args, **kwargs):
        form = self.invite(request, by=request.user)
        if form is None:
            return redirect(self.page_url())
        return self.render_to_response(self.get_context_data(invite_form=form))


class MemberChangeView(StatePermissionMixin, WorkspacePeople, View):
    permission_required = "tenants.manage_people"

    def dispatch(self, request, *args, **kwargs):
        self.membership = get_object_or_404(Membership.objects.select_related("user", "state"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.change_member(request, self.membership, by=request.user)
        return redirect(self.page_url())


class InvitationChangeView(StatePermissionMixin, WorkspacePeople, View):
    permission_required = "tenants.manage_people"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = get_object_or_404(Invitation.objects.select_related("state"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.change_invitation(request, self.invitation, by=request.user)
        return redirect(self.page_url())
