"""Messages to the network: the secretariat writes to the focal points of some entities, and the
replies come back into the same thread.

A message goes to the focal points of the entities chosen, or of every entity responsible for a
set of recommendations (the recommendation list's filters, or a cluster). Sending records the
thread and its first post, checks the files like evidence, and queues one delivery job
(consultation.jobs) that records who received it, writes everyone's notification and sends every
e-mail, in each person's language, over one connection: one job whatever the number of people.

Inside a thread, a focal point answers on behalf of one of their entities; that conversation is
read by the secretariat and that entity's focal points only (consultation.rules). The secretariat
answers everyone written to, or one entity.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consultation import files, jobs
from consultation.models import Attachment, Message, MessagePost, MessageRecipient
from followup import notify
from followup.models import Notification
from recommendations.models import Entity, FocalPoint, Recommendation
from tenants.models import State, User
from tenants.rules import is_curator

MAX_SUBJECT = 300
MAX_TEXT = 20_000


class MessageRefused(Exception):
    """The message or reply cannot be sent; ``str()`` says why, for the person who wrote it."""


def responsible_entity_ids(recommendations: QuerySet[Recommendation]) -> set[int]:
    """Every entity that leads or supports one of the recommendations (one query)."""
    ids: set[int] = set()
    for lead_id, supporting_ids in recommendations.order_by().values_list("lead_entity_id", "supporting_entity_ids"):
        if lead_id:
            ids.add(lead_id)
        ids.update(supporting_ids or [])
    return ids


def reachable(entity_ids: Iterable[int]) -> list[User]:
    """The active focal points of the entities, each once."""
    people: dict[int, User] = {}
    for users in notify.focal_points_by_entity(entity_ids).values():
        for user in users:
            people.setdefault(user.pk, user)
    return list(people.values())


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise MessageRefused(_("Write the text of the message."))
    if len(text) > MAX_TEXT:
        raise MessageRefused(_("A message may be at most %(count)d characters long.") % {"count": MAX_TEXT})
    return text


def _attach(post: MessagePost, checked: list[files.Checked]) -> list[Attachment]:
    attachments = []
    for item in checked:
        attachment = Attachment(
            state_id=post.state_id, post=post, name=item.name, content_type=item.kind.content_type, size=item.size
        )
        files.store(attachment, item, "attachment")
        attachments.append(attachment)
    return attachments


@transaction.atomic
def message_send(
    *,
    state: State,
    author: User,
    subject: str,
    text: str,
    entities: Iterable[Entity | int] = (),
    recommendations: QuerySet[Recommendation] | None = None,
    uploads: Iterable = (),
) -> Message:
    """Write to the focal points of ``entities`` and of every entity responsible for
    ``recommendations``. Refused (``MessageRefused``, ``files.EvidenceRefused``) when nobody would
    receive it or a file is not accepted; nothing is written then. Side effect: the delivery job,
    queued after commit. The message returned carries ``reached``: how many people it goes to."""
    subject = " ".join((subject or "").split())
    if not subject:
        raise MessageRefused(_("Give the message a subject."))
    text = _text(text)
    wanted = {getattr(entity, "pk", entity) for entity in entities}
    recommendation_ids: list[int] = []
    if recommendations is not None:
        recommendation_ids = sorted(recommendations.values_list("pk", flat=True))
        wanted |= responsible_entity_ids(recommendations)
    # Only the State's own entities (another State's id is not found under its scope).
    entity_ids = sorted(Entity.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if not entity_ids:
        if recommendations is not None:
            raise MessageRefused(
                _("No entity is responsible for these recommendations: the message would reach nobody.")
            )
        raise MessageRefused(_("Choose the entities to write to."))
    people = reachable(entity_ids)
    if not [person for person in people if person.pk != author.pk]:
        raise MessageRefused(
            _(
                "None of these entities has a focal point yet: the message would reach nobody. Invite their "
                "focal points from the entities' pages first."
            )
        )
    checked = files.check_all(uploads)
    message = Message.objects.create(
        state=state,
        subject=subject[:MAX_SUBJECT],
        sent_by=author,
        entity_ids=entity_ids,
        recommendation_ids=recommendation_ids,
    )
    post = MessagePost.objects.create(state=state, message=message, author=author, text=text)
    _attach(post, checked)
    jobs.post_deliver_queue(post)
    message.reached = len([person for person in people if person.pk != author.pk])
    return message


@transaction.atomic
def reply_add(
    *,
    state: State,
    message: Message,
    author: User,
    text: str,
    entity: Entity | None,
    uploads: Iterable = (),
) -> MessagePost:
    """Answer in a thread: the secretariat to everyone written to (no ``entity``) or to one of those
    entities; a focal point on behalf of one of their entities written to (the view offers only
    those). Side effect: the delivery job, queued after commit."""
    text = _text(text)
    if entity is not None and entity.pk not in message.entity_ids:
        raise MessageRefused(_("This message was not written to %(entity)s.") % {"entity": entity})
    if entity is None and not is_curator(author, state):
        raise MessageRefused(_("Choose the entity you answer for."))
    checked = files.check_all(uploads)
    post = MessagePost.objects.create(state=state, message=message, author=author, entity=entity, text=text)
    _attach(post, checked)
    jobs.post_deliver_queue(post)
    return post


def post_recipients(state: State, post: MessagePost) -> list[User]:
    """Who a post goes to: the focal points of the entities it is to (every entity written to, or
    the one conversation's); and for a focal point's reply the secretariat in the thread (the
    sender and every officer who wrote in it, or the whole secretariat if none is left)."""
    message = post.message
    entity_ids = message.entity_ids if post.entity_id is None else [post.entity_id]
    people = {user.pk: user for user in reachable(entity_ids)}
    author_ids = set(message.posts.exclude(author=None).values_list("author_id", flat=True))
    if message.sent_by_id:
        author_ids.add(message.sent_by_id)
    officers = [user for user in User.objects.filter(pk__in=author_ids, is_active=True) if is_curator(user, state)]
    if post.author is None or not is_curator(post.author, state):
        officers = officers or list(notify.curators(state))
    for user in officers:
        people.setdefault(user.pk, user)
    people.pop(post.author_id, None)
    return sorted(people.values(), key=lambda user: user.email)


def thread_path(message: Message, state: State) -> str:
    return reverse("workspace:message-detail", kwargs={"state_slug": state.slug, "pk": message.pk})


@transaction.atomic
def post_deliver(*, state: State, post_id: int) -> int:
    """Deliver a post once: record who receives it, write their notifications and send the
    e-mails (the text itself, and a link to the thread and its files). Returns how many people
    were told; 0 when it was delivered already (a job run twice)."""
    post = (
        MessagePost.objects.select_for_update(of=("self",))
        .select_related("message", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or post.delivered_at is not None:
        return 0
    message = post.message
    people = post_recipients(state, post)
    MessageRecipient.objects.bulk_create(
        MessageRecipient(state=state, post=post, user=user, email=user.email) for user in people
    )
    first = message.posts.order_by("created_at", "id").values_list("pk", flat=True).first() == post.pk
    names = list(post.attachments.values_list("name", flat=True))
    body = post.text[:5000]
    if names:
        body += "\n\n" + "\n".join(f"📎 {name}" for name in names)
    rows = notify.notify_many(
        state=state,
        messages=[
            notify.Message(
                users=people,
                kind=Notification.Kind.MESSAGE if first else Notification.Kind.MESSAGE_REPLY,
                params={
                    "author": str(post.author or "—")[:200],
                    "title": message.subject[:200],
                    "body": body,
                    "path": f"{thread_path(message, state)}#post-{post.pk}",
                },
            )
        ],
        exclude=post.author,
        email=False,
    )
    post.delivered_at = timezone.now()
    post.save(update_fields=["delivered_at"])
    notify.send_notifications(state, [row.pk for row in rows])
    return len(rows)


def focal_point_entities(user: User, message: Message) -> list[Entity]:
    """The entities a focal point may answer for in a thread: theirs that it was written to."""
    ids = set(FocalPoint.objects.filter(membership__user=user).values_list("entity_id", flat=True))
    return list(Entity.objects.filter(pk__in=ids & set(message.entity_ids)).order_by("name"))
