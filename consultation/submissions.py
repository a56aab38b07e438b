"""Public consultations: the secretariat opens one on a set of recommendations for a period; civil
society organisations and the NHRI send information through the portal; the secretariat accepts
it (it shows on the recommendations' public pages), marks it considered, or rejects it.

Nothing a visitor sends is public before it is accepted. A submission keeps what the visitor
typed and the file (checked like evidence), never anything about their connection: the limits
on how much one address may send are counted in the cache (nrtd.ratelimit), by the portal's view.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from consultation import files
from consultation.models import Consultation, Submission
from consultation.queries import consultation_recommendations
from recommendations.models import Cluster, Recommendation
from tenants.models import State, User

MAX_TEXT = 20_000


class ConsultationRefused(Exception):
    """The consultation cannot be opened or closed; ``str()`` says why."""


class SubmissionRefused(Exception):
    """The submission cannot be kept, or reviewed; ``str()`` says why, for the person who sent it."""


def _column(code: str) -> str:
    return code.replace("-", "_")


@transaction.atomic
def consultation_open(
    *,
    state: State,
    user: User,
    titles: dict[str, str],
    introductions: dict[str, str],
    opens_on: date,
    closes_on: date,
    cluster: Cluster | None = None,
    recommendations: QuerySet[Recommendation] | None = None,
    query: str = "",
) -> Consultation:
    """Open a consultation on a cluster's recommendations or on those a filter matched (both given:
    those of the filter in the cluster). ``titles`` and ``introductions`` map a language code to
    the text in it. Refused when the period is wrong or no published recommendation is in it."""
    if not any((text or "").strip() for text in titles.values()):
        raise ConsultationRefused(_("Give the consultation a title in at least one language."))
    if closes_on < opens_on:
        raise ConsultationRefused(_("The consultation must close on or after the day it opens."))
    if closes_on < timezone.localdate():
        raise ConsultationRefused(_("The closing day has passed: choose a day from today on."))
    if cluster is None and recommendations is None:
        raise ConsultationRefused(_("Choose the recommendations: a cluster, or the filters of the list."))
    scoped = recommendations if recommendations is not None else Recommendation.objects.all()
    if cluster is not None:
        scoped = scoped.filter(cluster_ids__contains=[cluster.pk])
    ids = sorted(scoped.order_by().values_list("pk", flat=True))
    if not ids:
        raise ConsultationRefused(_("No recommendation matches: the consultation would ask about nothing."))
    if not Recommendation.objects.filter(pk__in=ids, published=True).exists():
        raise ConsultationRefused(
            _(
                "None of these recommendations is published: visitors of the portal could not see them. "
                "Publish them first."
            )
        )
    consultation = Consultation(
        state=state,
        cluster=cluster,
        query=query[:2000],
        recommendation_ids=ids,
        opens_on=opens_on,
        closes_on=closes_on,
        opened_by=user,
    )
    for code, _name in settings.LANGUAGES:
        setattr(consultation, f"title_{_column(code)}", (titles.get(code) or "").strip()[:300])
        setattr(consultation, f"introduction_{_column(code)}", (introductions.get(code) or "").strip())
    consultation.save()
    return consultation


@transaction.atomic
def consultation_close(*, consultation: Consultation) -> Consultation:
    """Close an open consultation now; the portal stops taking information at once."""
    updated = Consultation.objects.filter(pk=consultation.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    if not updated:
        raise ConsultationRefused(_("This consultation was already closed."))
    consultation.refresh_from_db()
    return consultation


@transaction.atomic
def submission_add(
    *,
    consultation: Consultation,
    recommendation_ids: Iterable[int],
    kind: str,
    organisation: str,
    contact: str,
    text: str,
    publish_name: bool,
    upload=None,
    today: date | None = None,
) -> Submission:
    """Keep information a visitor sent, for the secretariat to review. Refused
    (``SubmissionRefused``, ``files.EvidenceRefused``) when the consultation is not open, a
    recommendation is not one of its published ones (another State's, an unpublished one), a name
    and contact are needed and missing, or the file is not accepted; nothing is kept then."""
    state = consultation.state
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not locked.is_open(today):
        raise SubmissionRefused(_("This consultation is closed: it no longer takes information."))
    wanted = {int(pk) for pk in recommendation_ids}
    if not wanted:
        raise SubmissionRefused(_("Choose at least one recommendation your information is about."))
    allowed = set(consultation_recommendations(locked).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise SubmissionRefused(_("Information can be sent only on the recommendations of this consultation."))
    organisation, contact = " ".join((organisation or "").split()), (contact or "").strip()
    if not state.consultation_anonymous and not (organisation and contact):
        raise SubmissionRefused(_("Give the name of your organisation and a way to contact you."))
    text = (text or "").strip()
    if not text:
        raise SubmissionRefused(_("Write the information you send."))
    if len(text) > MAX_TEXT:
        raise SubmissionRefused(_("The information may be at most %(count)d characters long.") % {"count": MAX_TEXT})
    if kind not in Submission.Kind.values:
        kind = Submission.Kind.OTHER
    submission = Submission(
        state=state,
        consultation=locked,
        recommendation_ids=sorted(wanted),
        kind=kind,
        organisation=organisation[:300],
        contact=contact[:300],
        text=text,
        # A name can only be published if there is one.
        publish_name=bool(publish_name and organisation),
    )
    if upload:
        checked = files.check(upload)
        submission.file_name = checked.name
        submission.file_type = checked.kind.content_type
        submission.file_size = checked.size
        files.store(submission, checked, "submission")
    else:
        submission.save()
    return submission


DECISIONS = {
    "accept": Submission.Status.ACCEPTED,
    "consider": Submission.Status.CONSIDERED,
    "reject": Submission.Status.REJECTED,
}


@transaction.atomic
def submission_review(*, submission: Submission, user: User, decision: str, note: str, seen: str) -> Submission:
    """Accept (public from now on), mark as considered or reject a submission. ``seen`` is the status
    the reviewer saw: if someone decided meanwhile, nothing changes and the reviewer is told."""
    status = DECISIONS.get(decision)
    if status is None:
        raise SubmissionRefused(_("Choose a decision: accept, mark as considered, or reject."))
    updated = Submission.objects.filter(pk=submission.pk, status=seen).update(
        status=status, reviewed_by=user, reviewed_at=timezone.now(), review_note=(note or "").strip()
    )
    if not updated:
        raise SubmissionRefused(
            _("Someone decided on this submission while you were reading it; here is what is saved now.")
        )
    submission.refresh_from_db()
    return submission
