"""Messages to the network: the list of threads, writing one, a thread with its replies, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, ListView

from consultation.files import EvidenceRefused
from consultation.forms import MessageForm, ReplyForm
from consultation.models import Attachment
from consultation.network import MessageRefused, focal_point_entities, message_send, reply_add
from consultation.queries import messages_visible_to, posts_visible_to
from consultation.views import FiltersFormMixin
from recommendations.models import Entity, Recommendation
from tenants.views.mixins import StatePermissionMixin

ABOUT_SHOWN = 50


class MessageListView(StatePermissionMixin, ListView):
    permission_required = "consultation.view_messages"
    template_name = "consultation/message_list.html"
    context_object_name = "threads"
    paginate_by = 50

    def get_queryset(self):
        return messages_visible_to(self.request.user, self.request.state).select_related("sent_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = {pk for thread in context["threads"] for pk in thread.entity_ids}
        names = {entity.pk: str(entity) for entity in Entity.objects.filter(pk__in=ids)}
        context["rows"] = [
            (thread, [names[pk] for pk in thread.entity_ids if pk in names]) for thread in context["threads"]
        ]
        context["may_send"] = self.request.user.has_perm("consultation.send_messages", self.request.state)
        return context


class MessageCreateView(FiltersFormMixin, StatePermissionMixin, FormView):
    permission_required = "consultation.send_messages"
    template_name = "consultation/message_form.html"
    form_class = MessageForm

    def form_valid(self, form):
        try:
            message = message_send(
                state=self.request.state,
                author=self.request.user,
                subject=form.cleaned_data["subject"],
                text=form.cleaned_data["text"],
                entities=form.cleaned_data["entities"],
                recommendations=form.recommendations(),
                uploads=form.cleaned_data["attachments"],
            )
        except (MessageRefused, EvidenceRefused) as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "The message is on its way to %(count)d person.",
                "The message is on its way to %(count)d people.",
                message.reached,
            )
            % {"count": message.reached},
        )
        return redirect("workspace:message-detail", state_slug=self.request.state.slug, pk=message.pk)


class MessageObjectMixin:
    """The thread, looked up first: another State's is 404; one the person may not read is 404 too."""

    def dispatch(self, request, *args, **kwargs):
        self.message = get_object_or_404(messages_visible_to(request.user, request.state), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def reply_form(self, data=None, files=None):
        user, state = self.request.user, self.request.state
        secretariat = user.has_perm("consultation.send_messages", state)
        entities = (
            Entity.objects.filter(pk__in=self.message.entity_ids)
            if secretariat
            else focal_point_entities(user, self.message)
        )
        return ReplyForm(data, files, entities=entities, secretariat=secretariat)

    def render_thread(self, form, status=200):
        user, state = self.request.user, self.request.state
        names = Entity.objects.filter(pk__in=self.message.entity_ids).order_by("name")
        return render(
            self.request,
            "consultation/message_detail.html",
            {
                "thread": self.message,
                "posts": posts_visible_to(user, state, self.message),
                "entities": names,
                "form": form if user.has_perm("consultation.reply_to_message", self.message) else None,
                # The recommendations it was written about (when it went to their entities).
                "about": Recommendation.objects.filter(pk__in=self.message.recommendation_ids).select_related(
                    "mechanism"
                )[:ABOUT_SHOWN],
                "about_count": len(self.message.recommendation_ids),
            },
            status=status,
        )


class MessageDetailView(MessageObjectMixin, StatePermissionMixin, View):
    permission_required = "consultation.view_messages"

    def get(self, request, *args, **kwargs):
        return self.render_thread(self.reply_form())


class MessageReplyView(MessageObjectMixin, StatePermissionMixin, View):
    permission_required = "consultation.view_messages"

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm("consultation.reply_to_message", self.message)

    def post(self, request, *args, **kwargs):
        form = self.reply_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                post = reply_add(
                    state=request.state,
                    message=self.message,
                    author=request.user,
                    text=form.cleaned_data["text"],
                    entity=form.cleaned_data["entity"],
                    uploads=form.cleaned_data["attachments"],
                )
            except (MessageRefused, EvidenceRefused) as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("Your reply is sent."))
                url = reverse(
                    "workspace:message-detail", kwargs={"state_slug": request.state.slug, "pk": self.message.pk}
                )
                return HttpResponseRedirect(f"{url}#post-{post.pk}")
        return self.render_thread(form)


class AttachmentDownloadView(StatePermissionMixin, View):
    permission_required = "consultation.view_messages"

    def dispatch(self, request, *args, **kwargs):
        self.attachment = get_object_or_404(Attachment.objects.select_related("post__message"), pk=kwargs["pk"])
        # A file of a post the person may not read is not there for them.
        if not request.user.has_perm("consultation.view_attachment", self.attachment):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        try:
            handle = self.attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=True, filename=self.attachment.name, content_type=self.attachment.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
