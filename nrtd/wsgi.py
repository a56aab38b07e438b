import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")
# A web process: its database statements get NRTD_WEB_STATEMENT_TIMEOUT (nrtd/settings.py).
os.environ.setdefault("NRTD_PROCESS", "web")
application = get_wsgi_application()
