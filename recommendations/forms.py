"""Entering or editing a recommendation by hand."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from recommendations.models import (
    AffectedGroup,
    Country,
    Mechanism,
    Position,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)


class RecommendationForm(forms.Form):
    """Create or edit a recommendation by hand; texts in the State's content languages."""

    mechanism = forms.ModelChoiceField(label=_("Mechanism"), queryset=Mechanism.objects.all())
    symbol = forms.CharField(label=_("Document symbol"), max_length=100, required=False)
    paragraph = forms.CharField(label=_("Paragraph"), max_length=40, required=False)
    annotation_type = forms.ChoiceField(label=_("Type"), choices=Recommendation.AnnotationType.choices)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    upr_cycle = forms.IntegerField(label=_("UPR cycle"), required=False, min_value=1, max_value=9)
    upr_session = forms.IntegerField(label=_("UPR session"), required=False, min_value=1, max_value=200)
    position = forms.ChoiceField(label=_("Position"), choices=[("", "—"), *Position.choices], required=False)
    published = forms.BooleanField(label=_("Published on the public portal"), required=False)
    themes = forms.ModelMultipleChoiceField(label=_("Themes"), queryset=Theme.objects.all(), required=False)
    affected_groups = forms.ModelMultipleChoiceField(
        label=_("Affected groups"), queryset=AffectedGroup.objects.all(), required=False
    )
    sdg_targets = forms.ModelMultipleChoiceField(
        label=_("SDG targets"), queryset=SdgTarget.objects.select_related("goal"), required=False
    )
    sdg_goals = forms.ModelMultipleChoiceField(
        label=_("SDG goals"),
        queryset=SdgGoal.objects.all(),
        required=False,
        help_text=_("Goals the recommendation names without a particular target."),
    )
    recommending_countries = forms.ModelMultipleChoiceField(
        label=_("Recommending States"), queryset=Country.objects.all(), required=False
    )
    seen_updated_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    LINK_FIELDS = ("themes", "affected_groups", "sdg_targets", "sdg_goals", "recommending_countries")

    def __init__(self, *args, state, **kwargs):
        super().__init__(*args, **kwargs)
        languages = dict(settings.LANGUAGES)
        self.text_fields = []
        for code in state.content_languages or [settings.LANGUAGE_CODE]:
            if code not in languages:
                continue
            name = "text_" + code.replace("-", "_")
            self.fields[name] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": languages[code]}, widget=forms.Textarea, required=False
            )
            self.text_fields.append(name)

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in self.text_fields):
            raise forms.ValidationError(_("Write the text of the recommendation in at least one language."))
        return data

    def split(self) -> tuple[dict, dict]:
        """The model values and the link lists, from the cleaned data."""
        data = dict(self.cleaned_data)
        data.pop("seen_updated_at", None)
        links = {name: list(data.pop(name)) for name in self.LINK_FIELDS}
        for name in self.text_fields:
            data[name] = data[name] or None
        return data, links

    @classmethod
    def initial_for(cls, recommendation: Recommendation) -> dict:
        initial = {
            name: getattr(recommendation, name)
            for name in ("mechanism", "symbol", "paragraph", "annotation_type", "issued_on", "upr_cycle", "upr_session")
        }
        initial |= {"position": recommendation.position, "published": recommendation.published}
        initial |= {name: getattr(recommendation, name).all() for name in cls.LINK_FIELDS}
        initial |= {
            f"text_{code}": getattr(recommendation, f"text_{code}")
            for code in ("en", "fr", "es", "ar", "ru", "zh_hans")
        }
        initial["seen_updated_at"] = recommendation.updated_at
        return initial


# --- Column mappings -----------------------------------------------------------------------------

# What each target field of a mapping is, in the words of the mapping page (tabular.TARGET_FIELDS).
