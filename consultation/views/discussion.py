"""Comments on a recommendation, an action or a progress update; their export with the recommendation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from consultation.discussion import CommentRefused, comment_add, comment_edit, subject_path
from consultation.forms import CommentForm
from consultation.models import Comment
from consultation.queries import discussion_readers, discussion_rows
from followup.models import Action
from followup.queries import updates_visible_to
from nrtd.ratelimit import RateLimitMixin
from recommendations.exports import table_csv, table_xlsx
from recommendations.models import Recommendation
from recommendations.queries import recommendations_visible_to
from tenants.views.mixins import StatePermissionMixin


def _back(request, subject, comment: Comment | None = None) -> HttpResponseRedirect:
    anchor = f"#comment-{comment.pk}" if comment else "#discussion"
    return HttpResponseRedirect(subject_path(subject, request.state) + anchor)


class CommentCreateView(StatePermissionMixin, View):
    """Post a comment (a new thread, or a reply with ``parent``) on the object in the address."""

    permission_required = "recommendations.view_recommendation"
    kind = "recommendation"
    template_name = "consultation/comment_form.html"

    def subject_queryset(self):
        user, state = self.request.user, self.request.state
        return {
            "recommendation": lambda: recommendations_visible_to(user, state),
            "action": lambda: Action.objects.all(),
            "update": lambda: updates_visible_to(user, state),
        }[self.kind]()

    def dispatch(self, request, *args, **kwargs):
        # Looked up first: another State's object (or an update the person may not read) is 404.
        self.subject = get_object_or_404(self.subject_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm("consultation.comment", self.subject)

    def post(self, request, *args, **kwargs):
        readers = discussion_readers(self.subject, request.state).exclude(pk=request.user.pk)
        form = CommentForm(request.POST, readers=readers)
        if form.is_valid():
            parent = None
            if form.cleaned_data.get("parent"):
                parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
                if parent is None:
                    form.add_error(None, _("The comment you answer is not in this discussion."))
            if not form.errors:
                try:
                    comment = comment_add(
                        state=request.state,
                        author=request.user,
                        subject=self.subject,
                        text=form.cleaned_data["text"],
                        parent=parent,
                        mentioned=form.cleaned_data["mentioned"],
                    )
                except CommentRefused as refusal:
                    form.add_error(None, str(refusal))
                else:
                    messages.success(request, _("Your comment is posted."))
                    return _back(request, self.subject, comment)
        return render(request, self.template_name, {"form": form, "subject": self.subject, "comment": None})


class CommentEditView(StatePermissionMixin, View):
    """Change one's own comment, while it may still be changed."""

    permission_required = "recommendations.view_recommendation"
    template_name = "consultation/comment_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.comment = get_object_or_404(
            Comment.objects.select_related("recommendation", "action", "update"), pk=kwargs["pk"]
        )
        # A comment on something the person may not read is not there for them.
        if not request.user.has_perm("consultation.view_comment", self.comment):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm("consultation.change_comment", self.comment)

    def handle_no_permission(self):
        if self.request.user.is_authenticated and self.comment.author_id == self.request.user.pk:
            messages.error(self.request, _("This comment can no longer be changed."))
            return _back(self.request, self.comment.subject, self.comment)
        raise PermissionDenied

    def form(self, data=None):
        subject = self.comment.subject
        readers = discussion_readers(subject, self.request.state).exclude(pk=self.request.user.pk)
        return CommentForm(
            data,
            readers=readers,
            initial={
                "text": self.comment.text,
                "mentioned": list(self.comment.mentions.values_list("user_id", flat=True)),
            },
        )

    def context(self, form):
        return {
            "form": form,
            "subject": self.comment.subject,
            "comment": self.comment,
            "editable_until": self.comment.editable_until(),
        }

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context(self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                comment = comment_edit(
                    state=request.state,
                    comment=self.comment,
                    user=request.user,
                    text=form.cleaned_data["text"],
                    mentioned=form.cleaned_data["mentioned"],
                )
            except CommentRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Your comment is changed; its earlier text stays in the history."))
                return _back(request, comment.subject, comment)
        return render(request, self.template_name, self.context(form))


def _on(subject) -> str:
    if isinstance(subject, Recommendation):
        return _("Recommendation %(reference)s") % {"reference": subject}
    if isinstance(subject, Action):
        return _("Action “%(title)s”") % {"title": subject.title}
    return _("Progress update of %(entity)s (%(status)s)") % {
        "entity": subject.entity,
        "status": subject.get_status_display(),
    }


def _when(moment):
    """A time as the State's clock reads it, to the second (no time zone: a spreadsheet cannot hold one)."""
    return timezone.localtime(moment).replace(microsecond=0, tzinfo=None) if moment else ""


class DiscussionExportView(RateLimitMixin, StatePermissionMixin, View):
    # Counted per client address before anything is read (NRTD_RATE_WORKSPACE_EXPORT).
    rate_scope = "workspace_export"

    """The recommendation with every comment the person may read on it, its actions and its updates,
    as CSV or Excel (``?format=csv``)."""

    permission_required = "recommendations.view_recommendation"

    def dispatch(self, request, *args, **kwargs):
        self.recommendation = get_object_or_404(
            recommendations_visible_to(request.user, request.state), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm(
            "consultation.view_discussion", self.recommendation
        )

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("format", "xlsx")
        if kind not in ("csv", "xlsx"):
            raise Http404
        recommendation = self.recommendation
        header = [_("On"), _("Comment"), _("In reply to"), _("Written by"), _("Written"), _("Last changed"), _("Text")]
        rows = [
            [
                _on(recommendation),
                "",
                "",
                recommendation.mechanism.code,
                recommendation.issued_on,
                "",
                recommendation.text,
            ]
        ]
        for subject, comment in discussion_rows(recommendation, user=request.user):
            rows.append(
                [
                    _on(subject),
                    comment.pk,
                    comment.parent_id or "",
                    str(comment.author or "—"),
                    _when(comment.created_at),
                    _when(comment.edited_at),
                    comment.text,
                ]
            )
        stem = f"{request.state.slug}-recommendation-{recommendation.pk}-discussion-{timezone.localdate():%Y-%m-%d}"
        if kind == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
            table_csv(header, rows, response)
        else:
            response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
            table_xlsx(_("Discussion"), header, rows, response)
        response["X-Content-Type-Options"] = "nosniff"
        return response
