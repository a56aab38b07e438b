import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")

app = Celery("nrtd")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each worker writes a heartbeat /readyz reads (nrtd/celery_worker.py).
app.steps["worker"].add("nrtd.celery_worker:HeartbeatStep")
