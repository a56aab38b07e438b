import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from console.forms import StateCreateForm
from console.services import state_create


class Command(BaseCommand):
    help = "Create a State and its first administrator (for automation; the platform page does the same)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--iso3", required=True)
        parser.add_argument("--languages", default="en", help="Comma-separated content languages, e.g. en,fr")
        parser.add_argument("--default-language", default=None)
        parser.add_argument("--portal", action="store_true", help="Turn the public portal on")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")

    def handle(self, *args, **options):
        languages = [code.strip() for code in options["languages"].split(",") if code.strip()]
        form = StateCreateForm(
            data={
                "name": options["name"],
                "slug": options["slug"],
                "iso3": options["iso3"],
                "content_languages": languages,
                "default_language": options["default_language"] or languages[0],
                "portal_enabled": options["portal"],
                "admin_email": options["admin_email"],
                "admin_name": options["admin_name"],
            }
        )
        if not form.is_valid():
            problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
            raise CommandError(problems)
        data = form.cleaned_data
        try:
            with pghistory.context(command="create_state"):
                state, invitation = state_create(**{key: data[key] for key in form.fields})
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created {state.name} ({state.slug}) at {settings.SITE_URL}/{state.slug}/; "
            f"{invitation.email} is invited to be its administrator"
        )
