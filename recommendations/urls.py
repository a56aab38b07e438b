from django.urls import path

from recommendations.views import imports, mappings, portal, workspace

workspace_urlpatterns = [
    path("recommendations/", workspace.RecommendationListView.as_view(), name="recommendation-list"),
    path("recommendations/<int:pk>/", workspace.RecommendationDetailView.as_view(), name="recommendation-detail"),
    path("recommendations/new/", workspace.RecommendationCreateView.as_view(), name="recommendation-create"),
    path("recommendations/<int:pk>/edit/", workspace.RecommendationEditView.as_view(), name="recommendation-edit"),
    path("imports/", imports.ImportListView.as_view(), name="import-list"),
    path("imports/<int:pk>/", imports.ImportDetailView.as_view(), name="import-detail"),
    path("imports/uhri-api/", imports.UhriFetchView.as_view(), name="import-uhri-fetch"),
    path("imports/mappings/", mappings.MappingListView.as_view(), name="mapping-list"),
    path("imports/mappings/new/", mappings.MappingCreateView.as_view(), name="mapping-create"),
    path("imports/mappings/<int:pk>/edit/", mappings.MappingEditView.as_view(), name="mapping-edit"),
    path("imports/mappings/<int:pk>/delete/", mappings.MappingDeleteView.as_view(), name="mapping-delete"),
]

portal_urlpatterns = [
    path("", portal.PortalHomeView.as_view(), name="home"),
    path("recommendations/<int:pk>/", portal.PortalRecommendationView.as_view(), name="recommendation-detail"),
]
