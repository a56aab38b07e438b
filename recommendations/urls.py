from django.urls import path

from recommendations.views import portal, workspace

workspace_urlpatterns = [
    path("recommendations/", workspace.RecommendationListView.as_view(), name="recommendation-list"),
    path("recommendations/<int:pk>/", workspace.RecommendationDetailView.as_view(), name="recommendation-detail"),
]

portal_urlpatterns = [
    path("", portal.PortalHomeView.as_view(), name="home"),
    path("recommendations/<int:pk>/", portal.PortalRecommendationView.as_view(), name="recommendation-detail"),
]
