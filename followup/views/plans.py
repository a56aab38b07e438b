"""Implementation plans, their actions, indicators and measurements."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from followup.forms import ActionForm, IndicatorForm, MeasurementForm, PlanForm
from followup.models import Action, Indicator, Measurement, Plan
from followup.plans import measurement_add, plan_progress
from followup.queries import history_of, updates_visible_to
from followup.views.common import ObjectMixin, VersionedFormView
from recommendations.extensions import panels_for
from recommendations.models import Recommendation
from tenants.history_display import by_day
from tenants.views.mixins import StatePermissionMixin


def _go(request, name: str, pk: int):
    return redirect(f"workspace:{name}", state_slug=request.state.slug, pk=pk)


class PlanListView(StatePermissionMixin, ListView):
    permission_required = "followup.view_followup"
    template_name = "followup/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        return Plan.objects.annotate(
            action_count=Count("actions"),
            completed=Count("actions", filter=Q(actions__status=Action.Status.COMPLETED)),
        )


class PlanFormView(VersionedFormView):
    permission_required = "followup.manage_plans"
    template_name = "followup/plan_form.html"
    form_class = PlanForm

    def new_instance(self):
        return Plan(state=self.request.state)

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.instance, **kwargs)

    def saved(self, obj):
        messages.success(self.request, _("The plan “%(title)s” was saved.") % {"title": obj.title})
        return _go(self.request, "plan-detail", obj.pk)


class PlanCreateView(PlanFormView):
    pass


class PlanEditView(ObjectMixin, PlanFormView):
    lookup_model = Plan

    def get_instance(self):
        self.instance = self.object
        return self.object


class PlanDetailView(ObjectMixin, StatePermissionMixin, DetailView):
    permission_required = "followup.view_followup"
    template_name = "followup/plan_detail.html"
    lookup_model = Plan
    context_object_name = "plan"

    def get_object(self, queryset=None):
        return self.object

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            actions=self.object.actions.select_related("lead_entity").annotate(indicator_count=Count("indicators")),
            progress=plan_progress(self.object),
            history=by_day(history_of(self.object, limit=30)),
            **kwargs,
        )


class ActionFormView(VersionedFormView):
    permission_required = "followup.manage_plans"
    template_name = "followup/action_form.html"
    form_class = ActionForm

    def values(self, form) -> dict:
        return form.values()

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.instance, plan=self.get_plan(), **kwargs)

    def saved(self, obj):
        messages.success(self.request, _("The action “%(title)s” was saved.") % {"title": obj.title})
        return _go(self.request, "action-detail", obj.pk)


class ActionCreateView(ObjectMixin, ActionFormView):
    lookup_model = Plan

    def get_plan(self):
        return self.object

    def new_instance(self):
        return Action(state=self.request.state, plan=self.object)

    def get_initial(self):
        initial = super().get_initial()
        ids = [pk for pk in self.request.GET.getlist("recommendation") if pk.isdigit()]
        if ids:
            initial["add_recommendations"] = " ".join(ids)
        return initial


class ActionEditView(ObjectMixin, ActionFormView):
    lookup_model = Action
    lookup_related = ("plan",)

    def get_plan(self):
        return self.object.plan

    def get_instance(self):
        self.instance = self.object
        return self.object


class ActionDetailView(ObjectMixin, StatePermissionMixin, DetailView):
    permission_required = "followup.view_followup"
    template_name = "followup/action_detail.html"
    lookup_model = Action
    lookup_related = ("plan", "lead_entity")
    context_object_name = "action"

    def get_object(self, queryset=None):
        return self.object

    def get_context_data(self, **kwargs):
        user, state = self.request.user, self.request.state
        action = self.object
        return super().get_context_data(
            recommendations=action.recommendations,
            supporting=action.supporting_entities,
            indicators=action.indicators.all(),
            updates=updates_visible_to(user, state).filter(action=action).select_related("entity"),
            can_report=user.has_perm("followup.report_on", action),
            history=by_day(history_of(action, limit=50)),
            panels=panels_for(request=self.request, obj=action),
            **kwargs,
        )


class IndicatorFormView(VersionedFormView):
    permission_required = "followup.manage_plans"
    template_name = "followup/indicator_form.html"
    form_class = IndicatorForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(indicator=self.instance, subject=self.subject(), **kwargs)

    def saved(self, obj):
        messages.success(self.request, _("The indicator “%(name)s” was saved.") % {"name": obj.name})
        return _go(self.request, "indicator-detail", obj.pk)


class ActionIndicatorCreateView(ObjectMixin, IndicatorFormView):
    lookup_model = Action

    def subject(self):
        return self.object

    def new_instance(self):
        return Indicator(state=self.request.state, action=self.object)


class RecommendationIndicatorCreateView(ObjectMixin, IndicatorFormView):
    lookup_model = Recommendation

    def subject(self):
        return self.object

    def new_instance(self):
        return Indicator(state=self.request.state, recommendation=self.object)


class IndicatorEditView(ObjectMixin, IndicatorFormView):
    lookup_model = Indicator
    lookup_related = ("action", "recommendation")

    def subject(self):
        return self.object.action or self.object.recommendation

    def get_instance(self):
        self.instance = self.object
        return self.object


class IndicatorDetailView(ObjectMixin, StatePermissionMixin, DetailView):
    permission_required = "followup.view_followup"
    template_name = "followup/indicator_detail.html"
    lookup_model = Indicator
    lookup_related = ("action", "recommendation", "recommendation__mechanism")
    context_object_name = "indicator"
    form = None

    def get_object(self, queryset=None):
        return self.object

    def get_context_data(self, **kwargs):
        indicator = self.object
        may = self.request.user.has_perm("followup.add_measurement", indicator)
        return super().get_context_data(
            subject=indicator.action or indicator.recommendation,
            measurements=indicator.measurements.select_related("created_by"),
            measurement_form=(self.form or MeasurementForm()) if may else None,
            can_delete=self.request.user.has_perm("followup.manage_plans", self.request.state),
            history=by_day(history_of(indicator, limit=30)),
            **kwargs,
        )


class MeasurementAddView(IndicatorDetailView):
    """A new measurement; a form with errors shows the indicator's page again, with them."""

    permission_required = "followup.view_followup"

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("followup.add_measurement", self.object):
            raise PermissionDenied
        self.form = MeasurementForm(request.POST)
        if not self.form.is_valid():
            return self.render_to_response(self.get_context_data(object=self.object))
        measurement_add(state=request.state, indicator=self.object, user=request.user, values=self.form.cleaned_data)
        messages.success(request, _("The measurement was added."))
        return _go(request, "indicator-detail", self.object.pk)

    def get(self, request, *args, **kwargs):
        return _go(request, "indicator-detail", self.object.pk)


class MeasurementDeleteView(ObjectMixin, StatePermissionMixin, View):
    permission_required = "followup.manage_plans"
    lookup_model = Measurement

    def post(self, request, *args, **kwargs):
        indicator_id = self.object.indicator_id
        self.object.delete()
        messages.success(request, _("The measurement was deleted."))
        return _go(request, "indicator-detail", indicator_id)
