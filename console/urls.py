from django.urls import path

from console.views import imports, people, states, support

platform_urlpatterns = [
    path("", states.PlatformHomeView.as_view(), name="home"),
    path("states/new/", states.StateCreateView.as_view(), name="state-create"),
    path("states/<int:pk>/", states.StateDetailView.as_view(), name="state-detail"),
    path("states/<int:pk>/status/", states.StateStatusView.as_view(), name="state-status"),
    path("states/<int:pk>/export/", states.StateExportView.as_view(), name="state-export"),
    path("states/<int:pk>/archive/", states.StateArchiveView.as_view(), name="state-archive"),
    path("states/<int:pk>/delete/", states.StateDeleteView.as_view(), name="state-delete"),
    path("states/<int:pk>/support/", support.SupportStartView.as_view(), name="support-start"),
    path("states/<int:pk>/support/leave/", support.SupportEndView.as_view(), name="support-end"),
    path("states/<int:pk>/imports/", imports.StateImportView.as_view(), name="state-import"),
    path("states/<int:pk>/imports/uhri/", imports.StateUhriFetchView.as_view(), name="state-uhri-fetch"),
    path(
        "states/<int:pk>/imports/<int:job_id>/",
        imports.StateImportDetailView.as_view(),
        name="state-import-detail",
    ),
    path("states/<int:pk>/people/", people.StatePeopleView.as_view(), name="state-people"),
    path("states/<int:pk>/people/<int:member_id>/", people.StateMemberView.as_view(), name="state-member"),
    path(
        "states/<int:pk>/invitations/<int:invitation_id>/",
        people.StateInvitationView.as_view(),
        name="state-invitation",
    ),
    path("states/<int:pk>/settings/", people.StateSettingsView.as_view(), name="state-settings"),
    path("statistics/", states.PlatformStatisticsView.as_view(), name="statistics"),
]

# Inside a State's workspace: its administrators' record of the hosting office's support visits.
workspace_urlpatterns = [
    path("support/", support.SupportLogView.as_view(), name="support-log"),
]
