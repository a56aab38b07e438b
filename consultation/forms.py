"""Forms of consultation: comments, messages and replies, consultations and their review, the
NHRI's assessments and accounts, the settings, and the portal's submission form.

Build them inside the State's context: their choices read the State's entities, clusters,
people and recommendations.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultation.models import Assessment, Submission
from followup.evidence import accepted_types
from recommendations.filters import RecommendationFilter
from recommendations.models import Cluster, Entity, Recommendation, SavedView
from recommendations.queries import recommendations_visible_to

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _column(code: str) -> str:
    return code.replace("-", "_")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input (a list, possibly empty)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("Optional. %(types)s; at most %(limit)s each.")
            % {"types": accepted_types(), "limit": filesizeformat(settings.NRTD_MAX_EVIDENCE_BYTES)},
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class PersonChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.email})" if obj.name else obj.email


# --- Discussion ------------------------------------------------------------------------------------


class CommentForm(forms.Form):
    text = forms.CharField(label=_("What you want to say"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    mentioned = PersonChoices(
        label=_("Mention"),
        queryset=None,
        required=False,
        help_text=_("Each person ticked is told once, in the app and by e-mail."),
    )

    def __init__(self, *args, readers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentioned"].queryset = readers


# --- Messages --------------------------------------------------------------------------------------


def filter_query(value: str) -> str:
    """The query string of a recommendation list's address (or the query string itself)."""
    value = (value or "").strip()
    if "?" in value or value.startswith(("http://", "https://", "/")):
        value = urlsplit(value).query
    return value.lstrip("?")


def filtered_recommendations(query: str, *, request):
    """The recommendations the workspace's list shows for ``query`` (None when the filters are not valid)."""
    data = QueryDict(query)
    data = data.copy()
    for ignored in ("page", "format"):
        data.pop(ignored, None)
    filterset = RecommendationFilter(
        data, queryset=recommendations_visible_to(request.user, request.state), request=request
    )
    return filterset.qs if filterset.is_valid() else None


class ScopeMixin:
    """The recommendations a message or a consultation is about: a cluster, a saved view of the
    list, or the list's filters (its address, pasted)."""

    def add_scope_fields(self, request) -> None:
        self.request = request
        self.fields["cluster"] = forms.ModelChoiceField(
            label=_("Cluster"), queryset=Cluster.objects.order_by("position", "name"), required=False
        )
        self.fields["saved_view"] = forms.ModelChoiceField(
            label=_("Saved view of the recommendation list"),
            queryset=SavedView.objects.filter(owner=request.user) | SavedView.objects.filter(shared=True),
            required=False,
        )
        self.fields["filters"] = forms.CharField(
            label=_("Filters of the recommendation list"),
            required=False,
            max_length=2000,
            help_text=_(
                "Filter the recommendation list, then paste its address here (or open this form from the "
                "list's filters)."
            ),
        )

    def clean_scope(self, *, required: bool) -> None:
        data = self.cleaned_data
        queries = [
            q for q in (data.get("saved_view") and data["saved_view"].query, filter_query(data.get("filters"))) if q
        ]
        if data.get("saved_view") and data.get("filters"):
            self.add_error("filters", _("Choose a saved view or paste filters, not both."))
            return
        self.scope_query = queries[0] if queries else ""
        self.scope_recommendations = None
        if data.get("saved_view") or data.get("filters"):
            selection = filtered_recommendations(self.scope_query, request=self.request)
            if selection is None:
                self.add_error(
                    "filters",
                    _("These filters are not valid: open the recommendation list and copy its address again."),
                )
                return
            self.scope_recommendations = selection
        if required and self.scope_recommendations is None and data.get("cluster") is None:
            self.add_error(None, _("Choose the recommendations: a cluster, a saved view or the filters of the list."))


class MessageForm(ScopeMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000)
    entities = forms.ModelMultipleChoiceField(
        label=_("Entities"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their focal points receive the message."),
    )
    attachments = FilesField(label=_("Attachments"))

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entities"].queryset = Entity.objects.order_by("name")
        self.add_scope_fields(request)
        self.fields["cluster"].help_text = _("Or write to every entity responsible for a recommendation of a cluster…")
        self.fields["saved_view"].help_text = _("… of a saved view of the list…")
        self.order_fields(["subject", "text", "entities", "cluster", "saved_view", "filters", "attachments"])

    def clean(self):
        data = super().clean()
        self.clean_scope(required=False)
        nothing = not data.get("entities") and self.scope_recommendations is None and data.get("cluster") is None
        if nothing and not self.errors:
            self.add_error(
                "entities", _("Choose the entities to write to, or the recommendations whose entities to write to.")
            )
        return data

    def recommendations(self):
        """The recommendations chosen (a cluster's, a view's or the filters'), or None."""
        selection = self.scope_recommendations
        cluster = self.cleaned_data.get("cluster")
        if cluster is not None:
            selection = (selection if selection is not None else Recommendation.objects.all()).filter(
                cluster_ids__contains=[cluster.pk]
            )
        return selection


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000)
    entity = forms.ModelChoiceField(label=_("To"), queryset=None, required=False)
    attachments = FilesField(label=_("Attachments"))

    def __init__(self, *args, entities, secretariat: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["entity"]
        field.queryset = Entity.objects.filter(pk__in=[e.pk for e in entities]).order_by("name")
        if secretariat:
            field.empty_label = _("Everyone written to")
            field.help_text = _("Or only the focal points of one entity.")
        else:
            field.label = _("On behalf of")
            field.required = True
            field.empty_label = None


# --- Consultations ---------------------------------------------------------------------------------


class ConsultationForm(ScopeMixin, forms.Form):
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(
        label=_("Closes on"), widget=DATE, help_text=_("Information is taken until the end of this day.")
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opens_on"].initial = timezone.localdate()
        for code, language in settings.LANGUAGES:
            column = _column(code)
            self.fields[f"title_{column}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": _(language)}, max_length=300, required=False
            )
            self.fields[f"introduction_{column}"] = forms.CharField(
                label=_("Introduction in %(language)s") % {"language": _(language)},
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_("What the State asks, and how the information will be used."),
            )
            for name in (f"title_{column}", f"introduction_{column}"):
                self.fields[name].widget.attrs.update(lang=code, dir="auto")
        self.add_scope_fields(request)
        self.fields["cluster"].help_text = _("The recommendations of a cluster…")
        self.fields["saved_view"].help_text = _(
            "… or of a saved view of the list (in the cluster, if both are chosen)…"
        )

    def clean(self):
        data = super().clean()
        if not any((data.get(f"title_{_column(code)}") or "").strip() for code, _l in settings.LANGUAGES):
            self.add_error(None, _("Give the consultation a title in at least one language."))
        self.clean_scope(required=True)
        return data

    def texts(self, field: str) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"{field}_{_column(code)}", "") for code, _l in settings.LANGUAGES}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("accept", _("Accept: publish it on the recommendations' public pages")),
            ("consider", _("Mark as considered (not published)")),
            ("reject", _("Reject (not published)")),
        ],
    )
    note = forms.CharField(
        label=_("Note of the secretariat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the secretariat only; never published."),
    )
    seen = forms.CharField(widget=forms.HiddenInput)


# --- The NHRI --------------------------------------------------------------------------------------


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["implementation_status", "assessed_on", "text"]
        widgets = {"assessed_on": DATE, "text": forms.Textarea(attrs={"rows": 8})}
        labels = {"implementation_status": _("Implementation status, as the institution sees it")}
        help_texts = {"text": _("What the assessment rests on: facts, sources, what remains to be done.")}


class NhriAccountForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Name"), max_length=200)


# --- The portal's submission form ------------------------------------------------------------------


class SubmissionForm(forms.Form):
    """What a visitor sends. ``website`` is a trap for robots: hidden from people (and from
    assistive technology), it stays empty unless a program fills every field it finds."""

    kind = forms.ChoiceField(
        label=_("You write for"), choices=Submission.Kind.choices, widget=forms.RadioSelect, initial="civil_society"
    )
    organisation = forms.CharField(label=_("Name of the organisation"), max_length=300, required=False)
    contact = forms.CharField(
        label=_("Contact (e-mail address or telephone)"),
        max_length=300,
        required=False,
        help_text=_("For the secretariat only, should it need to ask you something; never published."),
    )
    recommendations = forms.MultipleChoiceField(
        label=_("Recommendations your information is about"), widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(label=_("Information"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000)
    file = forms.FileField(label=_("A file (optional)"), required=False)
    publish_name = forms.BooleanField(
        label=_("The name of my organisation may be published with my information"), required=False
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, recommendations, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.anonymous = anonymous
        self.fields["recommendations"].choices = [(str(r.pk), r) for r in recommendations]
        self.fields["file"].help_text = _("%(types)s; at most %(limit)s. For the secretariat; never published.") % {
            "types": accepted_types(),
            "limit": filesizeformat(settings.NRTD_MAX_EVIDENCE_BYTES),
        }
        if anonymous:
            self.fields["organisation"].help_text = _("Leave the name and the contact empty to send anonymously.")
        else:
            self.fields["organisation"].required = True
            self.fields["contact"].required = True
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")

    @property
    def is_trapped(self) -> bool:
        """A robot filled the hidden field."""
        return bool(self.data.get("website", "").strip())
