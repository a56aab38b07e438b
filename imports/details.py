"""Giving recommendations already imported the details of their batch: a bulk action of the
recommendation list (registered by ImportsConfig.ready() in recommendations.extensions).

A thematic list imported before its symbol could be given left 215 recommendations without
symbol nor date ("no document symbol ¶ 121.33", "Date unknown"). The curator ticks them (or
filters them) and gives the symbol, date, mechanism, session or cycle: each recommendation gets
those it lacks (every one given, with "replace"), and the import key of a recommendation keyed by
its text follows its new mechanism and review (imports.keys), so that the next import of the same
source still recognises it. One UPDATE, one history entry per recommendation that changed.
"""

from __future__ import annotations

import json

from django import forms
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from imports.batch import BatchDetails
from imports.forms import mechanisms_by_kind
from imports.keys import rekeyed
from imports.parsers.common import upr_cycle_from_session
from recommendations.extensions import BulkAction, bulk_action_register
from recommendations.models import Mechanism, Recommendation

OTHER_MECHANISM = "OTHER"


@transaction.atomic
def recommendations_details_set(
    *, selection: QuerySet[Recommendation], details: BatchDetails, replace: bool = False
) -> int:
    """Give the selection the details: those it lacks, or all of them with ``replace``.

    The session and the cycle are the UPR's (``upr_session``, ``upr_cycle``), given to UPR
    recommendations only: the model keeps no session for other mechanisms. Returns how many
    recommendations changed. Side effects: one UPDATE of those.
    """
    codes = dict(Mechanism.objects.values_list("id", "code"))
    ids = {code: pk for pk, code in codes.items()}
    mechanism_id = ids.get(details.mechanism) if details.mechanism else None
    rows = selection.order_by().values_list(
        "id", "symbol", "issued_on", "mechanism_id", "upr_session", "upr_cycle", "import_key"
    )
    taken = set(Recommendation.objects.exclude(import_key="").values_list("import_key", flat=True))
    changes = []
    for pk, symbol, issued_on, mechanism, session, cycle, key in rows:
        new = {"symbol": symbol, "issued_on": issued_on, "mechanism_id": mechanism, "session": session, "cycle": cycle}
        if details.symbol and (replace or not symbol):
            new["symbol"] = details.symbol
        if details.issued_on and (replace or issued_on is None):
            new["issued_on"] = details.issued_on
        if mechanism_id and (replace or codes.get(mechanism) == OTHER_MECHANISM):
            new["mechanism_id"] = mechanism_id
        if codes.get(new["mechanism_id"]) == "UPR":
            if details.session and (replace or session is None):
                new["session"] = details.session
            if replace or cycle is None:
                new["cycle"] = details.cycle or cycle or upr_cycle_from_session(new["session"])
        new_key = rekeyed(key, mechanism=codes.get(new["mechanism_id"], ""), session=new["session"], cycle=new["cycle"])
        if new_key != key and new_key in taken:
            new_key = key  # The same text of the same review is there already: leave the key.
        taken.discard(key)
        taken.add(new_key)
        old = {"symbol": symbol, "issued_on": issued_on, "mechanism_id": mechanism, "session": session, "cycle": cycle}
        if new != old or new_key != key:
            changes.append(
                {
                    "id": pk,
                    "symbol": new["symbol"],
                    "issued_on": new["issued_on"].isoformat() if new["issued_on"] else None,
                    "mechanism_id": new["mechanism_id"],
                    "upr_session": new["session"],
                    "upr_cycle": new["cycle"],
                    "import_key": new_key,
                }
            )
    if not changes:
        return 0
    table = Recommendation._meta.db_table
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} r SET symbol = c.symbol, issued_on = c.issued_on, mechanism_id = c.mechanism_id,"
            " upr_session = c.upr_session, upr_cycle = c.upr_cycle, import_key = c.import_key, updated_at = now()"
            " FROM jsonb_to_recordset(%s::jsonb) AS c(id bigint, symbol text, issued_on date, mechanism_id bigint,"
            " upr_session smallint, upr_cycle smallint, import_key text)"
            " WHERE r.id = c.id",
            [json.dumps(changes)],
        )
        return cursor.rowcount


# --- The bulk action --------------------------------------------------------------------------


class BatchDetailsWidget(forms.MultiWidget):
    """The details' inputs side by side, each with its own label (imports/widgets/batch_details.html)."""

    template_name = "imports/widgets/batch_details.html"

    def __init__(self, mechanism_choices: list) -> None:
        self.labels = [
            _("Document symbol"),
            _("Date of the document"),
            _("Mechanism"),
            _("UPR session"),
            _("UPR cycle"),
            _("Replace the values they have"),
        ]
        widgets = {
            "symbol": forms.TextInput(attrs={"maxlength": 100}),
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "mechanism": forms.Select(choices=mechanism_choices),
            "session": forms.NumberInput(attrs={"min": 1}),
            "cycle": forms.NumberInput(attrs={"min": 1, "max": 10}),
            "replace": forms.CheckboxInput(),
        }
        super().__init__(widgets)

    def decompress(self, value):
        return [None] * 6

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for label, subwidget in zip(self.labels, context["widget"]["subwidgets"], strict=True):
            subwidget["label"] = label
        return context


class BatchDetailsField(forms.MultiValueField):
    """Symbol, date, mechanism, session, cycle, and whether to replace: (BatchDetails, replace) or None."""

    def __init__(self, **kwargs) -> None:
        choices = [("", "—"), *mechanisms_by_kind()]
        fields = (
            forms.CharField(max_length=100, required=False),
            forms.DateField(required=False),
            forms.ChoiceField(choices=choices, required=False),
            forms.IntegerField(min_value=1, max_value=32767, required=False),
            forms.IntegerField(min_value=1, max_value=10, required=False),
            forms.BooleanField(required=False),
        )
        super().__init__(
            fields=fields, widget=BatchDetailsWidget(choices), require_all_fields=False, required=False, **kwargs
        )

    def compress(self, data_list):
        if not data_list:
            return None
        symbol, issued_on, mechanism, session, cycle, replace = data_list
        details = BatchDetails(
            symbol=" ".join((symbol or "").split()),
            issued_on=issued_on,
            mechanism=mechanism or "",
            session=session,
            cycle=cycle,
        )
        return (details, bool(replace)) if details else None


def _details_field() -> BatchDetailsField:
    return BatchDetailsField(
        label=_("Document details"),
        help_text=_("Given to the recommendations that lack them; tick “Replace” to give them to all."),
    )


def _apply(*, selection: QuerySet[Recommendation], value) -> int:
    details, replace = value
    return recommendations_details_set(selection=selection, details=details, replace=replace)


def register() -> None:
    bulk_action_register(
        BulkAction(
            name="document_details",
            label=_("Give document details (symbol, date, mechanism, session, cycle)"),
            field_name="document_details",
            field=_details_field,
            apply=_apply,
        )
    )
