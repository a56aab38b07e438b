"""Planted data: two States, a person for each persona, a row in every State-owned table.

The isolation tests rely on State B's rows carrying the marker ``BETA-ONLY`` in their texts, so a
page of State A that shows any of them is caught by a plain text search.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import factory
from django.utils import timezone

from consultation.models import (
    Assessment,
    Attachment,
    Comment,
    Consultation,
    Mention,
    Message,
    MessagePost,
    MessageRecipient,
    Submission,
)
from followup.models import (
    Action,
    DataCollectionRound,
    Evidence,
    Indicator,
    Measurement,
    Notification,
    Plan,
    ProgressUpdate,
    ReminderLog,
    RoundTask,
)
from imports.models import ColumnMapping, ImportJob, UhriSchedule
from recommendations.models import (
    AffectedGroup,
    Cluster,
    Country,
    Entity,
    FocalPoint,
    Mechanism,
    Position,
    Recommendation,
    RelatedGroup,
    RelatedSuggestion,
    SavedView,
    SdgTarget,
    Theme,
)
from reporting.models import PackAnswer, PackReturn, ReportDraft, ReportingObligation
from tenants.models import Invitation, Membership, Role, State, SupportAccess, SupportSession, User
from tenants.people import token_hash
from tenants.scoping import cross_state_access, state_context
from tenants.services import membership_set

PASSWORD = "correct horse battery staple"
B_MARKER = "BETA-ONLY"
A_UNPUBLISHED_MARKER = "ALPHA-UNPUBLISHED"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = State

    name = factory.Sequence(lambda n: f"State {n}")
    slug = factory.Sequence(lambda n: f"state-{n}")
    iso3 = factory.Sequence(lambda n: f"X{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    content_languages = factory.LazyFunction(lambda: ["en", "fr"])
    default_language = "en"
    portal_enabled = True


@dataclass
class PlantedState:
    state: State
    entity: Entity
    published: Recommendation
    unpublished: Recommendation
    import_job: ImportJob
    column_mapping: ColumnMapping
    cluster: Cluster
    related_suggestion: RelatedSuggestion
    focal_point: FocalPoint | None = None
    saved_view: SavedView | None = None
    people: dict[str, User] = field(default_factory=dict)
    # Follow-up: a plan with an action and an indicator (with a measurement); a validated update
    # every member may read and a draft with an evidence file (its entity's focal point and the
    # secretariat only); a data-collection round asking the entity about the published recommendation.
    plan: Plan | None = None
    action: Action | None = None
    indicator: Indicator | None = None
    measurement: Measurement | None = None
    progress_update: ProgressUpdate | None = None
    draft_update: ProgressUpdate | None = None
    evidence: Evidence | None = None
    data_round: DataCollectionRound | None = None
    notification: Notification | None = None
    # Reporting: an obligation on the calendar (due in 30 days, the entity involved) and the
    # administrator's secret calendar feed token (only its hash is stored).
    obligation: ReportingObligation | None = None
    feed_token: str = ""
    # Report drafts: a finished mechanism report with its (tiny) Word file, for the obligation.
    report_draft: ReportDraft | None = None
    # An information request (its packs not assembled) brought back by the entity's focal point:
    # a preview answering the published recommendation, and the answer an earlier upload made
    # into the draft update.
    pack_request: ReportDraft | None = None
    pack_return: PackReturn | None = None
    # Consultation: a thread of comments on the published recommendation (the secretariat's, with
    # the focal point mentioned, and the focal point's reply) and comments on the action and the
    # validated update; a message to the entity with a PDF and the focal point's reply; an open
    # consultation on the published and the unpublished recommendation, with a submission in each
    # status (the pending one with a PDF; in A the pending, considered and rejected ones carry
    # A_UNPUBLISHED_MARKER: the portal must never show them); the NHRI's assessment of the
    # published recommendation (A publishes them).
    comment: Comment | None = None
    message: Message | None = None
    attachment: Attachment | None = None
    consultation: Consultation | None = None
    submission: Submission | None = None
    accepted_submission: Submission | None = None
    assessment: Assessment | None = None
    # People: the observer's membership (to change), and an open invitation of a focal point of
    # the entity, with the token its e-mail's link carries (only its hash is stored).
    observer_membership: Membership | None = None
    invitation: Invitation | None = None
    invitation_token: str = ""


@dataclass
class PlantedData:
    a: PlantedState
    b: PlantedState
    platform_admin: User
    outsider: User

    def persona(self, name: str) -> User | None:
        """The personas of the isolation tests, by name (``anonymous`` is None)."""
        return {
            "anonymous": None,
            "a_admin": self.a.people["admin"],
            "a_secretariat": self.a.people["secretariat"],
            "a_focal_point": self.a.people["focal_point"],
            "a_observer": self.a.people["observer"],
            "a_nhri": self.a.people["nhri"],
            "b_admin": self.b.people["admin"],
            "platform_admin": self.platform_admin,
            "outsider": self.outsider,
        }[name]


def _plant_state(
    *, slug: str, name: str, iso3: str, portal: bool, marker: str, unpublished_marker: str = ""
) -> PlantedState:
    state = StateFactory(slug=slug, name=name, iso3=iso3, portal_enabled=portal, nhri_assessments_public=True)
    mechanism = Mechanism.objects.get(code="UPR")
    with state_context(state):
        entity = Entity.objects.create(state=state, name=f"Ministry of Justice of {name} {marker}".strip())
        Entity.objects.create(state=state, name=f"Ministry of Education of {name} {marker}".strip(), parent=entity)
        cluster = Cluster.objects.create(
            state=state, name=f"Justice and the rule of law {marker}".strip(), description=f"{name} {marker}".strip()
        )
        published = Recommendation.objects.create(
            state=state,
            mechanism=mechanism,
            symbol=f"A/HRC/99/{iso3}",
            paragraph="1.1",
            text=f"Ratify the Convention against enforced disappearance ({name}) {marker}",
            position=Position.SUPPORTED,
            published=True,
            external_id=f"{slug}-published",
            # An entry of every vocabulary, so the filters and the API have something to show.
            theme_ids=[Theme.objects.first().pk],
            affected_group_ids=[AffectedGroup.objects.first().pk],
            sdg_target_ids=[SdgTarget.objects.first().pk],
            recommending_country_ids=[Country.objects.first().pk],
            cluster_ids=[cluster.pk],
            primary_cluster=cluster,
            lead_entity=entity,
        )
        unpublished = Recommendation.objects.create(
            state=state,
            mechanism=mechanism,
            symbol=f"A/HRC/99/{iso3}",
            paragraph="1.2",
            text=f"Strengthen the national human rights institution ({name}) {marker} {unpublished_marker}",
            position=Position.NOTED,
            published=False,
        )
        import_job = ImportJob.objects.create(
            state=state,
            format="uhri-json",
            filename=f"{slug}{marker}.json",
            status="succeeded",
            dry_run=True,
            created=2,
        )
        column_mapping = ColumnMapping.objects.create(
            state=state,
            name=f"{name} tracking sheet {marker}".strip(),
            description=f"The layout of the {name} ministries' sheet {marker}".strip(),
            fields={"text": {"column": "Recommendation"}, "position": {"column": "Response"}},
        )
        # Off: the planted States fetch nothing on a schedule (the schedule's tests turn it on).
        UhriSchedule.objects.create(state=state, enabled=False, last_failure=marker)
        RelatedGroup.objects.create(state=state)
        # A past support session (ended: nobody is in support mode in the planted States).
        support = SupportSession.objects.create(
            state=state,
            user=None,
            user_email="former-support@example.org",
            reason=f"Checked an import for {name} {marker}".strip(),
            ended_at=timezone.now(),
        )
        SupportAccess.objects.create(state=state, session=support, method="GET", path=f"/{slug}/workspace/")
        related_suggestion = RelatedSuggestion.objects.create(
            state=state, recommendation_ids=sorted([published.pk, unpublished.pk]), score=0.5
        )
    people = {}
    focal_point = None
    for role_name, role in (
        ("admin", Role.STATE_ADMIN),
        ("secretariat", Role.SECRETARIAT),
        ("focal_point", Role.FOCAL_POINT),
        ("observer", Role.OBSERVER),
        ("nhri", Role.NHRI),
    ):
        user = UserFactory(email=f"{role_name}@{slug}.example.org", name=f"{role_name} of {name}")
        membership = membership_set(state=state, user=user, role=role)
        if role == Role.FOCAL_POINT:
            with state_context(state):
                focal_point = FocalPoint.objects.create(state=state, membership=membership, entity=entity)
        people[role_name] = user
    with state_context(state):
        followup = _plant_followup(state, name=name, marker=marker, entity=entity, published=published, people=people)
        saved_view = SavedView.objects.create(
            state=state,
            name=f"Supported {marker}".strip(),
            query="position=supported",
            owner=people["admin"],
            shared=True,
        )
        obligation, feed_token = _plant_calendar(state, name=name, marker=marker, entity=entity, people=people)
        report_draft = _plant_report_draft(state, name=name, marker=marker, obligation=obligation, people=people)
        pack_request, pack_return = _plant_pack_return(
            state, name=name, marker=marker, entity=entity, published=published, followup=followup, people=people
        )
        consultation = _plant_consultation(
            state,
            name=name,
            marker=marker,
            unpublished_marker=unpublished_marker,
            entity=entity,
            cluster=cluster,
            published=published,
            unpublished=unpublished,
            people=people,
            followup=followup,
        )
        invitation_token = f"planted-invitation-of-{slug}-{'x' * 24}"
        invitation = Invitation.objects.create(
            state=state,
            email=f"invited@{slug}.example.org",
            name=f"Invited to {name} {marker}".strip(),
            role=Role.FOCAL_POINT,
            entity_ids=[entity.pk],
            focal_point_kind="technical",
            invited_by=people["admin"],
            token_hash=token_hash(invitation_token, state.pk),
            expires_at=timezone.now() + datetime.timedelta(days=14),
        )
        observer_membership = Membership.objects.get(user=people["observer"])
    return PlantedState(
        state=state,
        entity=entity,
        published=published,
        unpublished=unpublished,
        import_job=import_job,
        column_mapping=column_mapping,
        cluster=cluster,
        related_suggestion=related_suggestion,
        focal_point=focal_point,
        saved_view=saved_view,
        people=people,
        obligation=obligation,
        feed_token=feed_token,
        report_draft=report_draft,
        pack_request=pack_request,
        pack_return=pack_return,
        observer_membership=observer_membership,
        invitation=invitation,
        invitation_token=invitation_token,
        **followup,
        **consultation,
    )


PLANTED_PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _plant_followup(state, *, name, marker, entity, published, people) -> dict:
    from django.core.files.base import ContentFile

    plan = Plan.objects.create(state=state, title=f"Implementation plan of {name} {marker}".strip())
    action = Action.objects.create(
        state=state,
        plan=plan,
        title=f"Draft a law on enforced disappearance {marker}".strip(),
        recommendation_ids=[published.pk],
        lead_entity=entity,
    )
    indicator = Indicator.objects.create(
        state=state, action=action, name=f"Cases investigated {marker}".strip(), unit="cases"
    )
    measurement = Measurement.objects.create(
        state=state, indicator=indicator, measured_on="2026-01-01", value=12, note=f"{marker}".strip()
    )
    progress_update = ProgressUpdate.objects.create(
        state=state,
        recommendation=published,
        entity=entity,
        implementation_status="in_progress",
        narrative=f"The bill was sent to parliament {marker}".strip(),
        status=ProgressUpdate.Status.VALIDATED,
        author=people["focal_point"],
        reviewed_by=people["secretariat"],
    )
    draft_update = ProgressUpdate.objects.create(
        state=state,
        recommendation=published,
        entity=entity,
        implementation_status="in_progress",
        narrative=f"Draft in progress {marker}".strip(),
        author=people["focal_point"],
    )
    evidence = Evidence(
        state=state,
        update=draft_update,
        name=f"minutes{marker}.pdf",
        content_type="application/pdf",
        size=len(PLANTED_PDF),
    )
    evidence.file.save("minutes.pdf", ContentFile(PLANTED_PDF), save=False)
    evidence.save()
    data_round = DataCollectionRound.objects.create(
        state=state,
        title=f"Mid-term report round {marker}".strip(),
        instructions=f"Tell us what changed {marker}".strip(),
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        recommendation_ids=[published.pk],
        entity_ids=[entity.pk],
        opened_by=people["secretariat"],
    )
    RoundTask.objects.create(state=state, round=data_round, entity=entity, recommendation=published)
    ReminderLog.objects.create(
        state=state, kind=ReminderLog.Kind.BEFORE, round=data_round, user=people["focal_point"], period="before"
    )
    notification = Notification.objects.create(
        state=state,
        user=people["secretariat"],
        kind=Notification.Kind.SUBMITTED,
        update=progress_update,
        params={"subject": f"{published} {marker}".strip(), "entity": str(entity), "comment": "", "path": "/"},
    )
    return {
        "plan": plan,
        "action": action,
        "indicator": indicator,
        "measurement": measurement,
        "progress_update": progress_update,
        "draft_update": draft_update,
        "evidence": evidence,
        "data_round": data_round,
        "notification": notification,
    }


def _plant_calendar(state, *, name, marker, entity, people) -> tuple[ReportingObligation, str]:
    from reporting.calendar import feed_token_reset
    from tenants.models import Membership

    obligation = ReportingObligation.objects.create(
        state=state,
        mechanism=Mechanism.objects.get(code="CRC"),
        kind=ReportingObligation.Kind.PERIODIC_REPORT,
        title=f"Combined periodic report of {name} to the CRC {marker}".strip(),
        due_on=timezone.localdate() + datetime.timedelta(days=30),
        entity_ids=[entity.pk],
        notes=f"Ask the ministries in time {marker}".strip(),
        created_by=people["secretariat"],
    )
    token = feed_token_reset(Membership.objects.get(user=people["admin"]))
    return obligation, token


def _plant_report_draft(state, *, name, marker, obligation, people) -> ReportDraft:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from reporting.documents.wordml import WordDocument

    document = WordDocument()
    document.title(f"Draft report of {name} {marker}".strip())
    stored = default_storage.save(f"reports/{state.pk}/planted.docx", ContentFile(document.save()))
    return ReportDraft.objects.create(
        state=state,
        kind=ReportDraft.Kind.MECHANISM_REPORT,
        obligation=obligation,
        title=f"Draft report of {name} to the CRC {marker}".strip(),
        language="en",
        parameters={"mechanism": Mechanism.objects.get(code="UPR").pk, "grouping": "cluster", "up_to": "2026-12-31"},
        status=ReportDraft.Status.SUCCEEDED,
        progress_done=1,
        progress_total=1,
        file=stored,
        filename=f"draft-report-{state.slug}.docx",
        created_by=people["secretariat"],
        finished_at=timezone.now(),
    )


def _plant_pack_return(state, *, name, marker, entity, published, followup, people) -> tuple[ReportDraft, PackReturn]:
    request = ReportDraft.objects.create(
        state=state,
        kind=ReportDraft.Kind.INFORMATION_REQUEST,
        title=f"Requests for information of {name} {marker}".strip(),
        language="en",
        parameters={"entities": [entity.pk], "mechanism": None, "deadline": "2030-01-01", "instructions": ""},
        created_by=people["secretariat"],
    )
    answer = {
        "place": "row:2",
        "id": published.pk,
        "written": f"{published.symbol} ¶ {published.paragraph}",
        "status": "in_progress",
        "narrative": f"Draft in progress {marker}".strip(),
        "reported_on": "",
        "to_group": False,
    }
    pack_return = PackReturn.objects.create(
        state=state,
        request=request,
        entity=entity,
        filename=f"answers-{name}{marker}.xlsx",
        digest="0" * 64,
        rows=[answer],
        problems=[{"place": "row:3", "reference": "", "message": f"No recommendation id {marker}".strip()}],
        uploaded_by=people["focal_point"],
    )
    PackAnswer.objects.create(
        state=state,
        request=request,
        entity=entity,
        recommendation=published,
        update=followup["draft_update"],
        digest="0" * 64,
        pack_return=pack_return,
    )
    return request, pack_return


def _plant_consultation(
    state, *, name, marker, unpublished_marker, entity, cluster, published, unpublished, people, followup
) -> dict:
    from django.core.files.base import ContentFile

    comment = Comment.objects.create(
        state=state,
        recommendation=published,
        author=people["secretariat"],
        text=f"Ask the ministry where the bill stands {marker}".strip(),
    )
    Mention.objects.create(state=state, comment=comment, user=people["focal_point"])
    Comment.objects.create(
        state=state,
        recommendation=published,
        parent=comment,
        author=people["focal_point"],
        text=f"It is with the cabinet {marker}".strip(),
    )
    Comment.objects.create(
        state=state, action=followup["action"], author=people["admin"], text=f"Budget approved? {marker}".strip()
    )
    Comment.objects.create(
        state=state,
        update=followup["progress_update"],
        author=people["focal_point"],
        text=f"Minutes attached to the draft {marker}".strip(),
    )
    message = Message.objects.create(
        state=state,
        subject=f"Data call on enforced disappearance {name} {marker}".strip(),
        sent_by=people["secretariat"],
        entity_ids=[entity.pk],
        recommendation_ids=[published.pk],
    )
    post = MessagePost.objects.create(
        state=state,
        message=message,
        author=people["secretariat"],
        text=f"Please send the figures {marker}".strip(),
        delivered_at=timezone.now(),
    )
    MessageRecipient.objects.create(
        state=state, post=post, user=people["focal_point"], email=people["focal_point"].email
    )
    attachment = Attachment(
        state=state, post=post, name=f"template{marker}.pdf", content_type="application/pdf", size=len(PLANTED_PDF)
    )
    attachment.file.save("template.pdf", ContentFile(PLANTED_PDF), save=False)
    attachment.save()
    MessagePost.objects.create(
        state=state,
        message=message,
        author=people["focal_point"],
        entity=entity,
        text=f"Figures follow next week {marker}".strip(),
        delivered_at=timezone.now(),
    )
    today = timezone.localdate()
    consultation = Consultation.objects.create(
        state=state,
        title=f"Consultation on justice in {name} {marker}".strip(),
        introduction=f"Tell us what you see {marker}".strip(),
        cluster=cluster,
        recommendation_ids=[published.pk, unpublished.pk],
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
        opened_by=people["secretariat"],
    )
    hidden = f"{marker} {unpublished_marker}".strip()
    submission = Submission(
        state=state,
        consultation=consultation,
        recommendation_ids=[published.pk],
        organisation=f"Pending Watch {hidden}",
        contact="pending@example.org",
        text=f"Pending information {hidden}",
        publish_name=True,
        file_name="report.pdf",
        file_type="application/pdf",
        file_size=len(PLANTED_PDF),
    )
    submission.file.save("report.pdf", ContentFile(PLANTED_PDF), save=False)
    submission.save()
    for status in (Submission.Status.REJECTED, Submission.Status.CONSIDERED):
        Submission.objects.create(
            state=state,
            consultation=consultation,
            recommendation_ids=[published.pk],
            organisation=f"{status.label} Forum {hidden}",
            contact=f"{status.value}@example.org",
            text=f"{status.label} information {hidden}",
            publish_name=True,
            status=status,
            reviewed_by=people["secretariat"],
            reviewed_at=timezone.now(),
        )
    accepted = Submission.objects.create(
        state=state,
        consultation=consultation,
        recommendation_ids=[published.pk],
        kind=Submission.Kind.NHRI,
        organisation=f"Civic Forum of {name} {marker}".strip(),
        contact="civic-forum@example.org",
        text=f"The bill was debated in public hearings {marker}".strip(),
        publish_name=True,
        status=Submission.Status.ACCEPTED,
        reviewed_by=people["secretariat"],
        reviewed_at=timezone.now(),
        review_note=f"Checked with the ministry {hidden}",
    )
    assessment = Assessment.objects.create(
        state=state,
        recommendation=published,
        implementation_status="in_progress",
        text=f"The institution sees slow progress {marker}".strip(),
        author=people["nhri"],
    )
    return {
        "comment": comment,
        "message": message,
        "attachment": attachment,
        "consultation": consultation,
        "submission": submission,
        "accepted_submission": accepted,
        "assessment": assessment,
    }


def plant() -> PlantedData:
    with cross_state_access():
        a = _plant_state(
            slug="alpha", name="Alphaland", iso3="XAA", portal=True, marker="", unpublished_marker=A_UNPUBLISHED_MARKER
        )
        b = _plant_state(slug="beta", name="Betaland", iso3="XBB", portal=False, marker=B_MARKER)
        platform_admin = UserFactory(email="platform@example.org", name="Platform admin", is_platform_admin=True)
        outsider = UserFactory(email="outsider@example.org", name="Outsider")
    return PlantedData(a=a, b=b, platform_admin=platform_admin, outsider=outsider)
