"""Column mappings in the workspace: the presets, the State's saved mappings, and their editor."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from imports.forms import (
    MAPPING_LABELS,
    MAPPING_LIST_TARGETS,
    MAPPING_TARGET_LABELS,
    SAMPLE_COLUMNS_ID,
    ColumnMappingForm,
    MappingSampleForm,
    separator_for_display,
)
from imports.mappings import (
    StaleMappingEdit,
    column_mapping_delete,
    column_mapping_save,
    mapping_for,
    mapping_of,
)
from imports.models import ColumnMapping
from imports.parsers import tabular
from imports.parsers.registry import PRESET_MAPPINGS
from recommendations.models import Position
from tenants.views.mixins import StatePermissionMixin

PERMISSION = "imports.import_recommendations"


def describe(mapping: tabular.TableMapping) -> list[dict]:
    """One line per mapped field, in the order of the editor, for the list page."""
    lines = []
    for target in tabular.TARGET_FIELDS:
        spec = mapping.fields.get(target)
        if spec is None:
            continue
        details = []
        if spec.separator:
            details.append(
                _("values separated by “%(separator)s”") % {"separator": separator_for_display(spec.separator)}
            )
        if spec.value_map:
            details.append(", ".join(f"{key} → {_position_label(value)}" for key, value in spec.value_map.items()))
        if spec.date_format:
            details.append(_("dates written %(format)s") % {"format": spec.date_format})
        if spec.transform == "upr_cycle_from_session":
            details.append(_("cycle worked out from the session"))
        lines.append(
            {
                "label": MAPPING_TARGET_LABELS[target],
                "column": spec.column,
                "constant": spec.constant,
                "details": details,
            }
        )
    return lines


def _position_label(value: str) -> str:
    return str(Position(value).label) if value in Position.values else value


class MappingListView(StatePermissionMixin, TemplateView):
    """The State's saved mappings, and the ready-made ones (read-only, to start from)."""

    permission_required = PERMISSION
    template_name = "imports/mapping_list.html"

    def get_context_data(self, **kwargs):
        saved = []
        for mapping in ColumnMapping.objects.select_related("created_by").order_by("name"):
            try:
                lines = describe(mapping_of(mapping))
            except ValueError:
                lines = None  # written by an older version: the editor says what to fix
            saved.append({"object": mapping, "lines": lines})
        presets = [
            {"key": key, "label": MAPPING_LABELS.get(key, preset.name), "lines": describe(preset)}
            for key, preset in sorted(PRESET_MAPPINGS.items())
        ]
        return super().get_context_data(saved=saved, presets=presets, **kwargs)


class MappingFormView(StatePermissionMixin, TemplateView):
    """Create or edit a mapping; a sample file's column names can be read into the form first."""

    permission_required = PERMISSION
    template_name = "imports/mapping_form.html"
    mapping: ColumnMapping | None = None

    def initial(self) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        return self.render(ColumnMappingForm(initial=self.initial()), MappingSampleForm())

    def post(self, request, *args, **kwargs):
        form = ColumnMappingForm(request.POST)
        # "Read the column names" with a file: re-show the form as filled in, with the file's
        # columns on offer. Without a file (it is also what pressing Enter in a field sends, being
        # the form's first button), the form is saved.
        if "read_sample" in request.POST and request.FILES.get("sample"):
            return self.read_sample(form)
        if not form.is_valid():
            return self.render(form, MappingSampleForm())
        data = form.cleaned_data
        try:
            saved = column_mapping_save(
                state=request.state,
                user=request.user,
                name=data["name"],
                description=data["description"],
                fields=data["fields"],
                instance=self.mapping,
                seen_updated_at=data["seen_updated_at"] if self.mapping is not None else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render(form, MappingSampleForm())
        except StaleMappingEdit:
            form.add_error(
                None,
                _(
                    "Someone else saved this column mapping while you were editing it. Your changes are still in the "
                    "form below; open the list of mappings in another tab to see their version, then save again."
                ),
            )
            # The next save compares against what is stored now, not what this edit started from.
            self.mapping.refresh_from_db()
            form.data = form.data.copy()
            form.data["seen_updated_at"] = self.mapping.updated_at.isoformat()
            return self.render(form, MappingSampleForm())
        messages.success(request, _("The column mapping “%(name)s” was saved.") % {"name": saved.name})
        return redirect("workspace:mapping-list", state_slug=request.state.slug)

    def read_sample(self, form: ColumnMappingForm):
        sample_form = MappingSampleForm(self.request.POST, self.request.FILES)
        initial = form.raw_values()
        if sample_form.is_valid():
            initial["sample_columns"] = json.dumps([list(column) for column in sample_form.columns])
            sample_form = MappingSampleForm()
        return self.render(ColumnMappingForm(initial=initial), sample_form)

    def render(self, form: ColumnMappingForm, sample_form: MappingSampleForm):
        context = self.get_context_data(
            form=form,
            sample_form=sample_form,
            sample_columns=form.sample_column_list(),
            sample_columns_id=SAMPLE_COLUMNS_ID,
            mapping=self.mapping,
            list_targets=MAPPING_LIST_TARGETS,
        )
        return self.render_to_response(context)


class MappingCreateView(MappingFormView):
    def initial(self) -> dict:
        # "Start from" a preset or a saved mapping: its fields, under a name still to choose.
        start_from = self.request.GET.get("from", "")
        try:
            mapping = mapping_for(self.request.state, start_from) if start_from else None
        except ValueError:
            mapping = None
        return ColumnMappingForm.initial_for(mapping) if mapping is not None else {}


class MappingEditView(MappingFormView):
    def dispatch(self, request, *args, **kwargs):
        # The mapping first: another State's mapping is a 404 to everyone, before any permission answer.
        self.mapping = get_object_or_404(ColumnMapping, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def initial(self) -> dict:
        initial = {
            "name": self.mapping.name,
            "description": self.mapping.description,
            "seen_updated_at": self.mapping.updated_at,
        }
        try:
            return ColumnMappingForm.initial_for(mapping_of(self.mapping), **initial)
        except ValueError:
            return initial


class MappingDeleteView(StatePermissionMixin, TemplateView):
    """Asks first; deleting does not touch the imports made with the mapping."""

    permission_required = PERMISSION
    template_name = "imports/mapping_delete.html"

    def dispatch(self, request, *args, **kwargs):
        self.mapping = get_object_or_404(ColumnMapping, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(mapping=self.mapping, **kwargs)

    def post(self, request, *args, **kwargs):
        name = self.mapping.name
        column_mapping_delete(mapping=self.mapping)
        messages.success(request, _("The column mapping “%(name)s” was deleted.") % {"name": name})
        return redirect("workspace:mapping-list", state_slug=request.state.slug)
