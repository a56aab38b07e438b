"""The forms that ask for a report draft, one per kind (build them inside the State's context)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Max, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from recommendations.models import Entity, Mechanism, Recommendation
from reporting.models import ReportDraft, ReportingObligation
from reporting.returns import MAX_BYTES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DraftForm(forms.Form):
    """What every kind asks: the language of the draft and, optionally, its title."""

    kind: str = ""

    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty for a title made from what you choose below."),
    )
    language = forms.ChoiceField(
        label=_("Language of the draft"),
        choices=settings.LANGUAGES,
        help_text=_(
            "Headings and labels come in this language; a recommendation not translated into it is given in "
            "its original text, marked as such."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        languages = dict(settings.LANGUAGES)
        active = translation.get_language() or settings.LANGUAGE_CODE
        self.fields["language"].initial = active if active in languages else settings.LANGUAGE_CODE

    def parameters(self) -> dict:
        raise NotImplementedError

    def obligation(self) -> ReportingObligation | None:
        return None


def _mechanisms_in_use():
    return Mechanism.objects.filter(pk__in=Recommendation.objects.order_by().values("mechanism_id"))


def _documents() -> list[tuple[str, str, int, object]]:
    """The State's document symbols with their mechanism and latest date of issue, newest first."""
    rows = (
        Recommendation.objects.exclude(symbol="")
        .order_by()
        .values("symbol", "mechanism_id", "mechanism__code")
        .annotate(issued_on=Max("issued_on"))
    )
    return sorted(
        ((r["symbol"], r["mechanism__code"], r["mechanism_id"], r["issued_on"]) for r in rows),
        key=lambda d: (d[1], -(d[3].toordinal() if d[3] else 0), d[0]),
    )


class MechanismReportForm(DraftForm):
    kind = ReportDraft.Kind.MECHANISM_REPORT

    # Declared with no queryset: the State's own rows can only be read inside its scope (__init__).
    mechanism = forms.ModelChoiceField(label=_("Mechanism"), queryset=None)
    grouping = forms.ChoiceField(
        label=_("Group the recommendations"),
        choices=[
            ("cluster", _("By cluster")),
            ("theme", _("By theme")),
            ("related", _("By group of related recommendations")),
        ],
        initial="cluster",
        widget=forms.RadioSelect,
        help_text=_(
            "Each group is a section of the report. Confirmed related recommendations are answered "
            "together in any case."
        ),
    )
    document = forms.ChoiceField(
        label=_("Document"),
        required=False,
        help_text=_(
            "Optional: only the recommendations of one document (the review's report or the concluding "
            "observations), such as A/HRC/43/12."
        ),
    )
    review_symbol = forms.CharField(
        label=_("Symbol of the review"),
        required=False,
        max_length=100,
        help_text=_(
            "Printed on the draft, such as the Working Group's report A/HRC/43/15. Empty: the documents the "
            "recommendations come from."
        ),
    )
    review_date = forms.DateField(label=_("Date of the review"), required=False, widget=DATE)
    up_to = forms.DateField(
        label=_("Information up to"),
        widget=DATE,
        help_text=_("Validated updates and indicator values dated up to this day are included."),
    )
    obligation_choice = forms.ModelChoiceField(
        label=_("For the report due"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("Optional: the report on the calendar this draft prepares."),
    )

    field_order = [
        "mechanism",
        "document",
        "review_symbol",
        "review_date",
        "grouping",
        "up_to",
        "obligation_choice",
        "language",
        "title",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mechanism"].queryset = _mechanisms_in_use()
        self.documents = _documents()
        self.fields["document"].choices = [("", _("Every document of the mechanism"))] + [
            (symbol, f"{code} — {symbol}" + (f" ({issued_on:%Y-%m-%d})" if issued_on else ""))
            for symbol, code, _mechanism, issued_on in self.documents
        ]
        self.fields["obligation_choice"].queryset = ReportingObligation.objects.select_related("mechanism").order_by(
            "due_on", "pk"
        )
        self.fields["up_to"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        obligation, mechanism = data.get("obligation_choice"), data.get("mechanism")
        if obligation and mechanism and obligation.mechanism_id != mechanism.pk:
            self.add_error("obligation_choice", _("This report is due to another mechanism."))
        document = data.get("document")
        if document and mechanism and not any(s == document and m == mechanism.pk for s, _c, m, _d in self.documents):
            self.add_error("document", _("This document holds no recommendation of the mechanism chosen."))
        if data.get("review_date") and not data.get("review_symbol"):
            self.add_error("review_symbol", _("Give the symbol of the review whose date you give."))
        return data

    def parameters(self) -> dict:
        data = self.cleaned_data
        parameters = {
            "mechanism": data["mechanism"].pk,
            "grouping": data["grouping"],
            "up_to": data["up_to"].isoformat(),
        }
        if data.get("document"):
            parameters["document"] = data["document"]
        if data.get("review_symbol"):
            parameters["review_symbol"] = data["review_symbol"].strip()
        if data.get("review_date"):
            parameters["review_date"] = data["review_date"].isoformat()
        return parameters

    def obligation(self):
        return self.cleaned_data.get("obligation_choice")


class InformationRequestForm(DraftForm):
    kind = ReportDraft.Kind.INFORMATION_REQUEST

    entities = forms.ModelMultipleChoiceField(
        label=_("Entities asked"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave all unticked for every entity that leads or supports a recommendation (of the mechanism, "
            "if you choose one). Each pack holds the recommendations its entity leads or supports."
        ),
    )
    mechanism = forms.ModelChoiceField(
        label=_("Recommendations of the mechanism"), queryset=None, required=False, empty_label=_("Any mechanism")
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    instructions = forms.CharField(
        label=_("Instructions"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Printed at the top of every pack."),
    )

    field_order = ["deadline", "mechanism", "entities", "instructions", "language", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entities"].queryset = Entity.objects.order_by("name")
        self.fields["mechanism"].queryset = _mechanisms_in_use()

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.localdate():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return deadline

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        entities = list(data.get("entities") or [])
        if not entities:
            recommendations = Recommendation.objects.order_by()
            if data.get("mechanism"):
                recommendations = recommendations.filter(mechanism=data["mechanism"])
            responsible = Q(pk__in=recommendations.values("lead_entity_id"))
            ids = {pk for row in recommendations.values_list("supporting_entity_ids", flat=True) for pk in row}
            entities = list(Entity.objects.filter(responsible | Q(pk__in=ids)).order_by("name"))
        if not entities:
            self.add_error(
                None, _("No entity leads or supports a recommendation in this scope: there is nobody to ask.")
            )
        data["entity_list"] = entities
        return data

    def parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "entities": [entity.pk for entity in data["entity_list"]],
            "mechanism": data["mechanism"].pk if data.get("mechanism") else None,
            "deadline": data["deadline"].isoformat(),
            "instructions": data.get("instructions", ""),
        }


class AnnualReportForm(DraftForm):
    kind = ReportDraft.Kind.ANNUAL_REPORT

    year = forms.IntegerField(label=_("Year"), min_value=1990)

    field_order = ["year", "language", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].initial = this_year
        self.fields["year"].widget.attrs["max"] = this_year

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("The year has not begun yet."))
        return year

    def parameters(self) -> dict:
        return {"year": self.cleaned_data["year"]}


FORMS: dict[str, type[DraftForm]] = {
    form.kind: form for form in (MechanismReportForm, InformationRequestForm, AnnualReportForm)
}


class PackReturnForm(forms.Form):
    """A filled information request pack (its workbook, or its Word document)."""

    file = forms.FileField(
        label=_("Filled workbook or Word document"),
        help_text=_(
            "The Excel workbook (or the Word document) of an information request pack, with the answers "
            "filled in. Its answers become draft progress updates of the entity it was sent to; you see "
            "them before they are made."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s."),
                params={
                    "name": upload.name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_BYTES),
                },
            )
        if not upload.name.lower().endswith((".xlsx", ".docx")):
            raise forms.ValidationError(
                _("“%(name)s” is not an .xlsx workbook or a .docx document."), params={"name": upload.name}
            )
        return upload
