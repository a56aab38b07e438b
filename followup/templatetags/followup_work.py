"""The workspace navigation's count of unread notifications (one query)."""

from django import template

from followup.rounds import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    state = getattr(request, "state", None)
    if state is None or getattr(request, "membership", None) is None:
        return 0
    return unread_count(request.user, state)
