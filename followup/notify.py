"""Notifications: a line in each person's in-app list, and the same by e-mail, in their language.

``notify`` writes the rows inside the caller's transaction and queues one e-mail job after it
commits; a rolled-back change notifies nobody. The text is rendered when shown (in the reader's
language), from the kind and the parameters kept with the row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from followup.jobs import notifications_send_queue
from followup.models import DataCollectionRound, Notification, ProgressUpdate
from recommendations.models import FocalPoint
from tenants.models import Membership, Role, State, User


def curators(state: State) -> QuerySet[User]:
    """The State's administrators and secretariat officers (active accounts and memberships)."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(role__in=[Role.STATE_ADMIN, Role.SECRETARIAT], is_active=True).values(
            "user_id"
        ),
    )


def update_params(update: ProgressUpdate) -> dict:
    subject = update.subject
    return {
        "subject": str(subject)[:200],
        "entity": str(update.entity)[:200],
        "comment": update.review_comment[:1000],
        "path": reverse("workspace:update-detail", kwargs={"state_slug": update.state.slug, "pk": update.pk}),
    }


def round_params(round_: DataCollectionRound, **extra) -> dict:
    return {
        "round": round_.title[:200],
        "deadline": round_.deadline.isoformat(),
        "path": reverse("workspace:round-detail", kwargs={"state_slug": round_.state.slug, "pk": round_.pk}),
        **extra,
    }


def focal_points_by_entity(entity_ids: Iterable[int]) -> dict[int, list[User]]:
    """Each entity's active focal points (one query)."""
    people: dict[int, list[User]] = {}
    for binding in FocalPoint.objects.filter(
        entity_id__in=list(entity_ids), membership__user__is_active=True, membership__is_active=True
    ).select_related("membership__user"):
        people.setdefault(binding.entity_id, []).append(binding.membership.user)
    return people


@dataclass
class Message:
    """What to tell whom: one kind of notification, about one update or round, to several people."""

    users: Iterable[User]
    kind: str
    update: ProgressUpdate | None = None
    round: DataCollectionRound | None = None
    params: dict = field(default_factory=dict)


def notify(
    *,
    state: State,
    users: Iterable[User],
    kind: str,
    update: ProgressUpdate | None = None,
    round: DataCollectionRound | None = None,
    params: dict | None = None,
    exclude: User | None = None,
) -> list[Notification]:
    """Tell each person (once, leaving out ``exclude``, usually who acted) and e-mail them after commit."""
    return notify_many(state=state, messages=[Message(users, kind, update, round, params or {})], exclude=exclude)


def notify_many(
    *, state: State, messages: Iterable[Message], exclude: User | None = None, email: bool = True
) -> list[Notification]:
    """Several messages at once (a bulk step): one insert and one e-mail job for all of them.

    ``email=False`` when the caller is itself a job that sends them (``send_notifications``).
    """
    messages = list(messages)
    # Only people who may still enter the State (a deactivated author, say, is told nothing).
    members = set(
        Membership.objects.filter(
            user_id__in={user.pk for message_ in messages for user in message_.users}, is_active=True
        ).values_list("user_id", flat=True)
    )
    rows = []
    for message_ in messages:
        seen: set[int] = set()
        for user in message_.users:
            if user.pk in seen or (exclude is not None and user.pk == exclude.pk) or not user.is_active:
                continue
            if user.pk not in members:
                continue
            seen.add(user.pk)
            rows.append(
                Notification(
                    state=state,
                    user=user,
                    kind=message_.kind,
                    update=message_.update,
                    round=message_.round,
                    params=message_.params,
                )
            )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    if email:
        notifications_send_queue(state, [n.pk for n in created])
    return created


def _count(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def message(notification: Notification) -> str:
    """The notification as a sentence, in the current language."""
    p = dict(notification.params)
    if p.get("deadline"):
        p["deadline"] = date_format(date.fromisoformat(p["deadline"]), "DATE_FORMAT")
    texts = {
        Notification.Kind.SUBMITTED: _("%(entity)s submitted an update on %(subject)s for review."),
        Notification.Kind.RETURNED: _("The update of %(entity)s on %(subject)s was returned: %(comment)s"),
        Notification.Kind.VALIDATED: _("The update of %(entity)s on %(subject)s was validated."),
        Notification.Kind.PUBLISHED: _("The update of %(entity)s on %(subject)s was published."),
        Notification.Kind.ROUND_OPENED: _(
            "The data-collection round “%(round)s” asks %(entity)s for information by %(deadline)s."
        ),
        Notification.Kind.REMINDER: ngettext(
            "Reminder: %(open)s task of the round “%(round)s” is still open; the deadline is %(deadline)s.",
            "Reminder: %(open)s tasks of the round “%(round)s” are still open; the deadline is %(deadline)s.",
            _count(p.get("open")),
        ),
        Notification.Kind.OVERDUE: ngettext(
            "The round “%(round)s” passed its deadline (%(deadline)s) with %(open)s of your tasks still open.",
            "The round “%(round)s” passed its deadline (%(deadline)s) with %(open)s of your tasks still open.",
            _count(p.get("open")),
        ),
        Notification.Kind.DIGEST: ngettext(
            "%(count)s data-collection round is overdue: %(rounds)s.",
            "%(count)s data-collection rounds are overdue: %(rounds)s.",
            _count(p.get("count")),
        ),
        Notification.Kind.MENTIONED: _("%(author)s mentioned you in a comment on %(subject)s."),
        Notification.Kind.MESSAGE: _("%(author)s sent a message to the network: “%(title)s”."),
        Notification.Kind.MESSAGE_REPLY: _("%(author)s replied to “%(title)s”."),
        Notification.Kind.IMPORT_READY: _(
            "The scheduled UHRI fetch found %(created)s new and %(updated)s changed recommendations; review the "
            "preview and confirm the import."
        ),
        Notification.Kind.IMPORT_FAILED: _(
            "The scheduled UHRI fetch failed after %(attempts)s attempts and will be tried at its next turn: "
            "%(failure)s"
        ),
    }
    text = texts.get(notification.kind, notification.get_kind_display())
    try:
        return text % p
    except (KeyError, TypeError, ValueError):
        return str(notification.get_kind_display())


def email_for(notification: Notification, state: State) -> EmailMessage:
    user = notification.user
    with translation.override(user.language or state.default_language):
        body = message(notification)
        # A message's own subject, else the kind of notification.
        title = notification.params.get("title") or notification.get_kind_display()
        subject = " ".join(f"[{state.name}] {title}".split())
        path = notification.params.get("path")
        lines = [body, ""]
        if notification.params.get("body"):
            # What was written (a comment, a message), as its author wrote it.
            lines += [str(notification.params["body"]), ""]
        if path:
            lines.append(settings.SITE_URL.rstrip("/") + path)
        lines += [
            "",
            _("You receive this because you take part in the follow-up of recommendations in %(state)s.")
            % {"state": state.name},
        ]
    return EmailMessage(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email])


def send_notifications(state: State, ids: list[int]) -> int:
    """E-mail the notifications (one connection for all); returns how many were sent."""
    notifications = list(Notification.objects.filter(pk__in=ids).select_related("user"))
    messages = [email_for(n, state) for n in notifications if n.user.email and n.user.is_active]
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
