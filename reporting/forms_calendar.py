"""Forms of the calendar of obligations. Build them inside the State's context: the entities are
the State's own. Edits carry the ``version`` the person loaded (followup.forms.VersionedForm)."""

from __future__ import annotations

from django import forms
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followup.forms import DATE, VersionedForm
from recommendations.models import Entity, Mechanism
from reporting.calendar import OVERDUE
from reporting.models import ReportingObligation

Kind = ReportingObligation.Kind
Status = ReportingObligation.Status

# Kinds that belong to one kind of mechanism only.
KIND_NEEDS_MECHANISM = {
    Kind.UPR_NATIONAL: Mechanism.Kind.UPR,
    Kind.UPR_MIDTERM: Mechanism.Kind.UPR,
    Kind.SP_VISIT: Mechanism.Kind.SPECIAL_PROCEDURE,
    Kind.SP_COMMUNICATION: Mechanism.Kind.SPECIAL_PROCEDURE,
}


def mechanisms():
    """The mechanisms, UPR first, then treaty bodies, special procedures, regional ones, others."""
    order = [Mechanism.Kind.UPR, Mechanism.Kind.TREATY_BODY, Mechanism.Kind.SPECIAL_PROCEDURE, Mechanism.Kind.REGIONAL]
    rank = Case(*(When(kind=kind, then=Value(n)) for n, kind in enumerate(order)), default=Value(len(order)))
    return Mechanism.objects.annotate(kind_rank=rank).order_by("kind_rank", "code")


def _check_submission(form, data: dict) -> None:
    """A submitted obligation has its submission date (not in the future); others have none."""
    status, submitted_on = data.get("status"), data.get("submitted_on")
    if status == Status.SUBMITTED and not submitted_on:
        form.add_error("submitted_on", _("Give the date it was submitted."))
    if submitted_on and submitted_on > timezone.localdate():
        form.add_error("submitted_on", _("The submission date cannot be in the future."))
    if status != Status.SUBMITTED:
        data["submitted_on"] = None


class ObligationForm(VersionedForm):
    mechanism = forms.ModelChoiceField(queryset=None, label=_("Mechanism"))
    entities = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("Entities involved"),
        help_text=_("Their focal points see the obligation on their calendar too."),
    )

    class Meta:
        model = ReportingObligation
        fields = ["mechanism", "kind", "title", "due_on", "status", "submitted_on", "reference", "entities", "notes"]
        widgets = {"due_on": DATE, "submitted_on": DATE, "notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "due_on": _("“Suggest a date” fills it in from the mechanism's usual periodicity; you decide."),
            "submitted_on": _("Only for a submitted report or reply."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mechanism"].queryset = mechanisms()
        self.fields["entities"].queryset = Entity.objects.order_by("name")
        if self.instance.pk:
            self.fields["entities"].initial = self.instance.entity_ids
        # A suggestion needs no date yet.
        self.fields["due_on"].required = False

    def clean(self):
        data = super().clean()
        mechanism, kind = data.get("mechanism"), data.get("kind")
        needed = KIND_NEEDS_MECHANISM.get(kind)
        if mechanism and needed and mechanism.kind != needed:
            self.add_error(
                "kind",
                _("A %(kind)s goes to a mechanism of the kind “%(needed)s”.")
                % {"kind": Kind(kind).label.lower(), "needed": Mechanism.Kind(needed).label},
            )
        if not data.get("due_on"):
            self.add_error("due_on", _("Give the due date, or ask for a suggestion."))
        _check_submission(self, data)
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "mechanism": data["mechanism"],
            "kind": data["kind"],
            "title": data["title"],
            "due_on": data["due_on"],
            "status": data["status"],
            "submitted_on": data.get("submitted_on"),
            "reference": data.get("reference", ""),
            "entity_ids": sorted(e.pk for e in data.get("entities", [])),
            "notes": data.get("notes", ""),
        }


class StatusForm(forms.Form):
    """The quick status change: planned → drafting → submitted (with the date it went)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(choices=Status.choices, label=_("Status"))
    submitted_on = forms.DateField(label=_("Submitted on"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        _check_submission(self, data)
        return data


class CalendarFilterForm(forms.Form):
    mechanism = forms.ModelChoiceField(queryset=None, required=False, label=_("Mechanism"), empty_label=_("All"))
    kind = forms.ChoiceField(required=False, label=_("Kind"))
    status = forms.ChoiceField(required=False, label=_("Status"))
    entity = forms.ModelChoiceField(queryset=None, required=False, label=_("Entity involved"), empty_label=_("All"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mechanism"].queryset = mechanisms()
        self.fields["entity"].queryset = Entity.objects.order_by("name")
        self.fields["kind"].choices = [("", _("All")), *Kind.choices]
        self.fields["status"].choices = [("", _("All")), *Status.choices, (OVERDUE, _("Overdue"))]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "mechanism": data["mechanism"].pk if data.get("mechanism") else None,
            "kind": data.get("kind") or "",
            "status": data.get("status") or "",
            "entity": data["entity"].pk if data.get("entity") else None,
        }
