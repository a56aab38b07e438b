"""Named questions about consultation data. Call them inside the State's scope.

``discussion_readers`` is the queryset form of ``consultation.view_discussion`` (who may be
mentioned), ``messages_visible_to`` and ``posts_visible_to`` of ``consultation.view_message``
and ``consultation.view_post``; the tests hold each pair to the same answers.
"""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from consultation.models import (
    Assessment,
    Comment,
    Consultation,
    Mention,
    Message,
    MessagePost,
    Submission,
)
from followup.models import Action, ProgressUpdate
from followup.queries import my_entity_ids, subject_entity_ids
from recommendations.models import FocalPoint, Recommendation
from tenants.models import HistoryEntry, Membership, Role, State, User
from tenants.rules import is_curator, is_focal_point

Subject = Recommendation | Action | ProgressUpdate


# --- Discussion ------------------------------------------------------------------------------------


def concerned_entity_ids(subject: Subject) -> set[int]:
    """The entities whose focal points take part in the discussion of ``subject``: those
    responsible for the recommendation or the action; for an update, its entity and those
    responsible for what it reports on."""
    if isinstance(subject, ProgressUpdate):
        return {subject.entity_id} | subject_entity_ids(subject.subject)
    return subject_entity_ids(subject)


def subject_field(subject: Subject) -> str:
    """The comment's field that points at an object of this kind."""
    return {Recommendation: "recommendation", Action: "action", ProgressUpdate: "update"}[type(subject)]


def subject_filter(subject: Subject) -> Q:
    return Q(**{subject_field(subject): subject})


def comments_on(subject: Subject) -> QuerySet[Comment]:
    """The comments on one object, oldest first, with their authors and the people they mention."""
    return (
        Comment.objects.filter(subject_filter(subject))
        .select_related("author")
        .prefetch_related(Prefetch("mentions", queryset=Mention.objects.select_related("user")))
        .order_by("created_at", "id")
    )


def threads_of(comments: list[Comment]) -> list[tuple[Comment, list[Comment]]]:
    """The comments as threads: each first comment with its replies, oldest first."""
    replies: dict[int, list[Comment]] = {}
    roots = []
    for comment in comments:
        if comment.parent_id is None:
            roots.append(comment)
        else:
            replies.setdefault(comment.parent_id, []).append(comment)
    return [(root, replies.get(root.pk, [])) for root in roots]


def earlier_texts(comments: list[Comment]) -> dict[int, list[tuple[object, str]]]:
    """Each edited comment's earlier texts, newest first, from the history: {id: [(until, text)]}."""
    edited = [str(c.pk) for c in comments if c.edited_at]
    if not edited:
        return {}
    earlier: dict[int, list[tuple[object, str]]] = {}
    for entry in HistoryEntry.objects.filter(
        table_name=Comment._meta.db_table, row_id__in=edited, operation=HistoryEntry.Operation.UPDATE
    ).order_by("-changed_at", "-id"):
        before = entry.before or {}
        if "text" in before:
            earlier.setdefault(int(entry.row_id), []).append((entry.changed_at, before["text"]))
    return earlier


def discussion_readers(subject: Subject, state: State) -> QuerySet[User]:
    """The active members who may read the discussion of ``subject`` (``consultation.view_discussion``):
    the secretariat and administrators; observers and NHRI accounts (for an update, only once it
    is validated, as they read updates); the focal points of the entities concerned (for an
    update not yet validated, only its own entity's)."""
    counted = not isinstance(subject, ProgressUpdate) or subject.counts
    roles = [Role.STATE_ADMIN, Role.SECRETARIAT]
    if counted:
        roles += [Role.OBSERVER, Role.NHRI]
    entities = concerned_entity_ids(subject) if counted else {subject.entity_id}
    memberships = Membership.objects.filter(
        Q(role__in=roles)
        | Q(
            role=Role.FOCAL_POINT,
            pk__in=FocalPoint.objects.filter(entity_id__in=entities).values("membership_id"),
        )
    )
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by("name", "email")


def subject_of(comment: Comment) -> Subject:
    return comment.subject


def discussion_rows(recommendation: Recommendation, *, user: User) -> list[tuple[Subject, Comment]]:
    """Every comment the person may read on the recommendation, on the actions that link it and on
    its progress updates (and theirs): what each is on, and the comment; for the export."""
    actions = list(Action.objects.filter(recommendation_ids__contains=[recommendation.pk]))
    updates = list(
        ProgressUpdate.objects.filter(Q(recommendation=recommendation) | Q(action__in=actions)).select_related("entity")
    )
    subjects: list[Subject] = [recommendation, *actions, *updates]
    readable = [s for s in subjects if user.has_perm("consultation.view_discussion", s)]
    condition = Q(pk__in=[])
    for subject in readable:
        condition |= subject_filter(subject)
    by_key = {(type(s), s.pk): s for s in readable}
    rows = []
    for comment in Comment.objects.filter(condition).select_related("author").order_by("created_at", "id"):
        if comment.recommendation_id:
            key = (Recommendation, comment.recommendation_id)
        elif comment.action_id:
            key = (Action, comment.action_id)
        else:
            key = (ProgressUpdate, comment.update_id)
        rows.append((by_key[key], comment))
    return rows


# --- Messages to the network -----------------------------------------------------------------------


def messages_visible_to(user: User, state: State) -> QuerySet[Message]:
    """The threads the person may read (``consultation.view_message``): the secretariat all of
    them; a focal point those written to one of their entities. Newest activity first."""
    messages = Message.objects.annotate(last_post_at=Max("posts__created_at")).order_by("-last_post_at", "-id")
    if is_curator(user, state):
        return messages
    if is_focal_point(user, state):
        return messages.filter(entity_ids__overlap=list(my_entity_ids(user, state)) or [0])
    return messages.none()


def posts_visible_to(user: User, state: State, message: Message) -> QuerySet[MessagePost]:
    """The posts of a thread the person may read (``consultation.view_post``): the secretariat all;
    a focal point those to everyone written to and those of their own entities' conversations."""
    posts = message.posts.select_related("author", "entity").prefetch_related("attachments").order_by("created_at")
    if is_curator(user, state):
        return posts
    mine = my_entity_ids(user, state)
    if is_focal_point(user, state) and set(message.entity_ids) & mine:
        return posts.filter(Q(entity__isnull=True) | Q(entity_id__in=mine))
    return posts.none()


# --- Consultations and submissions -----------------------------------------------------------------


def consultations_public(today=None) -> QuerySet[Consultation]:
    """The consultations the portal lists: those that have opened (open ones first)."""
    today = today or timezone.localdate()
    return Consultation.objects.filter(opens_on__lte=today).order_by("-closes_on", "-id")


def consultations_open_on(recommendation: Recommendation, today=None) -> QuerySet[Consultation]:
    """The open consultations that ask about ``recommendation``."""
    today = today or timezone.localdate()
    return Consultation.objects.filter(
        recommendation_ids__contains=[recommendation.pk],
        opens_on__lte=today,
        closes_on__gte=today,
        closed_at__isnull=True,
    ).order_by("closes_on", "id")


def consultation_recommendations(consultation: Consultation) -> QuerySet[Recommendation]:
    """The published recommendations of a consultation: what the portal shows of it, and the only
    ones a visitor may send information on."""
    return (
        Recommendation.objects.filter(pk__in=consultation.recommendation_ids, published=True)
        .select_related("mechanism")
        .order_by("mechanism__code", "symbol", "paragraph", "id")
    )


def submissions_public(recommendation: Recommendation) -> QuerySet[Submission]:
    """What the public sees of the submissions on a recommendation: the accepted ones, only the
    fields the public may read (never the contact, the file or the secretariat's note)."""
    return (
        Submission.objects.filter(status=Submission.Status.ACCEPTED, recommendation_ids__contains=[recommendation.pk])
        .only("kind", "organisation", "publish_name", "text", "created_at", "reviewed_at")
        .order_by("-reviewed_at", "-id")
    )


def submission_counts(consultation: Consultation) -> dict[str, int]:
    """How many submissions of the consultation are in each status (one query)."""
    rows = dict(consultation.submissions.order_by().values_list("status").annotate(n=Count("id")))
    return {status: rows.get(status, 0) for status in Submission.Status.values}


# --- Assessments -----------------------------------------------------------------------------------


def assessment_of(recommendation: Recommendation) -> Assessment | None:
    return Assessment.objects.filter(recommendation=recommendation).select_related("author").first()


def assessment_public(recommendation: Recommendation, state: State) -> Assessment | None:
    """The NHRI's assessment as the portal shows it: only when the State publishes them."""
    if not state.nhri_assessments_public:
        return None
    return (
        Assessment.objects.filter(recommendation=recommendation)
        .only("implementation_status", "text", "assessed_on")
        .first()
    )
