from django.urls import path

from reporting.views import calendar, dashboard, drafts, returns

workspace_urlpatterns = [
    path("calendar/", calendar.CalendarView.as_view(), name="calendar"),
    path("calendar/new/", calendar.ObligationCreateView.as_view(), name="obligation-create"),
    path("calendar/feed/", calendar.FeedTokenView.as_view(), name="calendar-feed-token"),
    path("calendar/<int:pk>/", calendar.ObligationDetailView.as_view(), name="obligation-detail"),
    path("calendar/<int:pk>/edit/", calendar.ObligationEditView.as_view(), name="obligation-edit"),
    path("calendar/<int:pk>/delete/", calendar.ObligationDeleteView.as_view(), name="obligation-delete"),
    path("calendar/<int:pk>/status/", calendar.ObligationStatusView.as_view(), name="obligation-status"),
    # Dashboards (reporting.dashboard).
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("dashboard/updates/", dashboard.DashboardUpdatesView.as_view(), name="dashboard-updates"),
    path("dashboard/overdue-actions/", dashboard.OverdueActionsView.as_view(), name="dashboard-overdue-actions"),
    path("dashboard/overdue-tasks/", dashboard.OverdueTasksView.as_view(), name="dashboard-overdue-tasks"),
    # Report drafts (reporting.drafts).
    path("drafts/", drafts.DraftListView.as_view(), name="draft-list"),
    path("drafts/new/<slug:kind>/", drafts.DraftCreateView.as_view(), name="draft-create"),
    path("drafts/<int:pk>/", drafts.DraftDetailView.as_view(), name="draft-detail"),
    path("drafts/<int:pk>/download/", drafts.DraftDownloadView.as_view(), name="draft-download"),
    path("drafts/<int:pk>/preview/", drafts.DraftPreviewView.as_view(), name="draft-preview"),
    path("drafts/<int:pk>/regenerate/", drafts.DraftRegenerateView.as_view(), name="draft-regenerate"),
    # Information request packs brought back (reporting.returns).
    path("packs/returns/", returns.PackReturnListView.as_view(), name="pack-return-list"),
    path("packs/returns/<int:pk>/", returns.PackReturnDetailView.as_view(), name="pack-return-detail"),
    path("packs/returns/<int:pk>/apply/", returns.PackReturnApplyView.as_view(), name="pack-return-apply"),
]

# The iCalendar feed, outside the workspace: calendar applications cannot sign in, the secret
# token in the address is the key (reporting.views.calendar.CalendarFeedView).
feed_urlpatterns = [
    path("<str:token>.ics", calendar.CalendarFeedView.as_view(), name="calendar"),
]
