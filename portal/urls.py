from django.urls import path

from portal import api, consultations, views

# /<state>/…: the public portal.
portal_urlpatterns = [
    path("", views.PortalHomeView.as_view(), name="home"),
    path("recommendations/<int:pk>/", views.PortalRecommendationView.as_view(), name="recommendation-detail"),
    path("dashboard/", views.PortalDashboardView.as_view(), name="dashboard"),
    path("export.<str:format>", views.PortalExportView.as_view(), name="export"),
    path("consultations/", consultations.ConsultationListView.as_view(), name="consultation-list"),
    path("consultations/<int:pk>/", consultations.ConsultationDetailView.as_view(), name="consultation-detail"),
    # The form, a page of its own: never cached, with a CSRF token (the search pages have none).
    path("consultations/<int:pk>/send/", consultations.SubmissionView.as_view(), name="consultation-submit"),
]

# /api/v1/public/<state>/…: the same, as an API.
public_api_urlpatterns = [
    path("recommendations/", api.PublicRecommendationList.as_view(), name="recommendation-list"),
    path("recommendations/<int:pk>/", api.PublicRecommendationDetail.as_view(), name="recommendation-detail"),
]
