"""Two-factor sign-in pages: the code step of signing in, set-up, recovery codes, turning it off.

The password step (``SignInView``) does not sign a person with two-factor sign-in in: it notes
who they are in the session and sends them to the code step (``TwoFactorVerifyView``), which
signs them in and verifies the session together. See tenants/two_factor.py.
"""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import FormView, TemplateView
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from nrtd.ratelimit import quota_add, quota_used
from tenants import two_factor

PENDING_SESSION_KEY = "nrtd_two_factor_pending"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("two-factor sign-in", "Code"),
        max_length=32,
        help_text=_("The six-digit code your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class SetupCodeForm(CodeForm):
    code = forms.CharField(
        label=pgettext_lazy("two-factor sign-in", "Code"),
        max_length=32,
        help_text=_("The six-digit code your authenticator app shows now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
    )


WRONG_CODE = _("That code is not right. Check that your device's clock is right, and try again.")
TOO_MANY = _("Too many wrong codes. Wait a few seconds, then try again.")
SPRAYING = _("Too many failed sign-ins from this address. Try again in %(minutes)s minutes.")


def safe_next(request, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class SignInView(LoginView):
    """The password step. A person with two-factor sign-in goes on to the code step, still signed out.

    Beside axes' lock of one user name from one address, the failures of one client address are
    counted whatever the user names tried (password spraying): past the ``signin_failures``
    limit of ``NRTD_RATE_LIMITS``, the address waits for the window's end (429), nothing checked.
    """

    template_name = "accounts/login.html"

    def post(self, request, *args, **kwargs):
        limit, window = settings.NRTD_RATE_LIMITS["signin_failures"]
        if limit and quota_used(request, "signin_failures") >= limit:
            response = render(
                request,
                "429.html",
                {"retry_after": window, "message": SPRAYING % {"minutes": max(window // 60, 1)}},
                status=429,
            )
            response["Retry-After"] = str(window)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        limit, window = settings.NRTD_RATE_LIMITS["signin_failures"]
        if limit and self.request.method == "POST":
            quota_add(self.request, "signin_failures", window)
        return super().form_invalid(form)

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.has_two_factor(user):
            return super().form_valid(form)
        self.request.session[PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("accounts:two-factor-verify")


class TwoFactorVerifyView(FormView):
    """The code step: after the password, or for a signed-in session that is not verified yet."""

    template_name = "accounts/two_factor_verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        self.pending = None
        if request.user.is_authenticated:
            if two_factor.is_verified(request.user):
                return redirect(safe_next(request, reverse(settings.LOGIN_REDIRECT_URL)))
            if not two_factor.has_two_factor(request.user):
                return redirect(with_next(reverse("accounts:two-factor-setup"), safe_next(request)))
            self.person = request.user
            self.next_url = safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
        else:
            self.pending = request.session.get(PENDING_SESSION_KEY)
            person = None
            if self.pending and time.time() - self.pending["at"] < settings.NRTD_TWO_FACTOR_PENDING_SECONDS:
                person = get_user_model().objects.filter(pk=self.pending["user"], is_active=True).first()
            if person is None:
                request.session.pop(PENDING_SESSION_KEY, None)
                return redirect("accounts:login")
            self.person = person
            self.next_url = self.pending["next"]
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_url, signing_in=self.pending is not None, **kwargs)

    def form_valid(self, form):
        result = two_factor.check_code(self.person, form.cleaned_data["code"])
        if result.device is None:
            form.add_error("code", TOO_MANY if result.locked_until else WRONG_CODE)
            return self.form_invalid(form)
        if self.pending is not None:
            self.request.session.pop(PENDING_SESSION_KEY, None)
            auth_login(self.request, self.person, backend=self.pending["backend"])
        otp_login(self.request, result.device)
        if isinstance(result.device, StaticDevice):
            left = two_factor.remaining_recovery_codes(self.person)
            messages.warning(
                self.request,
                _("You signed in with a recovery code; %(left)d left. Make new ones on your two-factor page.")
                % {"left": left},
            )
        return redirect(self.next_url)


class TwoFactorView(LoginRequiredMixin, TemplateView):
    """Where a person sees whether two-factor sign-in is on, and what they can do about it."""

    template_name = "accounts/two_factor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            enabled=two_factor.has_two_factor(user),
            verified=two_factor.is_verified(user),
            recovery_codes_left=two_factor.remaining_recovery_codes(user),
            **kwargs,
        )


class TwoFactorSetupView(LoginRequiredMixin, FormView):
    """Show the secret and its QR code; a first code from the app confirms; then the recovery codes."""

    template_name = "accounts/two_factor_setup.html"
    form_class = SetupCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and two_factor.has_two_factor(request.user):
            if not two_factor.is_verified(request.user):
                return redirect(with_next(reverse("accounts:two-factor-verify"), safe_next(request)))
            return redirect("accounts:two-factor")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = two_factor.pending_device(self.request.user)
        return super().get_context_data(
            secret=two_factor.secret_of(device),
            qr_code=two_factor.qr_data_uri(device.config_url),
            next=safe_next(self.request),
            required=self.request.user.is_platform_admin,
            **kwargs,
        )

    def form_valid(self, form):
        user = self.request.user
        device = two_factor.pending_device(user)
        allowed, _details = device.verify_is_allowed()
        if not two_factor.confirm_device(user, device, form.cleaned_data["code"]):
            form.add_error("code", WRONG_CODE if allowed else TOO_MANY)
            return self.form_invalid(form)
        otp_login(self.request, device)
        codes = two_factor.new_recovery_codes(user)
        messages.success(self.request, _("Two-factor sign-in is on."))
        return render_codes(self.request, codes, safe_next(self.request))


def render_codes(request, codes: list[str], next_url: str = ""):
    response = render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": next_url})
    # Shown once: never kept by a browser's or a proxy's cache.
    response["Cache-Control"] = "no-store"
    return response


class VerifiedRequiredMixin(LoginRequiredMixin):
    """Pages that change a person's two-factor sign-in need it on, and a session verified with it."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not two_factor.has_two_factor(request.user):
            return redirect("accounts:two-factor")
        if not two_factor.is_verified(request.user):
            return redirect(with_next(reverse("accounts:two-factor-verify"), request.get_full_path()))
        return super().dispatch(request, *args, **kwargs)


class RecoveryCodesView(VerifiedRequiredMixin, TemplateView):
    """New recovery codes (the old ones stop working)."""

    template_name = "accounts/two_factor_recovery.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(recovery_codes_left=two_factor.remaining_recovery_codes(self.request.user))

    def post(self, request, *args, **kwargs):
        return render_codes(request, two_factor.new_recovery_codes(request.user))


class TwoFactorDisableView(VerifiedRequiredMixin, FormView):
    """Turn two-factor sign-in off: a current code (or a recovery code) is needed."""

    template_name = "accounts/two_factor_disable.html"
    form_class = CodeForm

    def form_valid(self, form):
        result = two_factor.check_code(self.request.user, form.cleaned_data["code"])
        if result.device is None:
            form.add_error("code", TOO_MANY if result.locked_until else WRONG_CODE)
            return self.form_invalid(form)
        two_factor.turn_off(self.request.user)
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)
        messages.success(self.request, _("Two-factor sign-in is off."))
        return redirect("accounts:two-factor")
