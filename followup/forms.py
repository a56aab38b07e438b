"""Forms of the follow-up: plans, actions, indicators, measurements, progress updates and their review.

Build them inside the State's context: their choices are the State's own entities. Forms that
edit a row carry the ``version`` the person loaded; the save is refused as a conflict if the
row has moved on since (followup.workflow, followup.plans).
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followup.evidence import accepted_types
from followup.models import Action, Indicator, Measurement, Plan, ProgressUpdate
from recommendations.models import Entity, Recommendation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(forms.ModelForm):
    """A form that says which version of the row the person edited."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["version"].required = False


def _check_order(form, start: str, end: str, message) -> None:
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, message)


class PlanForm(VersionedForm):
    class Meta:
        model = Plan
        fields = ["title", "kind", "upr_cycle", "description", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def clean(self):
        data = super().clean()
        _check_order(self, "starts_on", "ends_on", _("A plan cannot end before it starts."))
        return data


def parse_ids(text: str) -> list[int]:
    return sorted({int(token) for token in re.findall(r"\d{1,18}", text or "")})


class ActionForm(VersionedForm):
    lead_entity = forms.ModelChoiceField(queryset=None, required=False, label=_("Lead entity"))
    supporting_entities = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("Supporting entities"))
    recommendations = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("Recommendations it answers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick one to take it off the action."),
    )
    add_recommendations = forms.CharField(
        label=_("Add recommendations by number"),
        required=False,
        help_text=_(
            "Their numbers (“#” on the list), separated by spaces or commas. To add many, tick them on the "
            "recommendation list and choose “Link to an action”."
        ),
    )

    class Meta:
        model = Action
        fields = ["title", "description", "lead_entity", "starts_on", "due_on", "budget", "currency", "status"]
        widgets = {"starts_on": DATE, "due_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entities = Entity.objects.order_by("name")
        self.fields["lead_entity"].queryset = entities
        self.fields["supporting_entities"].queryset = entities
        self.fields["recommendations"].queryset = Recommendation.objects.filter(
            pk__in=self.instance.recommendation_ids
        ).select_related("mechanism")
        self.fields["recommendations"].label_from_instance = lambda r: f"#{r.pk} {r.mechanism.code} {r}"
        if self.instance.pk:
            self.fields["supporting_entities"].initial = self.instance.supporting_entity_ids
            self.fields["recommendations"].initial = self.instance.recommendation_ids
        else:
            del self.fields["recommendations"]

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").upper()

    def clean_add_recommendations(self):
        ids = parse_ids(self.cleaned_data.get("add_recommendations", ""))
        found = set(Recommendation.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise forms.ValidationError(
                _("No recommendation of this State has the number %(numbers)s.") % {"numbers": ", ".join(missing)}
            )
        return ids

    def clean(self):
        data = super().clean()
        _check_order(self, "starts_on", "due_on", _("An action cannot be due before it starts."))
        if data.get("budget") is not None and data["budget"] < 0:
            self.add_error("budget", _("A budget cannot be negative."))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        kept = [r.pk for r in data.get("recommendations", [])] if "recommendations" in self.fields else []
        return {
            "title": data["title"],
            "description": data.get("description", ""),
            "lead_entity": data.get("lead_entity"),
            "supporting_entity_ids": sorted(e.pk for e in data.get("supporting_entities", [])),
            "recommendation_ids": sorted({*kept, *data.get("add_recommendations", [])}),
            "starts_on": data.get("starts_on"),
            "due_on": data.get("due_on"),
            "budget": data.get("budget"),
            "currency": data.get("currency", ""),
            "status": data["status"],
        }


class IndicatorForm(VersionedForm):
    class Meta:
        model = Indicator
        fields = [
            "kind",
            "name",
            "description",
            "unit",
            "baseline",
            "baseline_on",
            "target",
            "target_on",
            "data_source",
        ]
        widgets = {"baseline_on": DATE, "target_on": DATE}

    def clean(self):
        data = super().clean()
        _check_order(self, "baseline_on", "target_on", _("The target date cannot be before the baseline date."))
        return data


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["measured_on", "value", "sex", "age_group", "region", "note"]
        widgets = {"measured_on": DATE}

    def clean_measured_on(self):
        measured_on = self.cleaned_data["measured_on"]
        if measured_on > timezone.localdate():
            raise forms.ValidationError(_("A measurement cannot be dated in the future."))
        return measured_on


class EvidenceField(forms.FileField):
    def __init__(self, **kwargs):
        limit = filesizeformat(settings.NRTD_MAX_EVIDENCE_BYTES)
        kwargs.setdefault(
            "help_text",
            _("Optional. %(types)s; at most %(limit)s. You can add more files afterwards.")
            % {"types": accepted_types(), "limit": limit},
        )
        kwargs.setdefault("label", _("Evidence file"))
        super().__init__(**kwargs)


class UpdateForm(VersionedForm):
    entity = forms.ModelChoiceField(queryset=None, label=_("Reporting entity"), empty_label=None)
    evidence = EvidenceField(required=False)

    class Meta:
        model = ProgressUpdate
        fields = ["entity", "implementation_status", "reported_on", "narrative"]
        widgets = {"reported_on": DATE, "narrative": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "narrative": _("What was done, by whom, with which result; sources and figures where you have them."),
            "reported_on": _("The date the information describes."),
        }

    def __init__(self, *args, entity_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The entity of an update does not change; a new one is written for another entity.
            del self.fields["entity"]
            del self.fields["evidence"]
        else:
            self.fields["entity"].queryset = Entity.objects.filter(pk__in=list(entity_ids)).order_by("name")

    def clean_reported_on(self):
        reported_on = self.cleaned_data["reported_on"]
        if reported_on > timezone.localdate():
            raise forms.ValidationError(_("The information cannot be dated in the future."))
        return reported_on

    def clean_narrative(self):
        narrative = self.cleaned_data["narrative"].strip()
        if not narrative:
            raise forms.ValidationError(_("Say what was done."))
        return narrative


class EvidenceForm(forms.Form):
    file = EvidenceField()


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("validate", _("Validate")), ("return", _("Return for correction"))], label=_("Decision")
    )

    def __init__(self, *args, may_validate: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_validate:
            # Four-eyes review: the author or last editor may still send it back, not validate it.
            self.fields["decision"].choices = [("return", _("Return for correction"))]

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to return an update: say what needs correcting."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
