from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from tenants.forms import PasswordLinkForm
from tenants.views import pages, platform, platform_import, security, two_factor

workspace_urlpatterns = [
    path("", pages.WorkspaceHomeView.as_view(), name="home"),
    path("members/", pages.MemberListView.as_view(), name="member-list"),
    path("security/", security.StateSecurityView.as_view(), name="security"),
    path("support/", pages.SupportLogView.as_view(), name="support-log"),
]

platform_urlpatterns = [
    path("", platform.PlatformHomeView.as_view(), name="home"),
    path("states/new/", platform.StateCreateView.as_view(), name="state-create"),
    path("states/<int:pk>/", platform.StateDetailView.as_view(), name="state-detail"),
    path("states/<int:pk>/status/", platform.StateStatusView.as_view(), name="state-status"),
    path("states/<int:pk>/export/", platform.StateExportView.as_view(), name="state-export"),
    path("states/<int:pk>/archive/", platform.StateArchiveView.as_view(), name="state-archive"),
    path("states/<int:pk>/delete/", platform.StateDeleteView.as_view(), name="state-delete"),
    path("states/<int:pk>/support/", platform.SupportStartView.as_view(), name="support-start"),
    path("states/<int:pk>/support/leave/", platform.SupportEndView.as_view(), name="support-end"),
    path("states/<int:pk>/imports/", platform_import.StateImportView.as_view(), name="state-import"),
    path("states/<int:pk>/imports/uhri/", platform_import.StateUhriFetchView.as_view(), name="state-uhri-fetch"),
    path(
        "states/<int:pk>/imports/<int:job_id>/",
        platform_import.StateImportDetailView.as_view(),
        name="state-import-detail",
    ),
    path("statistics/", platform_import.PlatformStatisticsView.as_view(), name="statistics"),
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
        auth_views.PasswordResetView.as_view(
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
