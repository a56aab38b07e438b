"""What the workspace joins together from apps that may not import each other (registered by
WorkspaceConfig.ready()): a scheduled UHRI fetch (imports) told in the notifications (follow-up),
which sit on the same layer (docs/architecture.md)."""

from __future__ import annotations

from django.urls import reverse

from followup.models import Notification
from followup.notify import curators, notify
from imports.extensions import scheduled_fetch_listener_register
from imports.schedule import MAX_ATTEMPTS


def scheduled_fetch_notify(*, state, schedule, job, event: str) -> None:
    """Tell the State's curators that a scheduled UHRI fetch has a preview to confirm, or failed."""
    path = reverse("workspace:import-detail", kwargs={"state_slug": state.slug, "pk": job.pk})
    if event == "preview":
        kind = Notification.Kind.IMPORT_READY
        params = {"created": job.created, "updated": job.updated, "path": path}
    else:
        kind = Notification.Kind.IMPORT_FAILED
        params = {"attempts": MAX_ATTEMPTS, "failure": job.failure[:1000], "path": path}
    notify(state=state, users=curators(state), kind=kind, params=params)


def register() -> None:
    scheduled_fetch_listener_register(scheduled_fetch_notify)
