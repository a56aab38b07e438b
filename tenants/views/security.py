"""A State administrator's security settings: whether staff must use two-factor sign-in."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from tenants import two_factor
from tenants.models import State
from tenants.views.mixins import StatePermissionMixin


class StateSecurityForm(forms.ModelForm):
    class Meta:
        model = State
        fields = ["require_two_factor"]
        labels = {"require_two_factor": _("Require two-factor sign-in for administrators and secretariat officers")}
        help_texts = {
            "require_two_factor": _(
                "They will have to give a code from an authenticator app when they sign in, to use the "
                "workspace and the API. Focal points and observers are not asked."
            )
        }


class StateSecurityView(StatePermissionMixin, FormView):
    permission_required = "tenants.manage_state"
    template_name = "tenants/security.html"
    form_class = StateSecurityForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.request.state}

    def form_valid(self, form):
        if form.cleaned_data["require_two_factor"] and not two_factor.is_verified(self.request.user):
            form.add_error(
                "require_two_factor",
                _(
                    "Set up two-factor sign-in for yourself first, and sign in with a code: "
                    "otherwise you would be locked out."
                ),
            )
            return self.form_invalid(form)
        form.save()
        messages.success(self.request, _("The security settings are saved."))
        return redirect("workspace:security", state_slug=self.request.state.slug)
