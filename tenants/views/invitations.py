"""Following an invitation's link: choose a password (or sign in), join the State, enter it.

The address carries the State and the token: the invitation is looked up inside that State's
context only, so another State's token opens nothing here (404, as an unknown one). A person who
had no password chooses one and is signed in at once; a person with an account signs in first.
Either way they land in the workspace, or on two-factor set-up when the State asks it of their
role (docs/people.md).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from tenants import two_factor
from tenants.models import State, User
from tenants.people import PeopleError, invitation_accept, invitation_for_token, invitation_refusal, normalize_email

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class ChoosePasswordForm(SetPasswordForm):
    """The newcomer's name (as the invitation spelled it, to correct) and password."""

    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200, required=False)
    field_order = ["name", "new_password1", "new_password2"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["name"].initial = user.name

    def save(self, commit=True):
        self.user.name = self.cleaned_data["name"].strip() or self.user.name
        return super().save(commit=commit)


class InvitationView(View):
    template_name = "tenants/invitation.html"

    def dispatch(self, request, state_slug: str, token: str):
        self.state = State.objects.filter(slug=state_slug, status=State.Status.ACTIVE).first()
        self.invitation = invitation_for_token(self.state, token) if self.state else None
        if self.invitation is None:
            raise Http404
        self.account = User.objects.filter(email__iexact=self.invitation.email).first()
        return super().dispatch(request, state_slug=state_slug, token=token)

    def page(self, request, *, status=200, **context):
        return render(
            request,
            self.template_name,
            {"invitation": self.invitation, "invited_state": self.state, "account": self.account, **context},
            status=status,
        )

    def situation(self, request):
        """What the person can do with the link: a refusal, or the form or button to accept."""
        if not self.invitation.is_pending:
            return self.page(request, status=410, refusal=invitation_refusal(self.invitation))
        user = request.user
        if user.is_authenticated:
            if normalize_email(user.email) != self.invitation.email:
                return self.page(request, wrong_person=True)
            return None
        if self.account is not None and self.account.has_usable_password():
            return self.page(request, sign_in_first=True)
        return None

    def get(self, request, **kwargs):
        refusal = self.situation(request)
        if refusal is not None:
            return refusal
        if request.user.is_authenticated:
            return self.page(request, confirm=True)
        return self.page(request, form=ChoosePasswordForm(self.newcomer()))

    def newcomer(self) -> User:
        if self.account is not None:
            return self.account
        return User(email=self.invitation.email, name=self.invitation.name)

    def post(self, request, **kwargs):
        refusal = self.situation(request)
        if refusal is not None:
            return refusal
        form = None
        try:
            with transaction.atomic():
                if request.user.is_authenticated:
                    membership = invitation_accept(invitation=self.invitation, user=request.user)
                else:
                    form = ChoosePasswordForm(self.newcomer(), request.POST)
                    if not form.is_valid():
                        return self.page(request, form=form)
                    user = form.save()
                    if not user.language:
                        user.language = request.LANGUAGE_CODE
                        user.save(update_fields=["language"])
                    # Signed in before joining, so history names them as who joined.
                    auth_login(request, user, backend=MODEL_BACKEND)
                    membership = invitation_accept(invitation=self.invitation, user=user)
        except PeopleError as error:
            if form is not None and request.user.is_authenticated:
                auth_logout(request)
            messages.error(request, str(error))
            self.invitation.refresh_from_db()
            return self.page(request, status=410, refusal=str(error))
        messages.success(
            request,
            _("Welcome to %(state)s. You are %(role)s.")
            % {"state": self.state.name, "role": membership.get_role_display()},
        )
        workspace = reverse("workspace:home", kwargs={"state_slug": self.state.slug})
        if two_factor.state_requires_two_factor(self.state, membership) and not two_factor.has_two_factor(request.user):
            return redirect(f"{reverse('accounts:two-factor-setup')}?{urlencode({'next': workspace})}")
        return redirect(workspace)
