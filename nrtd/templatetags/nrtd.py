from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil

register = template.Library()


@register.filter
def timeuntil_delta(delta: timedelta | None) -> str:
    """A duration in words, in the active language ("15 minutes")."""
    if not delta:
        return ""
    now = timezone.now()
    return timeuntil(now + delta, now)
