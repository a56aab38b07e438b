from django.urls import path

from imports.views import jobs, mappings

workspace_urlpatterns = [
    path("imports/", jobs.ImportListView.as_view(), name="import-list"),
    path("imports/<int:pk>/", jobs.ImportDetailView.as_view(), name="import-detail"),
    path("imports/uhri-api/", jobs.UhriFetchView.as_view(), name="import-uhri-fetch"),
    path("imports/uhri-schedule/", jobs.UhriScheduleView.as_view(), name="import-uhri-schedule"),
    path("imports/mappings/", mappings.MappingListView.as_view(), name="mapping-list"),
    path("imports/mappings/new/", mappings.MappingCreateView.as_view(), name="mapping-create"),
    path("imports/mappings/<int:pk>/edit/", mappings.MappingEditView.as_view(), name="mapping-edit"),
    path("imports/mappings/<int:pk>/delete/", mappings.MappingDeleteView.as_view(), name="mapping-delete"),
]
