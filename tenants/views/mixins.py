from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from rules.contrib.views import PermissionRequiredMixin


class StatePermissionMixin(PermissionRequiredMixin):
    """Object permission on the State the request is in (set by tenants.middleware)."""

    raise_exception = True

    def get_permission_object(self):
        return self.request.state


class PlatformAdminMixin:
    """The hosting office's pages: everyone else gets 404, as if they were not there."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm("tenants.access_platform"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)
