"""Every address of the site. See docs/architecture.md for the map and the tenancy rules."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from console import urls as console_urls
from consultation import urls as consultation_urls
from followup import urls as followup_urls
from imports import urls as imports_urls
from portal import urls as portal_urls
from recommendations import api as recommendations_api
from recommendations import urls as recommendations_urls
from reporting import urls as reporting_urls
from tenants import urls as tenants_urls
from tenants.api import MeView
from tenants.views import errors, health
from workspace import urls as workspace_urls
from workspace.views import home

state_api_router = SimpleRouter()
state_api_router.register("recommendations", recommendations_api.RecommendationViewSet, basename="recommendation")

workspace_urlpatterns = (
    workspace_urls.workspace_urlpatterns
    + tenants_urls.workspace_urlpatterns
    + console_urls.workspace_urlpatterns
    + recommendations_urls.workspace_urlpatterns
    + imports_urls.workspace_urlpatterns
    + followup_urls.workspace_urlpatterns
    + reporting_urls.workspace_urlpatterns
    + consultation_urls.workspace_urlpatterns
)

api_urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("states/<slug:state_slug>/", include((state_api_router.urls, "state-api"))),
    path("public/<slug:state_slug>/", include((portal_urls.public_api_urlpatterns, "public-api"))),
]

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include((tenants_urls.account_urlpatterns, "accounts"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("platform/", include((console_urls.platform_urlpatterns, "platform"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("<slug:state_slug>/workspace/", include((workspace_urlpatterns, "workspace"))),
    path("<slug:state_slug>/calendar/", include((reporting_urls.feed_urlpatterns, "feed"))),
    path("<slug:state_slug>/invitation/", include((tenants_urls.invitation_urlpatterns, "invitation"))),
    path("<slug:state_slug>/", include((portal_urls.portal_urlpatterns, "portal"))),
]

# An address under /api/ that no route matches answers JSON, as the API does (the schema says so).
handler404 = errors.not_found
