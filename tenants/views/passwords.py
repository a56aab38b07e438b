"""Asking for a password link: throttled, and the link always on ``SITE_URL``.

The link is built on ``settings.SITE_URL`` (``site_url`` in the e-mail's template), never on the
host and scheme the request came with: a request sent with a forged ``Host`` cannot make the site
mail a link to another server. At most ``NRTD_RATE_RESET_ADDRESS`` links an hour go to one e-mail
address, and one client address may ask ``NRTD_RATE_RESET_CLIENT`` times an hour; beyond, 429
with the reason and nothing sent. The limit counts the address asked for, whether or not an
account has it, so it tells nothing about who has an account.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.shortcuts import render
from django.utils.translation import gettext as _

from nrtd.ratelimit import over_limit


def _refused(request, retry_after: int, message: str):
    response = render(request, "429.html", {"retry_after": retry_after, "message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class PasswordLinkView(PasswordResetView):
    def post(self, request, *args, **kwargs):
        retry_after = over_limit(request, "reset_client")
        if retry_after:
            return _refused(
                request, retry_after, _("Too many password links were asked for from this address. Try again later.")
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        retry_after = over_limit(self.request, "reset_address", identity=f"reset:{email}")
        if retry_after:
            return _refused(
                self.request,
                retry_after,
                _("Too many password links were sent to this e-mail address. Use the latest one, or try again later."),
            )
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)
