"""Two demo States with entities, recommendations and a person in every role.

Idempotent: running it again changes nothing. Refused in production mode.
"""

from datetime import date

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from recommendations.models import Cluster, Entity, FocalPoint, Mechanism, Position, Recommendation
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

    def _print(self) -> None:
        self.stdout.write(f"Demo sign-ins (password: {DEMO_PASSWORD}):")
        self.stdout.write(f"  {PLATFORM_ADMIN[0]:<28} platform administrator  {settings.SITE_URL}/platform/")
        for spec in STATES:
            for email, _, role, entity_name in spec["people"]:
                label = Role(role).label + (f" ({entity_name})" if entity_name else "")
                self.stdout.write(f"  {email:<28} {label:<40} {settings.SITE_URL}/{spec['slug']}/workspace/")
