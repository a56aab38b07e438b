"""Every address of the site. See docs/architecture.md for the map and the tenancy rules."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from followup import urls as followup_urls
from recommendations import api as recommendations_api
from recommendations import public_api
from recommendations import urls as recommendations_urls
from reporting import urls as reporting_urls
from tenants import urls as tenants_urls
from tenants.api import MeView
from tenants.views import health, pages

state_api_router = SimpleRouter()
state_api_router.register("recommendations", recommendations_api.RecommendationViewSet, basename="recommendation")

workspace_urlpatterns = (
    tenants_urls.workspace_urlpatterns
    + recommendations_urls.workspace_urlpatterns
    + followup_urls.workspace_urlpatterns
    + reporting_urls.workspace_urlpatterns
)
portal_urlpatterns = recommendations_urls.portal_urlpatterns

public_api_urlpatterns = [
    path("recommendations/", public_api.PublicRecommendationList.as_view(), name="recommendation-list"),
    path("recommendations/<int:pk>/", public_api.PublicRecommendationDetail.as_view(), name="recommendation-detail"),
]

api_urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("states/<slug:state_slug>/", include((state_api_router.urls, "state-api"))),
    path("public/<slug:state_slug>/", include((public_api_urlpatterns, "public-api"))),
]

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include((tenants_urls.account_urlpatterns, "accounts"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("platform/", include((tenants_urls.platform_urlpatterns, "platform"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("<slug:state_slug>/workspace/", include((workspace_urlpatterns, "workspace"))),
    path("<slug:state_slug>/calendar/", include((reporting_urls.feed_urlpatterns, "feed"))),
    path("<slug:state_slug>/", include((portal_urlpatterns, "portal"))),
]
