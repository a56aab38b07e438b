"""Sign-in forms."""

from django.contrib.auth.forms import PasswordResetForm

from tenants.models import User


class PasswordLinkForm(PasswordResetForm):
    """Password reset that also reaches people who never set a password (invited administrators).

    Django's own form skips accounts without a usable password; an invited administrator has
    none until they follow their first link.
    """

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True)
