"""The internal discussion of a recommendation, an action or a progress update.

A comment starts a thread or answers one; it may name (mention) people who may read the
discussion, each told once, in the app and by e-mail in their language (followup.notify). Its
author may change it for ``NRTD_COMMENT_EDIT_WINDOW``; the history trigger keeps every earlier
text. Whether the person may comment at all is the view's question (``consultation.comment``);
these services refuse what would be wrong whoever asks.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consultation.models import Comment, Mention
from consultation.queries import Subject, discussion_readers, subject_field, subject_filter
from followup import notify
from followup.models import Action, Notification, ProgressUpdate
from recommendations.models import Recommendation
from tenants.models import State, User

MAX_LENGTH = 10_000


class CommentRefused(Exception):
    """The comment cannot be saved; ``str()`` says why, for the person who wrote it."""


def subject_path(subject: Subject, state: State) -> str:
    """The workspace page that shows the object's discussion."""
    name = {
        Recommendation: "workspace:recommendation-detail",
        Action: "workspace:action-detail",
        ProgressUpdate: "workspace:update-detail",
    }[type(subject)]
    return reverse(name, kwargs={"state_slug": state.slug, "pk": subject.pk})


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CommentRefused(_("Write a comment first."))
    if len(text) > MAX_LENGTH:
        raise CommentRefused(
            _("A comment may be at most %(count)d characters long; this one has %(length)d.")
            % {"count": MAX_LENGTH, "length": len(text)}
        )
    return text


@transaction.atomic
def comment_add(
    *,
    state: State,
    author: User,
    subject: Subject,
    text: str,
    parent: Comment | None = None,
    mentioned: Iterable[User] = (),
) -> Comment:
    """Write a comment on ``subject`` (in reply to ``parent``'s thread, if given) and tell the people
    it mentions. Side effects: a notification and one e-mail job for the people mentioned."""
    text = _clean(text)
    if parent is not None:
        if not Comment.objects.filter(subject_filter(subject), pk=parent.pk).exists():
            raise CommentRefused(_("The comment you answer is not in this discussion."))
        # Threads are one level deep: an answer to an answer joins its thread.
        parent = parent.parent or parent
    comment = Comment.objects.create(
        state=state,
        author=author,
        text=text,
        parent=parent,
        **{subject_field(subject): subject},
    )
    _mention(comment, state=state, subject=subject, users=mentioned, actor=author)
    return comment


@transaction.atomic
def comment_edit(*, state: State, comment: Comment, user: User, text: str, mentioned: Iterable[User] = ()) -> Comment:
    """Change a comment's text (its author only, within the time allowed) and tell the people newly
    mentioned; people mentioned before are not told again."""
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.author_id != user.pk:
        raise CommentRefused(_("Only the person who wrote a comment may change it."))
    if timezone.now() > locked.created_at + settings.NRTD_COMMENT_EDIT_WINDOW:
        minutes = int(settings.NRTD_COMMENT_EDIT_WINDOW.total_seconds() // 60)
        raise CommentRefused(
            _("A comment can be changed for %(minutes)d minutes after it was written; this one no longer can.")
            % {"minutes": minutes}
        )
    locked.text = _clean(text)
    locked.edited_at = timezone.now()
    locked.save(update_fields=["text", "edited_at"])
    _mention(locked, state=state, subject=locked.subject, users=mentioned, actor=user)
    return locked


def _mention(comment: Comment, *, state: State, subject: Subject, users: Iterable[User], actor: User) -> list[User]:
    """Record and tell the people newly mentioned (never the author, never twice). Someone who may
    not read the discussion cannot be mentioned: refused, naming them."""
    wanted = {user.pk: user for user in users if user.pk != actor.pk}
    if not wanted:
        return []
    readers = set(discussion_readers(subject, state).filter(pk__in=wanted).values_list("pk", flat=True))
    strangers = [str(user) for pk, user in wanted.items() if pk not in readers]
    if strangers:
        raise CommentRefused(
            _("%(people)s cannot read this discussion, so cannot be mentioned in it.")
            % {"people": ", ".join(sorted(strangers))}
        )
    # The comment's row is locked (or new): nobody else is adding its mentions meanwhile.
    already = set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True))
    new = [user for pk, user in wanted.items() if pk not in already]
    if not new:
        return []
    Mention.objects.bulk_create(Mention(state=state, comment=comment, user=user) for user in new)
    notify.notify(
        state=state,
        users=new,
        kind=Notification.Kind.MENTIONED,
        params={
            "author": str(actor)[:200],
            "subject": str(subject)[:200],
            "body": comment.text[:2000],
            "path": f"{subject_path(subject, state)}#comment-{comment.pk}",
        },
        exclude=actor,
    )
    return new
