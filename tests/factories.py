"""Planted data: two States, a person for each persona, a row in every State-owned table.

The isolation tests rely on State B's rows carrying the marker ``BETA-ONLY`` in their texts, so a
page of State A that shows any of them is caught by a plain text search.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import factory
from django.utils import timezone

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
from imports.models import ColumnMapping, ImportJob
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
from reporting.models import ReportDraft, ReportingObligation
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
            "b_admin": self.b.people["admin"],
            "platform_admin": self.platform_admin,
            "outsider": self.outsider,
        }[name]


def _plant_state(
    *, slug: str, name: str, iso3: str, portal: bool, marker: str, unpublished_marker: str = ""
) -> PlantedState:
    state = StateFactory(slug=slug, name=name, iso3=iso3, portal_enabled=portal)
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
        observer_membership=observer_membership,
        invitation=invitation,
        invitation_token=invitation_token,
        **followup,
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


def plant() -> PlantedData:
    with cross_state_access():
        a = _plant_state(
            slug="alpha", name="Alphaland", iso3="XAA", portal=True, marker="", unpublished_marker=A_UNPUBLISHED_MARKER
        )
        b = _plant_state(slug="beta", name="Betaland", iso3="XBB", portal=False, marker=B_MARKER)
        platform_admin = UserFactory(email="platform@example.org", name="Platform admin", is_platform_admin=True)
        outsider = UserFactory(email="outsider@example.org", name="Outsider")
    return PlantedData(a=a, b=b, platform_admin=platform_admin, outsider=outsider)
