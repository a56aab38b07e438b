"""Who may read and write what in consultation (django-rules), State-wide and object by object.

The discussion of an object (a recommendation, an action, a progress update) is read by the
people who may see the object: the secretariat, observers and NHRI accounts (they read), and the
focal points of the entities concerned (consultation.queries.concerned_entity_ids): a focal point
sees the discussion of its own entities' recommendations only. An update's discussion is never
wider than the update itself (``followup.view_update``). The secretariat and those focal points
write; the author of a comment may change it for ``NRTD_COMMENT_EDIT_WINDOW``.

Messages to the network: the secretariat writes and reads every thread; a focal point reads and
answers the threads written to one of their entities, and of a thread the posts to everyone and
those of their own entities' conversations. Public consultations are the secretariat's; NHRI
accounts give the NHRI's assessments; State administrators choose the settings.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.utils import timezone

from consultation.models import Attachment, Comment, Message, MessagePost
from consultation.queries import Subject, concerned_entity_ids
from followup.models import ProgressUpdate
from followup.queries import my_entity_ids
from tenants.rules import is_curator, is_focal_point, is_member, is_nhri, is_observer, is_state_admin, state_of


@rules.predicate
def may_see_subject(user, subject: Subject) -> bool:
    """The person may see the object itself: any member a recommendation or an action; an update
    as ``followup.view_update`` says."""
    if isinstance(subject, ProgressUpdate):
        return user.has_perm("followup.view_update", subject)
    return is_member(user, state_of(subject))


@rules.predicate
def for_my_entities(user, subject: Subject) -> bool:
    """A focal point of one of the entities the object concerns."""
    state = state_of(subject)
    return is_focal_point(user, state) and bool(concerned_entity_ids(subject) & my_entity_ids(user, state))


@rules.predicate
def wrote_it_lately(user, comment: Comment) -> bool:
    """The comment's author, within the time a comment may still be changed."""
    return comment.author_id == user.pk and timezone.now() <= comment.created_at + settings.NRTD_COMMENT_EDIT_WINDOW


@rules.predicate
def may_comment_on_its_subject(user, comment: Comment) -> bool:
    return user.has_perm("consultation.comment", comment.subject)


@rules.predicate
def may_read_its_subject(user, comment: Comment) -> bool:
    return user.has_perm("consultation.view_discussion", comment.subject)


@rules.predicate
def written_to_my_entities(user, message: Message) -> bool:
    state = state_of(message)
    return is_focal_point(user, state) and bool(set(message.entity_ids) & my_entity_ids(user, state))


@rules.predicate
def in_my_conversation(user, post: MessagePost) -> bool:
    """A post to everyone written to, or of the conversation with one of the person's entities."""
    return written_to_my_entities(user, post.message) and (
        post.entity_id is None or post.entity_id in my_entity_ids(user, state_of(post))
    )


@rules.predicate
def may_read_its_post(user, attachment: Attachment) -> bool:
    return user.has_perm("consultation.view_post", attachment.post)


# Pages (the object is the State).
rules.add_perm("consultation.view_messages", is_curator | is_focal_point)
rules.add_perm("consultation.send_messages", is_curator)
rules.add_perm("consultation.manage_consultations", is_curator)
rules.add_perm("consultation.manage_settings", is_state_admin)
rules.add_perm("consultation.give_assessments", is_nhri)

# Objects.
# The discussion of a recommendation, an action or a progress update.
rules.add_perm("consultation.view_discussion", may_see_subject & (is_curator | is_observer | for_my_entities))
rules.add_perm("consultation.comment", may_see_subject & (is_curator | for_my_entities))
rules.add_perm("consultation.view_comment", may_read_its_subject)
rules.add_perm("consultation.change_comment", wrote_it_lately & may_comment_on_its_subject)
# A thread of messages, one of its posts, an attachment.
rules.add_perm("consultation.view_message", is_curator | written_to_my_entities)
rules.add_perm("consultation.reply_to_message", is_curator | written_to_my_entities)
rules.add_perm("consultation.view_post", is_curator | in_my_conversation)
rules.add_perm("consultation.view_attachment", may_read_its_post)
# A submission (its text, contact and file) and its review: the secretariat's.
rules.add_perm("consultation.review_submission", is_curator)
# The NHRI's assessment of a recommendation: every member reads it; NHRI accounts give it.
rules.add_perm("consultation.view_assessment", is_member)
rules.add_perm("consultation.assess", is_nhri)
