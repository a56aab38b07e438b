"""Forms of imports: the upload with its options, and the column mapping editor."""

import json
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from imports.batch import BatchDetails
from imports.mappings import preset_names, sample_columns, saved_mapping_names
from imports.models import UhriSchedule
from imports.parsers import tabular
from imports.parsers.common import normalize_position
from imports.parsers.records import POSITIONS, ImportFormatError
from imports.parsers.registry import PRESET_MAPPINGS
from imports.parsers.uhri_api import read_filter_lists
from recommendations.models import (
    LANGUAGE_FIELDS,
    Mechanism,
    Position,
)

FORMAT_CHOICES = [
    ("auto", _("Recognise it from the file")),
    ("uhri-json", _("UHRI full export (JSON)")),
    ("uhri-xlsx", _("UHRI search export (Excel)")),
    ("uhri-search-json", _("UHRI search export (JSON)")),
    ("uhri-api-records", _("Saved UHRI API records (JSON)")),
    ("upr-docx", _("UPR thematic list of recommendations (Word)")),
    ("un-upr-report", _("UPR Working Group report (PDF or Word)")),
    ("un-upr-addendum", _("State's addendum to a UPR report: its positions (PDF or Word)")),
    ("un-concluding-observations", _("Treaty body's concluding observations (PDF or Word)")),
    ("un-country-visit", _("Special procedure's country-visit report (PDF or Word)")),
    ("csv", _("Another spreadsheet (CSV or Excel) with a column mapping")),
]
MAPPING_LABELS = {"upr-info": _("UPR Info database export")}
ENCODING_CHOICES = [
    ("", _("Recognise it from the file")),
    ("utf-8", "UTF-8"),
    ("utf-16", "UTF-16"),
    ("cp1252", _("Windows (Western European)")),
    ("mac_roman", _("Mac OS Roman (old Excel for Mac)")),
]


def mapping_choices(state) -> list:
    """Choices of column mapping for an import: none, the presets, the State's saved mappings."""
    choices: list = [("", _("None"))]
    choices.append((_("Ready-made"), [(name, MAPPING_LABELS.get(name, name)) for name in preset_names()]))
    saved = saved_mapping_names(state) if state is not None else []
    if saved:
        choices.append((_("Saved for this State"), [(name, name) for name in saved]))
    return choices


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")
    mapping = forms.ChoiceField(
        label=_("Column mapping"),
        required=False,
        choices=[("", _("None"))] + [(name, MAPPING_LABELS.get(name, name)) for name in PRESET_MAPPINGS],
        help_text=_("For spreadsheets other than the UHRI's own exports: a ready-made mapping or one saved here."),
    )
    encoding = forms.ChoiceField(
        label=_("Text encoding"),
        required=False,
        choices=ENCODING_CHOICES,
        help_text=_("For CSV files, when the preview shows garbled accents."),
    )
    filter_lists = forms.FileField(
        label=_("Filter lists of the UHRI API"),
        required=False,
        help_text=_(
            "For saved UHRI API records: the lists that turn their ids into themes, SDGs and positions. One list "
            "named after it (sdgs.jsonl), a JSON object of lists, or a zip of them. Without it, the lists are "
            "fetched from the UHRI API when it is configured."
        ),
    )

    def __init__(self, *args, state=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The presets, then the State's saved mappings (call inside the State's context).
        self.fields["mapping"].choices = mapping_choices(state)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.NRTD_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s."),
                params={"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        if upload.size == 0:
            raise forms.ValidationError(_("“%(name)s” is empty."), params={"name": upload.name})
        return upload

    def clean_filter_lists(self):
        upload = self.cleaned_data["filter_lists"]
        if not upload:
            return None
        if upload.size > settings.NRTD_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s."),
                params={
                    "name": upload.name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.NRTD_MAX_UPLOAD_BYTES),
                },
            )
        try:
            read_filter_lists(upload, upload.name)
        except ImportFormatError as error:
            raise forms.ValidationError(
                _("The filter lists in “%(name)s” cannot be read: %(reason)s"),
                params={"name": upload.name, "reason": error},
            ) from error
        upload.seek(0)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("format") == "csv" and not data.get("mapping"):
            self.add_error("mapping", _("Choose the column mapping of your spreadsheet."))
        return data


MAPPING_TARGET_LABELS = {
    "text": _("Text of the recommendation"),
    "text_language": _("Language of the text"),
    "symbol": _("Document symbol"),
    "paragraph": _("Paragraph"),
    "mechanism": _("Mechanism"),
    "external_id": _("External id"),
    "position": _("Position of the State"),
    "countries": _("State under review"),
    "recommending_countries": _("Recommending States"),
    "themes": _("Themes"),
    "affected_groups": _("Affected groups"),
    "sdg_targets": _("SDG targets"),
    "sdg_goals": _("SDG goals"),
    "upr_session": _("UPR session"),
    "upr_cycle": _("UPR cycle"),
    "issued_on": _("Issued on"),
}
MAPPING_TARGET_HELP = {
    "text_language": _("A language code: en, fr, es, ar, ru or zh. English when left empty."),
    "mechanism": _("A mechanism's code or name, such as UPR or CRC; an unknown one is flagged for review."),
    "external_id": _("The UHRI annotation id, when your sheet has one: re-imports recognise the record by it."),
    "position": _("Supported, noted, partially supported or pending; other words can be translated below."),
    "countries": _(
        "When a sheet lists several States, only the rows of this State are imported. Leave empty when every row "
        "is about this State."
    ),
    "sdg_targets": _("Such as 16.2; goals written alone (16) are kept as goals."),
    "upr_session": _("A number, such as 40."),
    "upr_cycle": _("A number (3) or words (Third cycle)."),
}
MAPPING_LIST_TARGETS = tabular._LIST_FIELDS
# The <datalist> of a sample file's column names, offered by every column input.
SAMPLE_COLUMNS_ID = "sample-columns"
MAX_SAMPLE_COLUMNS = 300
_SEPARATOR_ESCAPES = (("\\n", "\n"), ("\\t", "\t"))
_DATE_TOKENS = (("YYYY", "%Y"), ("YY", "%y"), ("MM", "%m"), ("DD", "%d"))
_DATE_CHECK = date(2024, 12, 31)


def separator_for_display(separator: str) -> str:
    for written, value in _SEPARATOR_ESCAPES:
        separator = separator.replace(value, written)
    return separator


def _separator_from_input(text: str) -> str:
    for written, value in _SEPARATOR_ESCAPES:
        text = text.replace(written, value)
    return text


def _position_key(text: str) -> str | None:
    """A position key for what a person wrote: the key itself, its label here, or a UPR spelling."""
    key = "_".join(text.lower().split())
    if key in POSITIONS:
        return key
    for value, label in Position.choices:
        if str(label).casefold() == " ".join(text.split()).casefold():
            return value
    return normalize_position(text) if text.strip() else None


class ColumnMappingForm(forms.Form):
    """Name a mapping and say, for each field of a recommendation, which column (or value) gives it."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Shown in the list of mappings when you import a file."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    seen_updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    # The column names (and a first value) of the last sample file read, kept across submissions.
    sample_columns = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        column_widget = {"list": SAMPLE_COLUMNS_ID, "autocomplete": "off"}
        for target in tabular.TARGET_FIELDS:
            self.fields[f"{target}__column"] = forms.CharField(
                label=_("Column in your file"),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs=column_widget),
            )
            self.fields[f"{target}__constant"] = forms.CharField(
                label=_("Or the same value for every row"), required=False, max_length=300
            )
            if target in MAPPING_LIST_TARGETS:
                self.fields[f"{target}__separator"] = forms.CharField(
                    label=_("Separator between several values in a cell"),
                    required=False,
                    strip=False,
                    max_length=10,
                    help_text=_("Such as , or ; (write \\n for a line break). Leave empty for one value per cell."),
                )
        self.fields["position__values"] = forms.CharField(
            label=_("Your words for the positions"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_(
                "One per line: the value in your file = supported, noted, partially_supported or pending. "
                "For example: Accepted = supported"
            ),
        )
        self.fields["issued_on__date_format"] = forms.CharField(
            label=_("Date format"),
            required=False,
            max_length=40,
            help_text=_(
                "Such as DD/MM/YYYY or MM-DD-YY (or a Python format such as %d.%m.%Y). Leave empty for dates "
                "written 2024-12-31 and for Excel dates."
            ),
        )
        self.fields["upr_cycle__from_session"] = forms.BooleanField(
            label=_("This column holds the UPR session: work the cycle out from it"), required=False
        )

    def targets(self) -> list[dict]:
        """The target fields with their labels and bound fields, in order, for the template."""
        groups = []
        for target in tabular.TARGET_FIELDS:
            bound = [self[name] for name in self.fields if name.startswith(f"{target}__")]
            groups.append(
                {
                    "name": target,
                    "label": MAPPING_TARGET_LABELS[target],
                    "help": MAPPING_TARGET_HELP.get(target, ""),
                    "required": target in tabular.REQUIRED_FIELDS,
                    "fields": bound,
                }
            )
        return groups

    def error_links(self) -> list[dict]:
        """Each field error with the id of its input and a label naming the target, for a summary."""
        if not self.is_bound:
            return []
        links = []
        for name, errors in self.errors.items():
            if name not in self.fields:
                continue
            field = self[name]
            target = name.partition("__")[0]
            label = str(field.label)
            if "__" in name:
                # Translators: in the list of errors: "Text of the recommendation (Column in your file)".
                label = _("%(target)s (%(field)s)") % {"target": MAPPING_TARGET_LABELS[target], "field": label}
            links += [{"id": field.auto_id, "label": label, "message": message} for message in errors]
        return links

    def sample_column_list(self) -> list[tuple[str, str]]:
        """The sample file's columns carried by the form: (name, first value) pairs."""
        raw = self["sample_columns"].value() or ""
        try:
            items = json.loads(raw) if raw else []
        except ValueError:
            return []
        if not isinstance(items, list):
            return []
        columns = []
        for item in items[:MAX_SAMPLE_COLUMNS]:
            if isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item):
                columns.append((item[0][:300], item[1][:300]))
        return columns

    def clean_position__values(self) -> dict[str, str]:
        value_map: dict[str, str] = {}
        problems = []
        for number, line in enumerate(self.cleaned_data["position__values"].splitlines(), start=1):
            if not line.strip():
                continue
            source, equals, target = line.rpartition("=")
            position = _position_key(target)
            if not equals or not source.strip():
                problems.append(
                    forms.ValidationError(
                        _("Line %(number)s: write the value in your file, then =, then the position."),
                        params={"number": number},
                    )
                )
            elif position is None:
                problems.append(
                    forms.ValidationError(
                        _(
                            "Line %(number)s: “%(value)s” is not a position; use supported, noted, "
                            "partially_supported or pending."
                        ),
                        params={"number": number, "value": target.strip()},
                    )
                )
            else:
                value_map[" ".join(source.split())] = position
        if problems:
            raise forms.ValidationError(problems)
        return value_map

    def clean_issued_on__date_format(self) -> str:
        text = self.cleaned_data["issued_on__date_format"]
        if not text:
            return ""
        pattern = text
        if "%" not in pattern:
            pattern = pattern.upper()
            for token, directive in _DATE_TOKENS:
                pattern = pattern.replace(token, directive)
        try:
            readable = datetime.strptime(_DATE_CHECK.strftime(pattern), pattern).date() == _DATE_CHECK
        except ValueError:
            readable = False
        if not readable:
            raise forms.ValidationError(
                _("“%(format)s” is not a date format with a day, a month and a year, such as DD/MM/YYYY."),
                params={"format": text},
            )
        return pattern

    def clean_text_language__constant(self) -> str:
        code = self.cleaned_data["text_language__constant"].lower()
        if code and code not in LANGUAGE_FIELDS:
            raise forms.ValidationError(
                _("“%(code)s” is not a language code this import knows; use one of %(codes)s."),
                params={"code": code, "codes": ", ".join(LANGUAGE_FIELDS)},
            )
        return code

    def clean(self):
        data = super().clean()
        fields: dict[str, dict] = {}
        for target in tabular.TARGET_FIELDS:
            column = data.get(f"{target}__column") or ""
            constant = data.get(f"{target}__constant") or ""
            if column and constant:
                self.add_error(f"{target}__constant", _("Give either a column or a value for every row, not both."))
                continue
            if not column and not constant:
                if target in tabular.REQUIRED_FIELDS:
                    self.add_error(f"{target}__column", _("Name the column of your file that holds this."))
                continue
            spec: dict = {"column": column} if column else {"constant": constant}
            if data.get(f"{target}__separator"):
                spec["separator"] = _separator_from_input(data[f"{target}__separator"])
            if target == "position" and data.get("position__values"):
                spec["value_map"] = data["position__values"]
            if target == "issued_on" and data.get("issued_on__date_format"):
                spec["date_format"] = data["issued_on__date_format"]
            if target == "upr_cycle" and data.get("upr_cycle__from_session"):
                spec["transform"] = "upr_cycle_from_session"
            fields[target] = spec
        data["fields"] = fields
        return data

    @classmethod
    def initial_for(cls, mapping: tabular.TableMapping, **initial) -> dict:
        """Initial values showing ``mapping`` (a preset or a saved one), plus ``initial``."""
        for target, spec in mapping.fields.items():
            if spec.column is not None:
                initial[f"{target}__column"] = spec.column
            else:
                initial[f"{target}__constant"] = spec.constant
            if spec.separator and target in MAPPING_LIST_TARGETS:
                initial[f"{target}__separator"] = separator_for_display(spec.separator)
            if spec.value_map and target == "position":
                initial["position__values"] = "\n".join(f"{key} = {value}" for key, value in spec.value_map.items())
            if spec.date_format and target == "issued_on":
                initial["issued_on__date_format"] = spec.date_format
            if spec.transform == "upr_cycle_from_session" and target == "upr_cycle":
                initial["upr_cycle__from_session"] = True
        return initial

    def raw_values(self) -> dict:
        """What was submitted, as initial values of a new form that shows no errors."""
        return {name: self[name].value() for name in self.fields}


class MappingSampleForm(forms.Form):
    """A sample of the user's file, read (never stored) for its column names."""

    sample = forms.FileField(
        label=_("Sample file"),
        required=False,
        help_text=_(
            "Optional: a CSV or Excel (.xlsx) file with your layout. Its column names are then offered in the "
            "column fields below. The file is only read, not kept."
        ),
    )

    columns: list[tuple[str, str]] = []

    def clean_sample(self):
        upload = self.cleaned_data["sample"]
        if not upload:
            raise forms.ValidationError(_("Choose a sample file first."), code="required")
        limit = settings.NRTD_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("“%(name)s” is %(size)s; the largest file accepted is %(limit)s."),
                params={"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        try:
            self.columns = sample_columns(upload, filename=upload.name)[:MAX_SAMPLE_COLUMNS]
        except ImportFormatError as error:
            raise forms.ValidationError(
                _("The column names of “%(name)s” cannot be read: %(reason)s"),
                params={"name": upload.name, "reason": error},
            ) from error
        return upload


# Mechanisms are offered by kind, the UPR first.
KIND_ORDER = [Mechanism.Kind.UPR, Mechanism.Kind.TREATY_BODY, Mechanism.Kind.SPECIAL_PROCEDURE, Mechanism.Kind.REGIONAL]


def mechanisms_by_kind(value=lambda mechanism: mechanism.code) -> list:
    """Mechanisms by kind, for a select or checkboxes: [(kind label, [(value, name), …]), …];
    "other or unrecognised" left out (it is what an unknown mechanism becomes)."""
    groups: dict[str, list] = {}
    mechanisms = sorted(
        Mechanism.objects.exclude(kind=Mechanism.Kind.OTHER),
        key=lambda mechanism: (KIND_ORDER.index(mechanism.kind) if mechanism.kind in KIND_ORDER else 9, mechanism.name),
    )
    for mechanism in mechanisms:
        groups.setdefault(str(mechanism.get_kind_display()), []).append((value(mechanism), mechanism.name))
    return list(groups.items())


class BatchDetailsForm(forms.Form):
    """Details the records of a file lack, given for the whole batch (imports.batch)."""

    symbol = forms.CharField(
        label=_("Document symbol"),
        required=False,
        max_length=100,
        help_text=_("Such as A/HRC/43/15 or CRC/C/SVN/CO/5-6."),
    )
    issued_on = forms.DateField(
        label=_("Date of the document"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    mechanism = forms.ChoiceField(label=_("Mechanism"), required=False)
    session = forms.IntegerField(
        label=_("Session"),
        required=False,
        min_value=1,
        max_value=32767,
        help_text=_("The UPR Working Group's session for a UPR review, else the mechanism's own."),
    )
    cycle = forms.IntegerField(
        label=_("UPR cycle"),
        required=False,
        min_value=1,
        max_value=10,
        help_text=_("Worked out from the session when left empty."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "batch_%s")
        super().__init__(*args, **kwargs)
        self.fields["mechanism"].choices = [("", "—"), *mechanisms_by_kind()]

    def details(self) -> BatchDetails:
        data = self.cleaned_data
        return BatchDetails(
            symbol=" ".join((data.get("symbol") or "").split()),
            issued_on=data.get("issued_on"),
            mechanism=data.get("mechanism") or "",
            session=data.get("session"),
            cycle=data.get("cycle"),
        )

    @staticmethod
    def initial_for(details: BatchDetails) -> dict:
        return {
            "symbol": details.symbol,
            "issued_on": details.issued_on,
            "mechanism": details.mechanism,
            "session": details.session,
            "cycle": details.cycle,
        }


class UhriScheduleForm(forms.Form):
    """A State's scheduled UHRI fetch: on or off, how often, the mechanisms followed.

    Self-contained (its template is imports/includes/uhri_schedule_form.html), so that it can
    sit on the State's settings page as well as on the imports' own.
    """

    enabled = forms.BooleanField(label=_("Fetch from the UHRI on a schedule"), required=False)
    interval_days = forms.TypedChoiceField(
        label=_("How often"), choices=UhriSchedule.Every.choices, coerce=int, initial=UhriSchedule.Every.WEEK
    )
    mechanisms = forms.MultipleChoiceField(
        label=_("Mechanisms to follow"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only their recommendations are fetched. None ticked: every mechanism."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "schedule_%s")
        super().__init__(*args, **kwargs)
        self.groups = mechanisms_by_kind(lambda mechanism: str(mechanism.pk))
        self.fields["mechanisms"].choices = [choice for _kind, choices in self.groups for choice in choices]

    def mechanism_groups(self) -> list[tuple[str, list]]:
        """The mechanisms' checkboxes by kind of mechanism, for the template: [(kind, [checkbox, …])]."""
        checkboxes = {checkbox.data["value"]: checkbox for checkbox in self["mechanisms"]}
        return [(kind, [checkboxes[value] for value, _name in choices]) for kind, choices in self.groups]

    @staticmethod
    def initial_for(schedule: UhriSchedule | None) -> dict:
        if schedule is None:
            return {"enabled": True, "interval_days": UhriSchedule.Every.WEEK, "mechanisms": []}
        return {
            "enabled": schedule.enabled,
            "interval_days": schedule.interval_days,
            "mechanisms": [str(pk) for pk in schedule.mechanism_ids],
        }
