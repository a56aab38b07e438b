"""What the apps above ``imports`` do with what an import brings, without it importing them.

- A treaty body's follow-up request (imports.writer.FollowUp) goes on the calendar of
  obligations: reporting registers a listener from ``ReportingConfig.ready()``.
- A scheduled UHRI fetch that prepared a preview, or failed for good, is told to the State's
  secretariat in its notifications: the workspace registers a listener (it knows both this app
  and follow-up's notifications, which sit beside imports in the layers).

Listeners run inside the import's transaction (follow-up) or the schedule's (fetches): what they
write is rolled back with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# listener(state=, job=, follow_ups=[{"mechanism_id", "symbol", "due_on", "paragraphs", …}])
FOLLOW_UP_LISTENERS: list[Callable[..., Any]] = []
# listener(state=, schedule=, job=, event="preview" or "failed")
SCHEDULED_FETCH_LISTENERS: list[Callable[..., Any]] = []


def follow_up_listener_register(listener: Callable[..., Any]) -> None:
    if listener not in FOLLOW_UP_LISTENERS:
        FOLLOW_UP_LISTENERS.append(listener)


def scheduled_fetch_listener_register(listener: Callable[..., Any]) -> None:
    if listener not in SCHEDULED_FETCH_LISTENERS:
        SCHEDULED_FETCH_LISTENERS.append(listener)
