from django.conf import settings
from django.utils import translation

from tenants.queries import support_session_of


def nrtd(request):
    """What every page's layout needs: the State in view, the person's role, the text direction."""
    return {
        "current_state": getattr(request, "state", None),
        "current_membership": getattr(request, "membership", None),
        "support_session": support_session_of(getattr(request, "membership", None)),
        "text_direction": "rtl" if translation.get_language_bidi() else "ltr",
        "site_languages": settings.LANGUAGES,
    }
