"""The discussion section of a recommendation's, an action's and a progress update's page.

Registered with ``recommendations.extensions`` (consultation.extensions), so the pages of the
apps below consultation show it without importing it. Called by those views, with the request.
"""

from __future__ import annotations

from django.urls import reverse

from consultation.forms import CommentForm
from consultation.queries import comments_on, discussion_readers, earlier_texts, subject_field, threads_of


def discussion_panel(*, request, obj) -> dict | None:
    """What the discussion template needs, or None when the person may not read it."""
    user, state = request.user, request.state
    if not user.has_perm("consultation.view_discussion", obj):
        return None
    comments = list(comments_on(obj))
    earlier = earlier_texts(comments)
    for comment in comments:
        # Its earlier texts, newest first (from the history): a change never hides what was said.
        comment.earlier = earlier.get(comment.pk, [])
    may_comment = user.has_perm("consultation.comment", obj)
    kind = subject_field(obj)
    readers = list(discussion_readers(obj, state).exclude(pk=user.pk)) if may_comment else []
    return {
        "subject": obj,
        "kind": kind,
        "threads": threads_of(comments),
        "count": len(comments),
        "editable": {comment.pk for comment in comments if user.has_perm("consultation.change_comment", comment)},
        "may_comment": may_comment,
        "readers": readers,
        "form": CommentForm(readers=discussion_readers(obj, state).exclude(pk=user.pk), auto_id="new-comment-%s")
        if may_comment
        else None,
        "post_url": reverse(f"workspace:{kind}-comment-create", kwargs={"state_slug": state.slug, "pk": obj.pk}),
        "export_url": reverse(
            "workspace:recommendation-discussion-export", kwargs={"state_slug": state.slug, "pk": obj.pk}
        )
        if kind == "recommendation"
        else "",
    }
