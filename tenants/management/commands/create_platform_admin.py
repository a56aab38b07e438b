import os

from django.core.management.base import BaseCommand, CommandError

from tenants.models import User


class Command(BaseCommand):
    help = "Create (or promote) a platform administrator of the hosting office."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--password-env",
            default="NRTD_ADMIN_PASSWORD",
            help="Environment variable holding the password (never a command-line argument).",
        )

    def handle(self, *args, email, name, password_env, **options):
        password = os.environ.get(password_env)
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            if not password:
                raise CommandError(f"Set {password_env} to the new administrator's password.")
            user = User.objects.create_superuser(email, password, name=name)
            self.stdout.write(f"Created platform administrator {user.email}")
        else:
            user.is_platform_admin = True
            if password:
                user.set_password(password)
            user.save()
            self.stdout.write(f"{user.email} is now a platform administrator")
