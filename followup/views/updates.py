"""Progress updates: written by an entity's focal point (or the secretariat), reviewed, published."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from followup import workflow
from followup.evidence import EvidenceRefused, evidence_add, evidence_remove
from followup.forms import EvidenceForm, ReviewForm, UpdateForm
from followup.models import Action, DataCollectionRound, Evidence, ProgressUpdate, RoundTask
from followup.queries import history_of, my_entity_ids, reporting_entities, reviewers_of, updates_visible_to
from followup.views.common import conflict_form
from recommendations.extensions import panels_for
from recommendations.models import Entity, Recommendation
from recommendations.queries import recommendations_visible_to
from tenants.history_display import by_day
from tenants.views.mixins import StatePermissionMixin

Status = ProgressUpdate.Status


def _detail(request, update_id: int):
    return redirect("workspace:update-detail", state_slug=request.state.slug, pk=update_id)


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _stale(request, update_id: int):
    messages.error(request, _("This page was out of date: nothing was changed. Here is the update as it is now."))
    return _detail(request, update_id)


class UpdateListView(StatePermissionMixin, TemplateView):
    permission_required = "followup.view_followup"
    template_name = "followup/update_list.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        user, state = self.request.user, self.request.state
        updates = updates_visible_to(user, state).select_related(
            "entity", "recommendation", "recommendation__mechanism", "action"
        )
        status = self.request.GET.get("status", "")
        if status in Status.values:
            updates = updates.filter(status=status)
        entity = self.request.GET.get("entity", "")
        if entity.isdigit():
            updates = updates.filter(entity_id=int(entity))
        if self.request.GET.get("mine") == "1":
            updates = updates.filter(entity_id__in=my_entity_ids(user, state))
        page = Paginator(updates.order_by("-updated_at", "-id"), self.page_size).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            page=page,
            updates=page.object_list,
            statuses=Status.choices,
            status=status,
            entities=Entity.objects.order_by("name"),
            entity=int(entity) if entity.isdigit() else None,
            query=query.urlencode(),
            can_review=user.has_perm("followup.review_updates", state),
            **kwargs,
        )


class UpdateCreateMixin(StatePermissionMixin, FormView):
    """A new update on ``self.subject`` (a recommendation or an action), for one of the entities
    the person may report for; saved as a draft, or submitted at once."""

    permission_required = "followup.report_progress"
    template_name = "followup/update_form.html"
    form_class = UpdateForm

    def dispatch(self, request, *args, **kwargs):
        self.subject = get_object_or_404(self.subject_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def entity_ids(self) -> set[int]:
        if not hasattr(self, "_entity_ids"):
            self._entity_ids = reporting_entities(self.request.user, self.request.state, self.subject)
        return self._entity_ids

    def has_permission(self):
        if not super().has_permission():
            return False
        if not self.entity_ids():
            raise PermissionDenied(_("None of your entities is responsible for this."))
        return True

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": ProgressUpdate(state=self.request.state),
            "entity_ids": self.entity_ids(),
        }

    def get_initial(self):
        initial = super().get_initial()
        entity = self.request.GET.get("entity", "")
        if entity.isdigit() and int(entity) in self.entity_ids():
            initial["entity"] = int(entity)
        elif len(self.entity_ids()) == 1:
            initial["entity"] = next(iter(self.entity_ids()))
        return initial

    def round(self, entity: Entity) -> DataCollectionRound | None:
        """The open round the person reports for (from the task they followed), if it asks this entity."""
        value = self.request.POST.get("round") or self.request.GET.get("round", "")
        if not str(value).isdigit() or not isinstance(self.subject, Recommendation):
            return None
        task = (
            RoundTask.objects.filter(
                round_id=int(value),
                entity=entity,
                recommendation=self.subject,
                round__status=DataCollectionRound.Status.OPEN,
            )
            .select_related("round")
            .first()
        )
        return task.round if task else None

    def get_context_data(self, **kwargs):
        value = self.request.GET.get("round", "")
        return super().get_context_data(subject=self.subject, round_id=value if value.isdigit() else "", **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        entity = data["entity"]
        target = (
            {"recommendation": self.subject} if isinstance(self.subject, Recommendation) else {"action": self.subject}
        )
        try:
            with transaction.atomic():
                update = workflow.update_create(
                    state=self.request.state,
                    user=self.request.user,
                    entity=entity,
                    round=self.round(entity),
                    data=data,
                    **target,
                )
                if data.get("evidence"):
                    evidence_add(update=update, user=self.request.user, upload=data["evidence"])
                if self.request.POST.get("then") == "submit":
                    update = workflow.update_submit(update=update, user=self.request.user, version=update.version)
        except EvidenceRefused as refusal:
            # Nothing was saved; the text stays in the form.
            form.add_error("evidence", str(refusal))
            return self.form_invalid(form)
        if update.status == Status.SUBMITTED:
            messages.success(self.request, _("Your update was submitted to the secretariat for review."))
        else:
            messages.success(self.request, _("Your update was saved as a draft. Submit it when it is ready."))
        return _detail(self.request, update.pk)


class RecommendationUpdateCreateView(UpdateCreateMixin):
    def subject_queryset(self):
        return recommendations_visible_to(self.request.user, self.request.state).select_related("mechanism")


class ActionUpdateCreateView(UpdateCreateMixin):
    def subject_queryset(self):
        return Action.objects.all()


class UpdateObjectMixin:
    """The update, if the person may read it (else 404, as if it were not there)."""

    def dispatch(self, request, *args, **kwargs):
        self.update = get_object_or_404(
            updates_visible_to(request.user, request.state).select_related(
                "entity",
                "recommendation",
                "recommendation__mechanism",
                "action",
                "author",
                "reviewed_by",
                "round",
                "last_edited_by",
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def require_editor(self):
        if not self.request.user.has_perm("followup.change_update", self.update):
            raise PermissionDenied


class UpdateDetailView(UpdateObjectMixin, StatePermissionMixin, DetailView):
    permission_required = "followup.view_followup"
    template_name = "followup/update_detail.html"
    context_object_name = "update"

    def get_object(self, queryset=None):
        return self.update

    def get_context_data(self, **kwargs):
        user, state = self.request.user, self.request.state
        update = self.update
        curator = user.has_perm("followup.review_updates", state)
        may_edit = user.has_perm("followup.change_update", update)
        may_review = curator and update.status == Status.SUBMITTED
        may_validate = user.has_perm("followup.validate_update", update)
        return super().get_context_data(
            evidence=update.evidence.all(),
            may_edit=may_edit and update.editable,
            may_review=may_review,
            may_validate=may_validate,
            # Who may validate it, for the secretariat (four-eyes review leaves out its writers).
            reviewers=reviewers_of(update) if curator and update.status == Status.SUBMITTED else None,
            may_publish=curator and update.status == Status.VALIDATED,
            evidence_form=EvidenceForm() if may_edit and update.editable else None,
            review_form=ReviewForm(initial={"version": update.version}, may_validate=may_validate),
            history=by_day(history_of(update, limit=50)),
            panels=panels_for(request=self.request, obj=update),
            **kwargs,
        )


class UpdateEditView(UpdateObjectMixin, StatePermissionMixin, FormView):
    permission_required = "followup.report_progress"
    template_name = "followup/update_form.html"
    form_class = UpdateForm

    def has_permission(self):
        return super().has_permission() and self.request.user.has_perm("followup.change_update", self.update)

    def get(self, request, *args, **kwargs):
        if not self.update.editable:
            messages.info(request, _("This update has been submitted; it can no longer be changed."))
            return _detail(request, self.update.pk)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.update}

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.update.subject, update=self.update, **kwargs)

    def form_valid(self, form):
        try:
            update = workflow.update_edit(
                update=self.update, version=form.cleaned_data["version"], data=form.cleaned_data, user=self.request.user
            )
            if self.request.POST.get("then") == "submit":
                update = workflow.update_submit(update=update, user=self.request.user, version=update.version)
        except workflow.Conflict as conflict:
            messages.error(self.request, str(conflict))
            retry = conflict_form(form, conflict.current)
            return self.render_to_response(self.get_context_data(form=retry, conflict=conflict.current))
        except workflow.TransitionRefused as refusal:
            messages.error(self.request, str(refusal))
            return self.render_to_response(self.get_context_data(form=form, conflict=refusal.current))
        if update.status == Status.SUBMITTED:
            messages.success(self.request, _("Your update was submitted to the secretariat for review."))
        else:
            messages.success(self.request, _("Your changes were saved."))
        return _detail(self.request, update.pk)


class UpdateActionView(UpdateObjectMixin, StatePermissionMixin, View):
    """A workflow step posted from the update's page, with the version the person saw."""

    def post(self, request, *args, **kwargs):
        version = _version(request)
        if version is None:
            return _stale(request, self.update.pk)
        try:
            response = self.step(request, version)
        except workflow.Conflict:
            return _stale(request, self.update.pk)
        except workflow.WorkflowError as refusal:
            messages.error(request, str(refusal))
            return _detail(request, self.update.pk)
        return response or _detail(request, self.update.pk)


class UpdateSubmitView(UpdateActionView):
    permission_required = "followup.report_progress"

    def step(self, request, version):
        self.require_editor()
        workflow.update_submit(update=self.update, user=request.user, version=version)
        messages.success(request, _("Your update was submitted to the secretariat for review."))


class UpdateReviewView(UpdateActionView):
    permission_required = "followup.review_updates"

    def step(self, request, version):
        # Every choice is accepted here: the workflow refuses a validation four-eyes review forbids,
        # with a message naming who may validate it.
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether to validate the update or return it."))
            return None
        if form.cleaned_data["decision"] == "validate":
            workflow.update_validate(
                update=self.update, user=request.user, version=version, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("The update was validated; it now sets the implementation status."))
        else:
            workflow.update_return(
                update=self.update, user=request.user, version=version, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("The update was returned to %(entity)s.") % {"entity": self.update.entity})


class UpdatePublishView(UpdateActionView):
    permission_required = "followup.review_updates"

    def step(self, request, version):
        workflow.update_publish(update=self.update, user=request.user, version=version)
        messages.success(request, _("The update was published."))


class UpdateDeleteView(UpdateActionView):
    permission_required = "followup.report_progress"

    def step(self, request, version):
        self.require_editor()
        subject = self.update.subject
        workflow.update_delete(update=self.update, version=version)
        messages.success(request, _("The draft was deleted."))
        name = "recommendation-detail" if isinstance(subject, Recommendation) else "action-detail"
        return redirect(f"workspace:{name}", state_slug=request.state.slug, pk=subject.pk)


class UpdatePublishBulkView(StatePermissionMixin, View):
    permission_required = "followup.review_updates"

    def post(self, request, *args, **kwargs):
        ids = [int(pk) for pk in request.POST.getlist("update") if pk.isdigit()]
        published = workflow.updates_publish(state=request.state, user=request.user, ids=ids)
        if published:
            messages.success(request, _("%(count)d validated updates were published.") % {"count": published})
        else:
            messages.error(request, _("Tick the validated updates to publish."))
        return redirect(
            reverse("workspace:update-list", kwargs={"state_slug": request.state.slug}) + "?status=validated"
        )


class EvidenceAddView(UpdateObjectMixin, StatePermissionMixin, View):
    permission_required = "followup.report_progress"

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("followup.change_update", self.update):
            raise PermissionDenied
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a file to add."))
        else:
            try:
                evidence = evidence_add(update=self.update, user=request.user, upload=form.cleaned_data["file"])
            except EvidenceRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("“%(name)s” was added.") % {"name": evidence.name})
        return _detail(request, self.update.pk)


class EvidenceObjectMixin:
    def dispatch(self, request, *args, **kwargs):
        self.evidence = get_object_or_404(
            Evidence.objects.filter(update__in=updates_visible_to(request.user, request.state)).select_related(
                "update"
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)


class EvidenceDownloadView(EvidenceObjectMixin, StatePermissionMixin, View):
    permission_required = "followup.view_followup"

    def get(self, request, *args, **kwargs):
        try:
            handle = self.evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=True, filename=self.evidence.name, content_type=self.evidence.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class EvidenceRemoveView(EvidenceObjectMixin, StatePermissionMixin, View):
    permission_required = "followup.report_progress"

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("followup.change_update", self.evidence.update):
            raise PermissionDenied
        try:
            evidence_remove(evidence=self.evidence, user=request.user)
        except EvidenceRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("“%(name)s” was removed.") % {"name": self.evidence.name})
        return _detail(request, self.evidence.update_id)
