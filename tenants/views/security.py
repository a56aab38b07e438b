"""The address of the former security page: the settings page's "Security" section now.

Kept so that saved links and forms keep working: a GET goes to the section, a POST saves it.
"""

from django.shortcuts import redirect
from django.urls import reverse

from tenants.views.settings import StateSettingsView


class StateSecurityView(StateSettingsView):
    def get(self, request, *args, **kwargs):
        return redirect(
            f"{reverse('workspace:state-settings', kwargs={'state_slug': request.state.slug})}#settings-security"
        )

    def post(self, request, *args, **kwargs):
        data = request.POST.copy()
        # The old form posted its fields without the section's prefix.
        if "section" not in data:
            data = data.copy()
            for name in ("require_two_factor",):
                if name in request.POST:
                    data[f"security-{name}"] = request.POST[name]
            data["section"] = "security"
        request.POST = data
        return super().post(request, *args, **kwargs)
