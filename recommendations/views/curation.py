"""Curation pages: a recommendation's curation, bulk actions on a filtered list, saved views, export."""

from __future__ import annotations

import pghistory
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView

from nrtd.ratelimit import RateLimitMixin
from recommendations import curation, extensions
from recommendations.curation_forms import BulkActionForm, CurationForm, SavedViewForm
from recommendations.exports import export_response, filters_of
from recommendations.filters import RecommendationFilter
from recommendations.models import SavedView
from recommendations.queries import recommendations_visible_to
from recommendations.services import StaleEdit
from tenants.views.mixins import StatePermissionMixin


def list_url(request, query: str = "") -> str:
    url = reverse("workspace:recommendation-list", kwargs={"state_slug": request.state.slug})
    return f"{url}?{query}" if query else url


def filtered(request, query: str):
    """The recommendations the list shows for ``query`` (its filters), or None when the filters are invalid."""
    filterset = RecommendationFilter(
        QueryDict(query), queryset=recommendations_visible_to(request.user, request.state), request=request
    )
    return filterset.qs if filterset.is_valid() else None


class RecommendationCurateView(StatePermissionMixin, FormView):
    permission_required = "recommendations.curate_recommendation"
    template_name = "recommendations/curate_form.html"
    form_class = CurationForm

    def dispatch(self, request, *args, **kwargs):
        self.recommendation = get_object_or_404(
            recommendations_visible_to(request.user, request.state), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return CurationForm.initial_for(self.recommendation)

    def get_context_data(self, **kwargs):
        return super().get_context_data(recommendation=self.recommendation, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            curation.recommendation_curate(
                recommendation=self.recommendation,
                clusters=list(data["clusters"]),
                primary_cluster=data["primary_cluster"],
                lead_entity=data["lead_entity"],
                supporting_entities=list(data["supporting_entities"]),
                priority_factors=data["priority_factors"],
                seen_updated_at=data["seen_updated_at"],
            )
        except StaleEdit:
            form.add_error(
                None,
                _(
                    "Someone else saved this recommendation while you were editing it. Your choices are still in "
                    "the form below; check the recommendation's page for their change, then save again."
                ),
            )
            self.recommendation.refresh_from_db()
            form.data = form.data.copy()
            form.data["seen_updated_at"] = self.recommendation.updated_at.isoformat()
            return self.form_invalid(form)
        messages.success(self.request, _("The curation was saved."))
        return redirect(
            "workspace:recommendation-detail", state_slug=self.request.state.slug, pk=self.recommendation.pk
        )


# Above this many recommendations, a bulk action asks first (a page that says how many).
BULK_CONFIRM_ABOVE = 50
# The bulk actions that can be undone from their confirmation message: those that change only
# the recommendations' own curation columns (curation.BULK_COLUMNS).
UNDOABLE = frozenset(
    {
        "assign_lead",
        "assign_supporting",
        "unassign",
        "cluster_add",
        "cluster_primary",
        "cluster_remove",
        "factor_on",
        "factor_off",
        "publish",
        "unpublish",
    }
)
# The person's last bulk change in the session: shown once on the list, with "Undo" while undoable.
LAST_BULK = "nrtd_last_bulk_change"


def last_bulk_change(request, *, consume: bool) -> dict | None:
    """The person's last bulk change in this State (from their session), or None. With
    ``consume``, it is shown once: the next call without a new change finds it shown."""
    last = request.session.get(LAST_BULK)
    if not last or last.get("state") != request.state.pk:
        return None
    if consume:
        if last.get("shown"):
            return None
        request.session[LAST_BULK] = {**last, "shown": True}
    return last


class BulkActionView(StatePermissionMixin, View):
    """One action on many recommendations: those ticked, or all the filters match. Above
    BULK_CONFIRM_ABOVE recommendations a page asks to confirm first; the change is then kept in
    the person's session so that its message can undo it (RecommendationBulkUndoView)."""

    permission_required = "recommendations.curate_recommendation"

    def post(self, request, *args, **kwargs):
        form = BulkActionForm(request.POST)
        query = request.POST.get("query", "")
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return HttpResponseRedirect(list_url(request, query))
        data = form.cleaned_data
        selection = filtered(request, data["query"])
        if selection is None:
            messages.error(request, _("The filters of the list are not valid; nothing was changed."))
            return HttpResponseRedirect(list_url(request, query))
        if data["scope"] == "selected":
            selection = selection.filter(pk__in=data["ids"])
        if not request.POST.get("confirmed"):
            reach = curation.selection_with_related(selection) if data["with_related"] else selection
            count = reach.order_by().count()
            if count > BULK_CONFIRM_ABOVE:
                return self.confirm(request, form, count, query)
        action = data["action"]
        with pghistory.context(bulk_action=action) as history:
            changed = self.apply(request, data, selection)
        if changed is not None:
            request.session[LAST_BULK] = {
                "state": request.state.pk,
                "context": str(history.id),
                "action": action,
                "count": changed,
                "undoable": action in UNDOABLE and changed > 0,
                "query": query,
                "shown": False,
            }
        return HttpResponseRedirect(list_url(request, query))

    def confirm(self, request, form, count: int, query: str):
        """The page that asks before changing more than BULK_CONFIRM_ABOVE recommendations: it
        posts the same fields again, with ``confirmed``."""
        fields = [
            (name, value)
            for name in request.POST
            if name not in ("csrfmiddlewaretoken", "confirmed")
            for value in request.POST.getlist(name)
        ]
        return render(
            request,
            "recommendations/bulk_confirm.html",
            {
                "count": count,
                "action_label": dict(form.fields["action"].choices).get(form.cleaned_data["action"], ""),
                "fields": fields,
                "back_url": list_url(request, query),
            },
        )

    def apply(self, request, data, selection) -> int | None:
        action = data["action"]
        if action in ("assign_lead", "assign_supporting"):
            return curation.recommendations_assign(
                selection=selection,
                entity=data["entity"],
                lead=action == "assign_lead",
                with_related=data["with_related"],
            )
        if action == "unassign":
            return curation.recommendations_unassign(selection=selection, entity=data["entity"])
        if action in ("cluster_add", "cluster_primary"):
            return curation.recommendations_cluster(
                selection=selection, cluster=data["cluster"], primary=action == "cluster_primary"
            )
        if action == "cluster_remove":
            return curation.recommendations_uncluster(selection=selection, cluster=data["cluster"])
        if action in ("factor_on", "factor_off"):
            return curation.recommendations_set_factor(
                selection=selection, factor=data["factor"], on=action == "factor_on"
            )
        if action in ("publish", "unpublish"):
            return curation.recommendations_publish(selection=selection, published=action == "publish")
        extra = extensions.BULK_ACTIONS.get(action)
        if extra is not None:
            return extra.run(selection=selection, value=data[extra.field_name])
        group = curation.recommendations_relate(state=request.state, selection=selection, user=request.user)
        if group is None:
            messages.error(request, _("Choose at least two recommendations to group them as related."))
            return None
        count = group.recommendations.count()
        messages.success(
            request,
            ngettext(
                "%(count)d recommendation is now in one group of related recommendations.",
                "%(count)d recommendations are now in one group of related recommendations.",
                count,
            )
            % {"count": count},
        )
        return None


class RecommendationBulkUndoView(StatePermissionMixin, View):
    """Undo the person's last bulk change in this State, from its confirmation message."""

    permission_required = "recommendations.curate_recommendation"

    def post(self, request, *args, **kwargs):
        last = last_bulk_change(request, consume=False)
        if last is None or not last.get("undoable"):
            messages.error(request, _("There is no bulk change of yours to undo here."))
            return HttpResponseRedirect(list_url(request))
        restored, left = curation.recommendations_bulk_undo(state=request.state, context_id=last["context"])
        del request.session[LAST_BULK]
        messages.success(
            request,
            ngettext(
                "Undone: %(count)d recommendation is back as it was.",
                "Undone: %(count)d recommendations are back as they were.",
                restored,
            )
            % {"count": restored},
        )
        if left:
            messages.warning(
                request,
                ngettext(
                    "%(count)d recommendation was changed again since, and was left as it is.",
                    "%(count)d recommendations were changed again since, and were left as they are.",
                    left,
                )
                % {"count": left},
            )
        return HttpResponseRedirect(list_url(request, last.get("query", "")))


class RecommendationUnrelateView(StatePermissionMixin, View):
    permission_required = "recommendations.curate_recommendation"

    def dispatch(self, request, *args, **kwargs):
        self.recommendation = get_object_or_404(
            recommendations_visible_to(request.user, request.state), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        curation.recommendation_unrelate(recommendation=self.recommendation)
        messages.success(request, _("The recommendation is no longer grouped with others."))
        return redirect("workspace:recommendation-detail", state_slug=request.state.slug, pk=self.recommendation.pk)


class ExportView(RateLimitMixin, StatePermissionMixin, View):
    # Counted per client address before anything is read (NRTD_RATE_WORKSPACE_EXPORT).
    rate_scope = "workspace_export"

    """The filtered list as a spreadsheet (``?format=xlsx`` or ``csv``)."""

    permission_required = "recommendations.view_recommendation"

    def get(self, request, *args, **kwargs):
        query = request.GET.copy()
        kind = query.pop("format", ["xlsx"])[-1]
        query.pop("page", None)
        filterset = RecommendationFilter(
            query, queryset=recommendations_visible_to(request.user, request.state), request=request
        )
        if not filterset.is_valid() or kind not in ("xlsx", "csv"):
            messages.error(request, _("The filters of the list are not valid; nothing was exported."))
            return HttpResponseRedirect(list_url(request, query.urlencode()))
        return export_response(
            state=request.state, recommendations=filterset.qs, kind=kind, filters=filters_of(filterset)
        )


class SavedViewCreateView(StatePermissionMixin, View):
    permission_required = "recommendations.view_recommendation"

    def post(self, request, *args, **kwargs):
        form = SavedViewForm(request.POST)
        query = request.POST.get("query", "")
        if form.is_valid():
            view = form.save(commit=False)
            view.state, view.owner = request.state, request.user
            if SavedView.objects.filter(owner=request.user, name=view.name).exists():
                messages.error(request, _("You already have a view with this name."))
            else:
                view.save()
                messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
        else:
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
        return HttpResponseRedirect(list_url(request, query))


class SavedViewDeleteView(StatePermissionMixin, View):
    permission_required = "recommendations.view_recommendation"

    def dispatch(self, request, *args, **kwargs):
        self.view = get_object_or_404(SavedView.objects.all(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.view.owner_id != request.user.pk and not request.user.has_perm("tenants.manage_state", request.state):
            messages.error(request, _("Only the person who saved a view, or an administrator, may delete it."))
        else:
            self.view.delete()
            messages.success(request, _("The view was deleted."))
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = list_url(request)
        return HttpResponseRedirect(back)


def saved_views_for(request):
    """Views the person kept, and those others shared."""
    return SavedView.objects.filter(Q(owner=request.user) | Q(shared=True)).select_related("owner")
