"""A State with its portal on and published recommendations in the six languages, for the portal tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest

from consultation.models import Consultation, Submission
from followup.models import ProgressUpdate
from recommendations.models import (
    AffectedGroup,
    Entity,
    Mechanism,
    Position,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)
from tenants.models import State
from tenants.scoping import cross_state_access, state_context
from tests.factories import StateFactory, UserFactory

SECRET = "INTERNAL-NOTE-XYZZY"


@dataclass
class PortalData:
    state: State
    other: State
    recs: dict[str, Recommendation] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    author_name: str = ""
    consultation: object = None


def _rec(state, key, *, mechanism="UPR", published=True, issued="2022-03-01", **fields) -> Recommendation:
    texts = {k: fields.pop(k) for k in list(fields) if k.startswith("text_")}
    primary = next(iter(texts.values()), "")
    rec = Recommendation(
        state=state,
        mechanism=Mechanism.objects.get(code=mechanism),
        symbol=fields.pop("symbol", f"A/HRC/52/{key}"),
        paragraph=fields.pop("paragraph", "1"),
        issued_on=datetime.date.fromisoformat(issued) if issued else None,
        published=published,
        external_id=key,
        **fields,
    )
    for column, text in texts.items():
        setattr(rec, column, text)
    rec.text = primary
    rec.save()
    # The text columns as the importers write them: only the languages given.
    Recommendation.objects.filter(pk=rec.pk).update(
        **{f"text_{c}": texts.get(f"text_{c}", "") for c in ("en", "fr", "es", "ar", "ru", "zh_hans")}
    )
    rec.refresh_from_db()
    return rec


@pytest.fixture
def portal_data(db) -> PortalData:
    with cross_state_access():
        state = StateFactory(name="Portalia", slug="portalia", iso3="PTL", portal_enabled=True)
        other = StateFactory(name="Otherland", slug="otherland", iso3="OTH", portal_enabled=True)
    data = PortalData(state=state, other=other)
    theme_parent = Theme.objects.filter(children__isnull=False).first()
    theme_child = theme_parent.children.first() if theme_parent else Theme.objects.first()
    group = AffectedGroup.objects.order_by("pk").first()
    target = SdgTarget.objects.select_related("goal").order_by("pk").first()
    goal5 = SdgGoal.objects.get(number=5)
    author = UserFactory(name="Zebulon Quixote-Author")
    data.author_name = author.name
    with state_context(state):
        justice = Entity.objects.create(state=state, name="Ministry of Justice")
        education = Entity.objects.create(state=state, name="Ministry of Education")
        data.entities = {"justice": justice, "education": education}
        data.recs["women"] = _rec(
            state,
            "women",
            text_en="Adopt a law criminalizing domestic violence against women and girls",
            text_fr="Adopter une loi érigeant en infraction la violence domestique à l'égard des femmes",
            text_es="Aprobar una ley que tipifique la violencia doméstica contra las mujeres",
            text_ar="اعتماد قانون يجرم العنف المنزلي ضد المرأة",
            text_ru="Принять закон о криминализации домашнего насилия в отношении женщин",
            text_zh_hans="通过一项将针对妇女的家庭暴力定为刑事犯罪的法律",
            position=Position.SUPPORTED,
            upr_cycle=4,
            theme_ids=[theme_child.pk],
            affected_group_ids=[group.pk],
            sdg_target_ids=[target.pk],
            sdg_goal_ids=[goal5.pk],
            lead_entity=justice,
            supporting_entity_ids=[education.pk],
        )
        data.recs["children"] = _rec(
            state,
            "children",
            mechanism="CRC",
            issued="2019-06-01",
            text_en="Ensure that every child has access to free primary education, including children with"
            " disabilities",
            text_ar="ضمان حصول كل طفل على التعليم الابتدائي المجاني، بما في ذلك الأطفال ذوو الإعاقة",
            text_zh_hans="确保所有儿童都能获得免费初等教育",
            position=Position.NOTED,
            lead_entity=education,
        )
        data.recs["torture"] = _rec(
            state,
            "torture",
            issued="2024-01-15",
            text_en="Investigate all allegations of torture by the police and prosecute those responsible",
            position=Position.SUPPORTED,
            upr_cycle=4,
        )
        data.recs["accents"] = _rec(
            state,
            "accents",
            mechanism="CEDAW",
            issued="2020-02-02",
            text_fr="Garantir l'égalité d'accès à l'éducation pour les filles rurales",
            position=Position.PARTIALLY_SUPPORTED,
        )
        data.recs["hidden"] = _rec(
            state,
            "hidden",
            published=False,
            text_en=f"Abolish the death penalty {SECRET} women",
            lead_entity=justice,
            position=Position.PENDING,
            upr_cycle=3,
        )
        # Follow-up: a published update (public), a validated one not published yet, a draft and a
        # returned one (never public).
        for status, narrative, reported in (
            (ProgressUpdate.Status.PUBLISHED, "The law was adopted by parliament", "2025-05-01"),
            (ProgressUpdate.Status.VALIDATED, f"Validated but not published {SECRET}", "2025-09-01"),
            (ProgressUpdate.Status.DRAFT, f"Draft narrative {SECRET}", "2025-10-01"),
            (ProgressUpdate.Status.RETURNED, f"Returned narrative {SECRET}", "2025-10-02"),
        ):
            ProgressUpdate.objects.create(
                state=state,
                recommendation=data.recs["women"],
                entity=justice,
                implementation_status="implemented" if status == ProgressUpdate.Status.PUBLISHED else "not_applicable",
                narrative=narrative,
                reported_on=reported,
                status=status,
                author=author,
                reviewed_by=author,
                review_comment=f"Reviewer comment {SECRET}",
            )
        ProgressUpdate.objects.create(
            state=state,
            recommendation=data.recs["hidden"],
            entity=justice,
            implementation_status="in_progress",
            narrative=f"Progress on a hidden one {SECRET}",
            status=ProgressUpdate.Status.PUBLISHED,
        )
        # A consultation on a published and the unpublished recommendation: what was sent and is
        # pending, considered or rejected (and the secretariat's notes) is never public.
        consultation = Consultation.objects.create(
            state=state,
            title="Consultation on violence against women",
            recommendation_ids=[data.recs["women"].pk, data.recs["hidden"].pk],
            opens_on=datetime.date.today() - datetime.timedelta(days=1),
            closes_on=datetime.date.today() + datetime.timedelta(days=10),
        )
        data.consultation = consultation
        for status in ("pending", "considered", "rejected"):
            Submission.objects.create(
                state=state,
                consultation=consultation,
                recommendation_ids=[data.recs["women"].pk],
                organisation=f"{status} organisation {SECRET}",
                contact=f"{status}@example.org",
                text=f"Sent and {status} {SECRET}",
                publish_name=True,
                status=status,
                review_note=f"Reviewer comment {SECRET}",
            )
        Submission.objects.create(
            state=state,
            consultation=consultation,
            recommendation_ids=[data.recs["women"].pk],
            organisation="Shelter Network for Women",
            contact=f"shelter@example.org {SECRET}",
            text="Shelters report fewer places since 2024",
            publish_name=True,
            status="accepted",
            review_note=f"Reviewer comment {SECRET}",
        )
    with state_context(other):
        data.recs["other"] = _rec(
            other,
            "other",
            text_en="Otherland must protect women human rights defenders OTHERLAND-ONLY",
            position=Position.SUPPORTED,
        )
    return data
