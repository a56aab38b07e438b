"""A State's settings page: every registered section (tenants.state_settings), each saved on its own."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from tenants.models import State
from tenants.state_settings import settings_sections
from tenants.views.mixins import StatePermissionMixin


class SettingsPageMixin:
    """The sections' forms for ``self.settings_state()``; a POST saves the one it names."""

    template_name = "tenants/settings.html"

    def settings_state(self) -> State:
        raise NotImplementedError

    def settings_user(self):
        """Who changes the settings, for the sections' checks (None: the hosting office)."""
        return self.request.user

    def settings_url(self) -> str:
        raise NotImplementedError

    def section_forms(self, bound: str | None = None, data=None):
        state = State.objects.get(pk=self.settings_state().pk)
        forms = []
        for section in settings_sections():
            form_data = data if section.key == bound else None
            forms.append(
                (section, section.form_class(form_data, prefix=section.key, state=state, user=self.settings_user()))
            )
        return forms

    def get_context_data(self, **kwargs):
        kwargs.setdefault("sections", self.section_forms())
        return super().get_context_data(settings_state=self.settings_state(), **kwargs)

    def post(self, request, *args, **kwargs):
        key = request.POST.get("section", "")
        sections = self.section_forms(bound=key, data=request.POST)
        form = next((form for section, form in sections if section.key == key), None)
        if form is None:
            raise Http404
        if not form.is_valid():
            messages.error(request, _("Nothing was saved: correct what is marked below."))
            return self.render_to_response(self.get_context_data(sections=sections, invalid=key))
        changed = form.save()
        title = next(section.title for section, _form in sections if section.key == key)
        if changed:
            messages.success(request, _("“%(section)s” is saved.") % {"section": title})
        else:
            messages.info(request, _("“%(section)s” had no change to save.") % {"section": title})
        return redirect(f"{self.settings_url()}#settings-{key}")


class StateSettingsView(StatePermissionMixin, SettingsPageMixin, TemplateView):
    permission_required = "tenants.manage_state"

    def settings_state(self) -> State:
        return self.request.state

    def settings_url(self) -> str:
        return reverse("workspace:state-settings", kwargs={"state_slug": self.request.state.slug})
