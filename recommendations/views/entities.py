"""Responsible entities and their focal points."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import CharField, Count
from django.db.models.functions import Coalesce, Lower
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from recommendations.curation_forms import EntityForm, FocalPointInviteForm
from recommendations.entities import EntityInUse, entity_delete, entity_uses, focal_point_remove
from recommendations.models import Entity, FocalPoint, Recommendation
from recommendations.people import focal_point_invite
from tenants.history_display import by_day, render
from tenants.models import HistoryEntry, Invitation
from tenants.people import PeopleError
from tenants.views.mixins import StatePermissionMixin


def entity_tree(entities: list[Entity]) -> list[tuple[Entity, int]]:
    """Entities in tree order (parents before their parts), with their depth."""
    children: dict[int | None, list[Entity]] = {}
    for entity in entities:
        children.setdefault(entity.parent_id, []).append(entity)
    ordered: list[tuple[Entity, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for entity in children.get(parent, []):
            if entity.pk not in seen:
                seen.add(entity.pk)
                ordered.append((entity, depth))
                walk(entity.pk, depth + 1)

    walk(None, 0)
    return ordered


class EntityListView(StatePermissionMixin, ListView):
    permission_required = "recommendations.view_recommendation"
    template_name = "recommendations/entity_list.html"

    def get_queryset(self):
        # By the name as shown: in the current language, else the first language it has (as
        # modeltranslation falls back), not with the untranslated ones last.
        current = get_language().replace("-", "_")
        columns = [f"name_{current}", *(f"name_{code.replace('-', '_')}" for code, _n in settings.LANGUAGES)]
        return Entity.objects.annotate(focal_point_count=Count("focal_points")).order_by(
            Lower(Coalesce(*dict.fromkeys(columns), output_field=CharField())), "pk"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # order_by(): the default order (set explicitly by modeltranslation) would be grouped by too.
        lead = dict(
            Recommendation.objects.exclude(lead_entity=None)
            .order_by()
            .values_list("lead_entity")
            .annotate(n=Count("pk"))
            .values_list("lead_entity", "n")
        )
        rows = entity_tree(list(context["object_list"]))
        context["rows"] = [(entity, depth, lead.get(entity.pk, 0)) for entity, depth in rows]
        return context


class EntityFormView(StatePermissionMixin, FormView):
    permission_required = "recommendations.manage_entities"
    template_name = "recommendations/entity_form.html"
    form_class = EntityForm
    entity = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.entity or Entity(state=self.request.state)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(entity=self.entity, **kwargs)

    def form_valid(self, form):
        entity = form.save()
        messages.success(self.request, _("The entity “%(name)s” was saved.") % {"name": entity})
        return redirect("workspace:entity-detail", state_slug=self.request.state.slug, pk=entity.pk)


class EntityCreateView(EntityFormView):
    pass


class EntityObjectMixin:
    def dispatch(self, request, *args, **kwargs):
        self.entity = get_object_or_404(Entity.objects.all(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class EntityEditView(EntityObjectMixin, EntityFormView):
    pass


class EntityDetailView(EntityObjectMixin, StatePermissionMixin, DetailView):
    permission_required = "recommendations.view_recommendation"
    template_name = "recommendations/entity_detail.html"
    context_object_name = "entity"

    def get_object(self, queryset=None):
        return self.entity

    def get_context_data(self, **kwargs):
        history = (
            HistoryEntry.objects.filter(table_name=Entity._meta.db_table, row_id=str(self.entity.pk))
            .select_related("context")
            .order_by("-changed_at", "-id")[:50]
        )
        return super().get_context_data(
            focal_points=self.entity.focal_points.select_related("membership__user"),
            invitations=Invitation.objects.filter(
                entity_ids__contains=[self.entity.pk], accepted_at__isnull=True, cancelled_at__isnull=True
            ).order_by("email"),
            children=self.entity.children.all(),
            uses=entity_uses(self.entity),
            invite_form=FocalPointInviteForm(),
            history_days=by_day(render(list(history), state=self.request.state)),
            **kwargs,
        )


class EntityDeleteView(EntityObjectMixin, StatePermissionMixin, View):
    permission_required = "recommendations.manage_entities"

    def post(self, request, *args, **kwargs):
        try:
            entity_delete(entity=self.entity)
        except EntityInUse as error:
            uses = error.args[0]
            if uses["recommendations"] or uses["children"]:
                messages.error(
                    request,
                    _(
                        "“%(name)s” cannot be deleted: %(recommendations)d recommendations are assigned to it and "
                        "%(children)d entities are part of it. Reassign them first."
                    )
                    % {"name": self.entity, **uses},
                )
            if uses["followup"]:
                messages.error(
                    request,
                    _(
                        "“%(name)s” cannot be deleted: %(followup)d actions, progress updates or round tasks "
                        "are kept in its name."
                    )
                    % {"name": self.entity, **uses},
                )
            # What the other apps above keep in its name (recommendations.extensions).
            known = {"recommendations", "children", "followup"}
            others = sum(count for name, count in uses.items() if name not in known)
            if others:
                messages.error(
                    request,
                    ngettext(
                        "“%(name)s” cannot be deleted: %(count)d other record (such as a message to the network) "
                        "is kept in its name.",
                        "“%(name)s” cannot be deleted: %(count)d other records (such as messages to the network) "
                        "are kept in its name.",
                        others,
                    )
                    % {"name": self.entity, "count": others},
                )
            return redirect("workspace:entity-detail", state_slug=request.state.slug, pk=self.entity.pk)
        messages.success(request, _("The entity was deleted."))
        return redirect("workspace:entity-list", state_slug=request.state.slug)


class FocalPointInviteView(EntityObjectMixin, StatePermissionMixin, FormView):
    permission_required = "recommendations.manage_entities"
    template_name = "recommendations/focal_point_form.html"
    form_class = FocalPointInviteForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(entity=self.entity, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            outcome = focal_point_invite(
                state=self.request.state,
                entity=self.entity,
                email=data["email"],
                name=data["name"],
                kind=data["kind"],
                invited_by=self.request.user,
            )
        except PeopleError as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        # Whether the address has an account is not said: an account belongs to the whole site,
        # and whether it exists is not this State's business. Whether they are a member is.
        if isinstance(outcome, FocalPoint):
            text = _("%(email)s is now a focal point of %(entity)s; an e-mail told them.")
            email = outcome.membership.user.email
        else:
            text = _(
                "%(email)s is invited to be a focal point of %(entity)s; the e-mail's link works for %(days)d days."
            )
            email = outcome.email
        messages.success(
            self.request,
            text % {"email": email, "entity": self.entity, "days": settings.NRTD_INVITATION_DAYS},
        )
        return redirect("workspace:entity-detail", state_slug=self.request.state.slug, pk=self.entity.pk)


class FocalPointRemoveView(StatePermissionMixin, View):
    permission_required = "recommendations.manage_entities"

    def dispatch(self, request, *args, **kwargs):
        self.focal_point = get_object_or_404(FocalPoint.objects.select_related("membership__user"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        entity_id = self.focal_point.entity_id
        focal_point_remove(focal_point=self.focal_point)
        messages.success(
            request,
            _("%(person)s is no longer a focal point of this entity.") % {"person": self.focal_point.membership.user},
        )
        return redirect("workspace:entity-detail", state_slug=request.state.slug, pk=entity_id)
