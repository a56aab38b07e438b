"""The hosting office's console: every State, and the form that creates one."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from tenants.forms import PasswordLinkForm, StateCreateForm
from tenants.models import State
from tenants.services import state_create
from tenants.views.mixins import PlatformAdminMixin


class PlatformHomeView(PlatformAdminMixin, ListView):
    template_name = "platform/home.html"
    context_object_name = "states"

    def get_queryset(self):
        return State.objects.order_by("name")


class StateCreateView(PlatformAdminMixin, FormView):
    template_name = "platform/state_form.html"
    form_class = StateCreateForm

    def form_valid(self, form):
        data = form.cleaned_data
        state, admin = state_create(
            name=data["name"],
            slug=data["slug"],
            iso3=data["iso3"],
            content_languages=data["content_languages"],
            default_language=data["default_language"],
            portal_enabled=data["portal_enabled"],
            admin_email=data["admin_email"],
            admin_name=data["admin_name"],
        )
        link = PasswordLinkForm(data={"email": admin.email})
        if link.is_valid():
            link.save(
                request=self.request,
                use_https=self.request.is_secure(),
                email_template_name="accounts/password_reset_email.txt",
                subject_template_name="accounts/password_reset_subject.txt",
            )
        messages.success(
            self.request,
            _("%(state)s was created. %(email)s has been sent a link to set their password.")
            % {"state": state.name, "email": admin.email},
        )
        return redirect("platform:home")
