from django.urls import path

from workspace.views import home, recommendation

workspace_urlpatterns = [
    path("", home.WorkspaceHomeView.as_view(), name="home"),
    path("recommendations/<int:pk>/", recommendation.RecommendationDetailView.as_view(), name="recommendation-detail"),
]
