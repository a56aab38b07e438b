"""Forms of curation: entities, focal points, clusters, a recommendation's curation, bulk actions, saved views.

Build them inside the State's context: their choices are the State's own entities and clusters.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from recommendations import extensions
from recommendations.models import Cluster, Entity, FocalPoint, Recommendation, SavedView
from recommendations.priority import FACTOR_CHOICES

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def _column(code: str) -> str:
    return code.replace("-", "_")


class TranslatedNamesMixin:
    """A name field per interface language (``name_en``, ``name_fr``...); at least one is required."""

    name_label = _("Name")

    def add_name_fields(self, instance=None) -> None:
        for code, language in settings.LANGUAGES:
            field = f"name_{_column(code)}"
            self.fields[field] = forms.CharField(
                label=_("%(field)s in %(language)s") % {"field": self.name_label, "language": _(language)},
                max_length=300,
                required=False,
                initial=getattr(instance, field, "") if instance else "",
            )
            self.fields[field].widget.attrs["lang"] = code

    def names(self) -> dict[str, str]:
        return {
            _column(code): self.cleaned_data.get(f"name_{_column(code)}", "").strip() for code, _l in settings.LANGUAGES
        }

    def clean_names(self) -> None:
        if not any(self.names().values()):
            self.add_error(None, _("Give the name in at least one language."))

    def refuse_taken_names(self, others, message) -> None:
        """An error on each name another object of ``others`` bears, in any language: each language's
        name is unique in the State, and so is the one a list falls back on."""
        for column, value in self.names().items():
            if not value:
                continue
            condition = Q(pk__in=[])
            for code, _l in settings.LANGUAGES:
                condition |= Q(**{f"name_{_column(code)}": value})
            if others.filter(condition).exists():
                self.add_error(f"name_{column}", message)


class EntityForm(TranslatedNamesMixin, forms.ModelForm):
    # Declared (not generated): the generated field would read the scoped manager at import time.
    parent = forms.ModelChoiceField(label=_("Part of"), queryset=None, required=False)

    class Meta:
        model = Entity
        fields = ["short_name", "kind", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_name_fields(self.instance if self.instance.pk else None)
        # Part of another entity of the State, never of itself or of one of its own parts.
        parents = Entity.objects.all()
        if self.instance.pk:
            parents = parents.exclude(pk__in=_descendants(self.instance))
        self.fields["parent"].queryset = parents
        self.order_fields([f"name_{_column(code)}" for code, _l in settings.LANGUAGES])

    def clean(self):
        data = super().clean()
        self.clean_names()
        self.refuse_taken_names(Entity.objects.exclude(pk=self.instance.pk), _("Another entity already has this name."))
        return data

    def save(self, commit=True):
        for column, value in self.names().items():
            setattr(self.instance, f"name_{column}", value or None)
        return super().save(commit)


def _descendants(entity: Entity) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in Entity.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = {entity.pk}, [entity.pk]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


class FocalPointInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=FocalPoint.Kind.choices, initial=FocalPoint.Kind.TECHNICAL)


class ClusterForm(TranslatedNamesMixin, forms.Form):
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, instance: Cluster | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.add_name_fields(instance)
        if instance is not None:
            self.fields["description"].initial = instance.description
        self.order_fields([f"name_{_column(code)}" for code, _l in settings.LANGUAGES])

    def clean(self):
        data = super().clean()
        self.clean_names()
        self.refuse_taken_names(
            Cluster.objects.exclude(pk=getattr(self.instance, "pk", None)), _("Another cluster already has this name.")
        )
        return data


class ClusterMergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Keep this cluster"), queryset=None)
    others = forms.ModelMultipleChoiceField(
        label=_("Merge these into it"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = self.fields["others"].queryset = Cluster.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("into") and data.get("others") and set(data["others"]) <= {data["into"]}:
            self.add_error("others", _("Choose at least one other cluster to merge."))
        return data


class ClusterSeedForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Create clusters from"),
        choices=[
            ("broad_themes", _("Broad UHRI themes (such as “Civil & political rights”)")),
            ("themes", _("UHRI themes (such as “Freedom of expression”)")),
            ("sdg_goals", _("Sustainable Development Goals")),
        ],
    )


class CurationForm(forms.Form):
    clusters = forms.ModelMultipleChoiceField(
        label=_("Clusters"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    primary_cluster = forms.ModelChoiceField(label=_("Primary cluster"), queryset=None, required=False)
    lead_entity = forms.ModelChoiceField(label=_("Lead entity"), queryset=None, required=False)
    supporting_entities = forms.ModelMultipleChoiceField(label=_("Supporting entities"), queryset=None, required=False)
    priority_factors = forms.MultipleChoiceField(
        label=_("Priority factors set by the secretariat"),
        choices=FACTOR_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    seen_updated_at = forms.DateTimeField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clusters"].queryset = self.fields["primary_cluster"].queryset = Cluster.objects.all()
        self.fields["lead_entity"].queryset = self.fields["supporting_entities"].queryset = Entity.objects.all()

    @staticmethod
    def initial_for(recommendation: Recommendation) -> dict:
        return {
            "clusters": recommendation.cluster_ids,
            "primary_cluster": recommendation.primary_cluster_id,
            "lead_entity": recommendation.lead_entity_id,
            "supporting_entities": recommendation.supporting_entity_ids,
            "priority_factors": recommendation.priority_factors,
            "seen_updated_at": recommendation.updated_at.isoformat(),
        }


BULK_ACTIONS = [
    ("assign_lead", _("Assign to an entity as lead")),
    ("assign_supporting", _("Assign to an entity as supporting")),
    ("unassign", _("Take an entity off")),
    ("cluster_add", _("Add to a cluster")),
    ("cluster_primary", _("Add to a cluster, as primary")),
    ("cluster_remove", _("Take out of a cluster")),
    ("factor_on", _("Set a priority factor")),
    ("factor_off", _("Clear a priority factor")),
    ("publish", _("Publish on the portal")),
    ("unpublish", _("Take off the portal")),
    ("relate", _("Group as related (they ask the same thing)")),
]
NEEDS = {
    "assign_lead": "entity",
    "assign_supporting": "entity",
    "unassign": "entity",
    "cluster_add": "cluster",
    "cluster_primary": "cluster",
    "cluster_remove": "cluster",
    "factor_on": "factor",
    "factor_off": "factor",
}


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=[("", "—"), *BULK_ACTIONS])
    scope = forms.ChoiceField(
        label=_("Apply to"),
        choices=[
            ("selected", _("the recommendations ticked")),
            ("all", _("every recommendation matching the filters")),
        ],
        initial="selected",
        widget=forms.RadioSelect,
    )
    entity = forms.ModelChoiceField(label=_("Entity"), queryset=None, required=False)
    cluster = forms.ModelChoiceField(label=_("Cluster"), queryset=None, required=False)
    factor = forms.ChoiceField(label=_("Priority factor"), choices=[("", "—"), *FACTOR_CHOICES], required=False)
    with_related = forms.BooleanField(
        label=_("Also their related recommendations"),
        required=False,
        help_text=_("When assigning: the recommendations confirmed as asking the same thing go to the same entity."),
    )
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.MultipleHiddenInput)
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # Its own element ids: the list's filter form, on the same page, has fields of the same names.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = Entity.objects.all()
        self.fields["cluster"].queryset = Cluster.objects.all()
        # Actions other apps offer (recommendations.extensions), with the field that chooses their
        # object, placed before the options that apply to every action.
        self.fields["action"].choices += [(name, action.label) for name, action in extensions.BULK_ACTIONS.items()]
        for action in extensions.BULK_ACTIONS.values():
            self.fields[action.field_name] = action.field()
        self.order_fields(
            ["action", "scope", "entity", "cluster", "factor"]
            + [action.field_name for action in extensions.BULK_ACTIONS.values()]
        )
        # Any ids are accepted here; the view keeps only the State's own (others are not found).
        self.fields["ids"].choices = [(value, value) for value in (self.data.getlist("ids") if self.data else [])]

    def layout(self) -> list[tuple[forms.BoundField, str]]:
        """The visible fields, each with the actions it serves ("" for all): the page shows a
        field with its actions only (nrtd.js; without script, all of them)."""
        serves: dict[str, list[str]] = {}
        for action, name in NEEDS.items():
            serves.setdefault(name, []).append(action)
        serves["with_related"] = ["assign_lead", "assign_supporting"]
        for action in extensions.BULK_ACTIONS.values():
            serves.setdefault(action.field_name, []).append(action.name)
        return [(field, " ".join(serves.get(field.name, []))) for field in self.visible_fields()]

    def clean(self):
        data = super().clean()
        action = data.get("action", "")
        extra = extensions.BULK_ACTIONS.get(action)
        needed = extra.field_name if extra is not None else NEEDS.get(action)
        if needed and not data.get(needed):
            self.add_error(needed, _("Choose one for this action."))
        if data.get("scope") == "selected" and not data.get("ids"):
            self.add_error(
                None, _("Tick at least one recommendation, or apply the action to every one matching the filters.")
            )
        return data


class SavedViewForm(forms.ModelForm):
    class Meta:
        model = SavedView
        fields = ["name", "shared", "query"]
        widgets = {"query": forms.HiddenInput}
