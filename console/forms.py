"""The console's forms: creating a State, changing its status, support mode."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tenants.models import State, validate_state_slug

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]


class StateCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name in addresses"),
        max_length=60,
        validators=[validate_state_slug],
        help_text=_("Lower-case letters, digits and hyphens, such as “slovenia”."),
    )
    iso3 = forms.RegexField(
        label=_("ISO 3166 alpha-3 code"),
        regex=r"^[A-Za-z]{3}$",
        error_messages={"invalid": _("Three letters, such as SVN.")},
    )
    content_languages = forms.MultipleChoiceField(
        label=_("Content languages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["en"],
    )
    default_language = forms.ChoiceField(label=_("Default language"), choices=LANGUAGE_CHOICES, initial="en")
    portal_enabled = forms.BooleanField(label=_("Public portal on"), required=False)
    admin_email = forms.EmailField(label=_("First administrator's e-mail address"))
    admin_name = forms.CharField(label=_("First administrator's name"), max_length=200, required=False)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if State.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another State already uses this short name."))
        return slug

    def clean_iso3(self):
        iso3 = self.cleaned_data["iso3"].upper()
        if State.objects.filter(iso3=iso3).exists():
            raise forms.ValidationError(_("Another State already has this code."))
        return iso3

    def clean(self):
        data = super().clean()
        languages = data.get("content_languages") or []
        if data.get("default_language") and languages and data["default_language"] not in languages:
            self.add_error("default_language", _("The default language must be one of the content languages."))
        return data


class StateStatusForm(forms.Form):
    action = forms.ChoiceField(choices=[("suspend", _("Suspend")), ("resume", _("Resume"))], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Kept in the State's audit record."),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "suspend" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the State is suspended."))
        return data


class StateArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Kept in the State's audit record."),
        error_messages={"required": _("Say why the State is archived.")},
    )


class StateDeleteForm(forms.Form):
    confirm_slug = forms.CharField(
        label=_("Type the State's short name in addresses to confirm"),
        max_length=60,
        strip=False,
        error_messages={"required": _("Type the State's short name to confirm the deletion.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=_("Kept in the platform's audit record, which outlives the State."),
    )

    def __init__(self, *args, state: State, **kwargs):
        super().__init__(*args, **kwargs)
        self.state = state

    def clean_confirm_slug(self):
        typed = self.cleaned_data["confirm_slug"]
        if typed != self.state.slug:
            raise forms.ValidationError(_("That is not the State's short name; nothing was deleted."))
        return typed


class SupportStartForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Shown to the State's administrators, with every page you open."),
        error_messages={"required": _("Say why you need to enter the State.")},
    )
