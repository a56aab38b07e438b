"""Two demo States with entities, recommendations and a person in every role.

Idempotent: running it again changes nothing. Refused in production mode.
"""

from datetime import date

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from followup.models import ProgressUpdate
from followup.workflow import status_refresh
from recommendations.models import (
    Cluster,
    Entity,
    FocalPoint,
    ImplementationStatus,
    Mechanism,
    Position,
    Recommendation,
    Theme,
)
from tenants.models import Role, State, User
from tenants.scoping import state_context
from tenants.services import membership_set

DEMO_PASSWORD = "demo-password"  # noqa: S105 -- printed for the demo, refused in production

STATES = [
    {
        "slug": "arcadia",
        "name": "Arcadia",
        "iso3": "XAR",
        "content_languages": ["en", "fr"],
        "default_language": "en",
        "portal_enabled": True,
        "entities": ["Ministry of Justice", "Ministry of Education", "Ministry of Social Affairs"],
        "people": [
            ("admin@arcadia.example", "Amina Haddad", Role.STATE_ADMIN, None),
            ("officer@arcadia.example", "Oscar Lind", Role.SECRETARIAT, None),
            ("focal@arcadia.example", "Farida Osei", Role.FOCAL_POINT, "Ministry of Justice"),
            ("observer@arcadia.example", "Olga Petrova", Role.OBSERVER, None),
            ("nhri@arcadia.example", "Nadia Rahman", Role.NHRI, None),
        ],
        "recommendations": [
            (
                "UPR",
                "A/HRC/43/6",
                "127.12",
                Position.SUPPORTED,
                True,
                "Ratify the International Convention for the Protection of All Persons from Enforced Disappearance (Uruguay);",
                "Ratifier la Convention internationale pour la protection de toutes les personnes contre les disparitions forcées (Uruguay);",
            ),
            (
                "UPR",
                "A/HRC/43/6",
                "127.45",
                Position.SUPPORTED,
                True,
                "Continue its efforts to promote and safeguard the right to education for all (Pakistan);",
                "Poursuivre ses efforts en vue de promouvoir et de sauvegarder le droit de tous à l'éducation (Pakistan);",
            ),
            (
                "UPR",
                "A/HRC/43/6",
                "127.80",
                Position.NOTED,
                False,
                "Establish a national human rights institution in full compliance with the Paris Principles (Chile);",
                "",
            ),
            (
                "CRC",
                "CRC/C/XAR/CO/3-4",
                "28",
                Position.PENDING,
                False,
                "The Committee recommends that the State party prohibit corporal punishment in all settings.",
                "",
            ),
        ],
    },
    {
        "slug": "borealia",
        "name": "Borealia",
        "iso3": "XBO",
        "content_languages": ["en", "es"],
        "default_language": "en",
        "portal_enabled": False,
        "entities": ["Ministry of Interior", "Ministry of Health"],
        "people": [
            ("admin@borealia.example", "Bruno Alves", Role.STATE_ADMIN, None),
        ],
        "recommendations": [
            (
                "UPR",
                "A/HRC/44/9",
                "136.3",
                Position.SUPPORTED,
                True,
                "Strengthen measures to combat domestic violence against women and girls (Spain);",
                "",
            ),
            (
                "CEDAW",
                "CEDAW/C/XBO/CO/7",
                "19(a)",
                Position.PENDING,
                False,
                "Adopt a comprehensive definition of discrimination against women in its legislation.",
                "",
            ),
        ],
    },
]
PLATFORM_ADMIN = ("platform@nrtd.example", "Platform Administrator")

# More of Arcadia's third UPR cycle, so that its list, dashboard and portal look like a State's
# (the paragraphs show their natural order: 127.2 before 127.10). Each: paragraph, position,
# published, recommending State, text, theme, lead entity, cluster, then the validated updates'
# (status, information as of) in order.
S, N = Position.SUPPORTED, Position.NOTED
DONE, PART, GOING, NOT_YET, LAPSED = (
    ImplementationStatus.IMPLEMENTED,
    ImplementationStatus.PARTIALLY_IMPLEMENTED,
    ImplementationStatus.IN_PROGRESS,
    ImplementationStatus.NOT_STARTED,
    ImplementationStatus.NOT_APPLICABLE,
)
JUSTICE, EDUCATION, SOCIAL = "Ministry of Justice", "Ministry of Education", "Ministry of Social Affairs"
ARCADIA_UPR = [
    (
        "127.2",
        S,
        True,
        "Mexico",
        "Ratify the Optional Protocol to the Convention against Torture",
        "Prohibition of torture & cruel, inhuman or degrading treatment",
        JUSTICE,
        "Justice and detention",
        [(GOING, date(2024, 3, 31)), (PART, date(2025, 3, 31))],
    ),
    (
        "127.3",
        S,
        True,
        "Ghana",
        "Ratify the Convention on the Rights of Persons with Disabilities and its Optional Protocol",
        "Persons with disabilities: definition, general principles",
        SOCIAL,
        "Persons with disabilities",
        [(DONE, date(2024, 9, 30))],
    ),
    (
        "127.10",
        S,
        True,
        "Portugal",
        "Extend a standing invitation to all special procedures of the Human Rights Council",
        "Cooperation & follow-up with special procedures",
        JUSTICE,
        "",
        [(DONE, date(2023, 12, 31))],
    ),
    (
        "127.11",
        N,
        False,
        "Russian Federation",
        "Withdraw its reservations to the International Covenant on Civil and Political Rights",
        "Reservations",
        JUSTICE,
        "",
        [],
    ),
    (
        "127.21",
        S,
        True,
        "Costa Rica",
        "Adopt a national action plan on business and human rights",
        "Business & human rights",
        SOCIAL,
        "",
        [(GOING, date(2025, 6, 30))],
    ),
    (
        "127.33",
        S,
        True,
        "Kenya",
        "Strengthen the independence and the resources of the national human rights institution",
        "National Human Rights Institution (NHRI)",
        JUSTICE,
        "Justice and detention",
        [(PART, date(2024, 6, 30))],
    ),
    (
        "127.56",
        S,
        True,
        "Sweden",
        "Ensure that every allegation of ill-treatment by police officers is investigated promptly and impartially",
        "Prohibition of torture & cruel, inhuman or degrading treatment",
        JUSTICE,
        "Justice and detention",
        [(NOT_YET, date(2024, 3, 31)), (GOING, date(2025, 3, 31))],
    ),
    (
        "127.57",
        S,
        True,
        "Chile",
        "Reduce overcrowding in prisons and improve conditions of detention",
        "Conditions of detention",
        JUSTICE,
        "Justice and detention",
        [(GOING, date(2025, 9, 30))],
    ),
    (
        "127.90",
        S,
        True,
        "Norway",
        "Guarantee free and inclusive primary and secondary education for all children, including children with disabilities",
        "Right to education",
        EDUCATION,
        "Education for all",
        [(PART, date(2024, 12, 31))],
    ),
    (
        "127.91",
        S,
        True,
        "Qatar",
        "Increase the budget allocated to education, in particular in rural areas",
        "Right to education",
        EDUCATION,
        "Education for all",
        [(DONE, date(2025, 6, 30))],
    ),
    (
        "127.92",
        S,
        True,
        "Egypt",
        "Introduce human rights education in school curricula at all levels",
        "Human rights education, trainings & awareness raising",
        EDUCATION,
        "Education for all",
        [(GOING, date(2025, 3, 31))],
    ),
    (
        "127.100",
        N,
        False,
        "Netherlands",
        "Decriminalize consensual same-sex relations between adults",
        "Equality & non-discrimination",
        JUSTICE,
        "",
        [(LAPSED, date(2025, 9, 30))],
    ),
    (
        "127.101",
        S,
        True,
        "Spain",
        "Adopt a comprehensive law against gender-based violence that covers domestic violence",
        "Domestic violence",
        SOCIAL,
        "Women and gender equality",
        [(GOING, date(2024, 9, 30))],
    ),
    (
        "127.102",
        S,
        True,
        "Iceland",
        "Close the gender pay gap and promote women's participation in decision-making positions",
        "Advancement of women",
        SOCIAL,
        "Women and gender equality",
        [(NOT_YET, date(2025, 3, 31))],
    ),
    (
        "127.120",
        S,
        True,
        "Brazil",
        "Expand social protection to persons living in poverty and to workers of the informal sector",
        "Right to social security",
        SOCIAL,
        "",
        [(PART, date(2025, 12, 31))],
    ),
    (
        "127.121",
        S,
        False,
        "Thailand",
        "Improve access to health care in rural and remote areas",
        "Right to health",
        SOCIAL,
        "",
        [],
    ),
]
ARCADIA_CLUSTERS = [
    "Justice and detention",
    "Education for all",
    "Women and gender equality",
    "Persons with disabilities",
]


class Command(BaseCommand):
    help = "Load two demo States with people in every role (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--print-only", action="store_true", help="Only print the demo sign-ins")

    def handle(self, *args, print_only=False, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo is not loaded in production mode.")
        if not print_only:
            with pghistory.context(command="load_demo"):
                self._load()
        if options["verbosity"] > 0:
            self._print()

    def _user(self, email: str, name: str, **extra) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, name=name, **extra)
        return user

    def _load(self) -> None:
        self._user(*PLATFORM_ADMIN, is_platform_admin=True)
        mechanisms = {m.code: m for m in Mechanism.objects.all()}
        for spec in STATES:
            state, _ = State.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    key: spec[key]
                    for key in ("name", "iso3", "content_languages", "default_language", "portal_enabled")
                },
            )
            with state_context(state):
                entities = {name: Entity.objects.get_or_create(state=state, name=name)[0] for name in spec["entities"]}
                for email, name, role, entity_name in spec["people"]:
                    membership = membership_set(state=state, user=self._user(email, name), role=role)
                    if entity_name:
                        FocalPoint.objects.get_or_create(
                            state=state, membership=membership, entity=entities[entity_name]
                        )
                if spec["slug"] == "arcadia":
                    self._more_of_arcadia(state, entities, User.objects.get(email="officer@arcadia.example"))
                for code, symbol, paragraph, position, published, text_en, text_fr in spec["recommendations"]:
                    Recommendation.objects.get_or_create(
                        state=state,
                        symbol=symbol,
                        paragraph=paragraph,
                        defaults={
                            "mechanism": mechanisms[code],
                            "position": position,
                            "published": published,
                            "text_en": text_en,
                            "text_fr": text_fr or None,
                            "issued_on": date(2019, 12, 19),
                        },
                    )
                # A cluster of the published recommendations, led by the first entity: something to
                # open a round or a consultation on, to write to its focal points about.
                cluster, _ = Cluster.objects.get_or_create(state=state, name="Justice and the rule of law")
                Recommendation.objects.filter(published=True, cluster_ids=[]).update(
                    cluster_ids=[cluster.pk], primary_cluster=cluster
                )
                Recommendation.objects.filter(published=True, lead_entity=None).update(
                    lead_entity=entities[spec["entities"][0]]
                )

    def _more_of_arcadia(self, state: State, entities: dict[str, Entity], author: User) -> None:
        upr = Mechanism.objects.get(code="UPR")
        clusters = {
            name: Cluster.objects.get_or_create(state=state, name=name, defaults={"position": n})[0]
            for n, name in enumerate(ARCADIA_CLUSTERS)
        }
        changed = []
        for paragraph, position, published, by, text, theme, lead, cluster, updates in ARCADIA_UPR:
            recommendation, created = Recommendation.objects.get_or_create(
                state=state,
                symbol="A/HRC/43/6",
                paragraph=paragraph,
                defaults={
                    "mechanism": upr,
                    "position": position,
                    "published": published,
                    "text_en": f"{text} ({by});",
                    "issued_on": date(2019, 12, 19),
                    "upr_cycle": 3,
                    "theme_ids": list(Theme.objects.filter(name_en=theme).values_list("pk", flat=True)),
                    "lead_entity": entities[lead],
                    "cluster_ids": [clusters[cluster].pk] if cluster else [],
                    "primary_cluster": clusters[cluster] if cluster else None,
                },
            )
            if not created:
                continue
            for status, on in updates:
                ProgressUpdate.objects.create(
                    state=state,
                    recommendation=recommendation,
                    entity=entities[lead],
                    author=author,
                    implementation_status=status,
                    narrative="Reported by the ministry to the secretariat.",
                    reported_on=on,
                    status=ProgressUpdate.Status.VALIDATED,
                )
            changed.append(recommendation.pk)
        status_refresh(recommendation_ids=changed)

    def _print(self) -> None:
        self.stdout.write(f"Demo sign-ins (password: {DEMO_PASSWORD}):")
        self.stdout.write(f"  {PLATFORM_ADMIN[0]:<28} platform administrator  {settings.SITE_URL}/platform/")
        for spec in STATES:
            for email, _, role, entity_name in spec["people"]:
                label = Role(role).label + (f" ({entity_name})" if entity_name else "")
                self.stdout.write(f"  {email:<28} {label:<40} {settings.SITE_URL}/{spec['slug']}/workspace/")
