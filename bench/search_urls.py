"""The application's URLs plus ``/bench/minimal``: "ok" through the whole middleware stack."""

from django.http import HttpResponse
from django.urls import path

from nrtd.urls import urlpatterns as application


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal", minimal), *application]
