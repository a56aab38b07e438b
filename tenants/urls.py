from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from tenants.forms import PasswordLinkForm
from tenants.views import invitations, log, passwords, security, settings, two_factor

# The people page (workspace:member-list and its actions) is the recommendations app's: it shows
# focal points with their entities (recommendations/urls.py).
workspace_urlpatterns = [
    path("settings/", settings.StateSettingsView.as_view(), name="state-settings"),
    # Kept for the addresses people saved: the settings page's section now.
    path("security/", security.StateSecurityView.as_view(), name="security"),
    path("log/", log.StateLogView.as_view(), name="state-log"),
    path("log/export/", log.StateLogExportView.as_view(), name="state-log-export"),
]

# /<state>/invitation/<token>/: the link of an invitation e-mail (no membership yet).
invitation_urlpatterns = [
    path("<str:token>/", invitations.InvitationView.as_view(), name="accept"),
]

account_urlpatterns = [
    path("login/", two_factor.SignInView.as_view(), name="login"),
    path("two-factor/", two_factor.TwoFactorView.as_view(), name="two-factor"),
    path("two-factor/code/", two_factor.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("two-factor/set-up/", two_factor.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("two-factor/recovery-codes/", two_factor.RecoveryCodesView.as_view(), name="two-factor-recovery-codes"),
    path("two-factor/turn-off/", two_factor.TwoFactorDisableView.as_view(), name="two-factor-disable"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        passwords.PasswordLinkView.as_view(
            form_class=PasswordLinkForm,
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
