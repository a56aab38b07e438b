"""The form that opens a data-collection round (build it inside the State's context)."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.models import Cluster, Entity, Mechanism, Recommendation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parse_references(text: str) -> list[str]:
    """The references typed, one a line (or separated by commas or semicolons), blanks dropped."""
    return [token.strip() for token in re.split(r"[\n\r,;]+", text or "") if token.strip()]


def resolve_references(tokens: list[str]) -> tuple[list[int], list[str]]:
    """Recommendation ids for references: a number (“#12” or “12”), a document symbol (every
    recommendation of the document) or a symbol and a paragraph (“A/HRC/52/9 131.4”). Returns
    the ids found and the references that match nothing. One query."""
    ids: set[int] = set()
    symbols: set[str] = set()
    for token in tokens:
        number = token.removeprefix("#").strip()
        if number.isdigit() and len(number) <= 18:
            ids.add(int(number))
        else:
            symbols.add(token)
            if " " in token:
                symbols.add(token.rsplit(" ", 1)[0].strip())
    condition = Q(pk__in=ids) | Q(symbol__in=symbols)
    rows = list(Recommendation.objects.filter(condition).order_by().values_list("pk", "symbol", "paragraph"))
    found_ids = {pk for pk, _s, _p in rows}
    by_symbol: dict[str, set[int]] = {}
    by_paragraph: dict[tuple[str, str], set[int]] = {}
    for pk, symbol, paragraph in rows:
        by_symbol.setdefault(symbol, set()).add(pk)
        by_paragraph.setdefault((symbol, paragraph), set()).add(pk)
    resolved: set[int] = set()
    missing: list[str] = []
    for token in tokens:
        number = token.removeprefix("#").strip()
        if number.isdigit() and len(number) <= 18:
            matched = {int(number)} & found_ids
        elif token in by_symbol:
            matched = by_symbol[token]
        elif " " in token:
            symbol, paragraph = token.rsplit(" ", 1)
            matched = by_paragraph.get((symbol.strip(), paragraph.strip()), set())
        else:
            matched = set()
        if matched:
            resolved |= matched
        else:
            missing.append(token)
    return sorted(resolved), missing


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    instructions = forms.CharField(
        label=_("Instructions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the entities should report, and how. The focal points read this with their tasks."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    remind_days_before = forms.IntegerField(
        label=_("Reminder, days before the deadline"),
        min_value=0,
        max_value=90,
        initial=7,
        help_text=_(
            "Focal points with tasks still open get a reminder this many days before the deadline, "
            "then again once it has passed, as often as the State's settings say."
        ),
    )
    # Declared with no queryset: the State's own rows can only be read inside its scope (__init__).
    mechanism = forms.ModelChoiceField(
        label=_("Recommendations of the mechanism"), queryset=None, required=False, empty_label=_("Any mechanism")
    )
    cluster = forms.ModelChoiceField(
        label=_("Recommendations in the cluster"), queryset=None, required=False, empty_label=_("Any cluster")
    )
    recommendations = forms.CharField(
        label=_("Only these recommendations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional. One a line: a recommendation's number (“#” on the list), a document symbol (all its "
            "recommendations) or a symbol and a paragraph (“A/HRC/52/9 131.4”)."
        ),
    )
    entities = forms.ModelMultipleChoiceField(
        label=_("Entities asked"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave all unticked to ask every entity that leads or supports a recommendation in the scope. "
            "An entity is asked only about the recommendations it leads or supports."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Ticked on the recommendation list: the same name, several values (``recommendations=1&...``).
        values = self.data.getlist("recommendations") if hasattr(self.data, "getlist") else []
        if len(values) > 1:
            self.data = self.data.copy()
            self.data["recommendations"] = "\n".join(values)
        self.fields["mechanism"].queryset = Mechanism.objects.filter(
            pk__in=Recommendation.objects.order_by().values("mechanism_id")
        )
        self.fields["cluster"].queryset = Cluster.objects.all()
        self.fields["entities"].queryset = Entity.objects.order_by("name")

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.localdate():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return deadline

    def clean_recommendations(self):
        tokens = parse_references(self.cleaned_data.get("recommendations", ""))
        if not tokens:
            return None
        ids, missing = resolve_references(tokens)
        if missing:
            raise forms.ValidationError(
                _("No recommendation of this State matches: %(references)s.") % {"references": "; ".join(missing)}
            )
        return ids

    def clean(self):
        data = super().clean()
        scoped = data.get("mechanism") or data.get("cluster") or data.get("recommendations")
        if not scoped and not self.has_error("recommendations"):
            self.add_error(None, _("Choose the recommendations the round is about: a mechanism, a cluster or a list."))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "instructions": data.get("instructions", ""),
            "deadline": data["deadline"],
            "remind_days_before": data["remind_days_before"],
            "mechanism": data.get("mechanism"),
            "cluster": data.get("cluster"),
            "recommendations": data.get("recommendations"),
            "entities": list(data["entities"]) or None,
        }
