"""A State's settings page, as sections that apps register (docs/people.md#state-settings).

Each section is a form over some of the State's settings, saved on its own (its own button,
its own errors). The page (``tenants.views.settings``) and the console's copy of it
(``console.views.settings``) show every registered section, in ``order``, to whoever may change
the State's settings. An app adds a section from its ``AppConfig.ready()``:

    settings_section_register(SettingsSection(key="uhri", title=_("UHRI schedule"), form_class=..., order=60))

A section's form takes ``state`` (a fresh copy of the State, to change) and ``user`` (who asks:
``None`` for the hosting office) besides the form's own arguments, and its ``save()`` writes
through ``tenants.services.state_settings_save`` (or the app's own service) and returns the
names of what changed. Every change lands in the State's log: the State's row has a history
trigger like any State-owned table.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from tenants import two_factor
from tenants.models import State, User
from tenants.services import state_settings_save

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]


@dataclass(frozen=True)
class SettingsSection:
    key: str  # the form's prefix and the page's anchor
    title: Any
    form_class: type[forms.Form]
    order: int = 100
    description: Any = ""


SECTIONS: dict[str, SettingsSection] = {}


def settings_section_register(section: SettingsSection) -> None:
    SECTIONS[section.key] = section


def settings_sections() -> list[SettingsSection]:
    return sorted(SECTIONS.values(), key=lambda section: (section.order, section.key))


def translated_column(name: str, code: str) -> str:
    return f"{name}_{code.replace('-', '_')}"


def language_name(code: str) -> str:
    return get_language_info(code)["name_translated"]


class SectionForm(forms.Form):
    """A section's form over fields of the State of the same names."""

    fields_of_state: tuple[str, ...] = ()

    def __init__(self, *args, state: State, user: User | None, **kwargs):
        self.state, self.user = state, user
        kwargs.setdefault("initial", {name: getattr(state, name) for name in self.fields_of_state})
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields_of_state if name in self.cleaned_data}

    def save(self) -> list[str]:
        return state_settings_save(state=self.state, values=self.values())


class TranslatedTextsMixin:
    """One field per content language of the State for a translatable setting (``name_en``…)."""

    def add_translations(self, name: str, *, label, widget=None, required_default: bool = False, max_length=None):
        for code in self.state.content_languages or [self.state.default_language]:
            column = translated_column(name, code)
            self.fields[column] = forms.CharField(
                label=_("%(label)s (%(language)s)") % {"label": label, "language": language_name(code)},
                required=required_default and code == self.state.default_language,
                max_length=max_length,
                # A widget of its own per field: attrs (the language below) are the widget's.
                widget=copy.deepcopy(widget) if widget is not None else forms.TextInput(),
                initial=getattr(self.state, column) or "",
            )
            # The text's own language and direction (an English name on an Arabic page).
            self.fields[column].widget.attrs.update({"lang": code, "dir": "auto"})
            self.translated.append(column)

    def translated_values(self) -> dict[str, Any]:
        return {column: self.cleaned_data.get(column) or None for column in self.translated}


class GeneralForm(TranslatedTextsMixin, SectionForm):
    content_languages = forms.MultipleChoiceField(
        label=_("Content languages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages the State's recommendations, entities and reports are written in."),
    )
    default_language = forms.ChoiceField(
        label=_("Default language"),
        choices=LANGUAGE_CHOICES,
        help_text=_("For e-mails to people who chose no language, and texts not yet translated."),
    )
    fields_of_state = ("content_languages", "default_language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.translated: list[str] = []
        self.add_translations("name", label=_("Name"), required_default=True, max_length=200)
        # The names first, then the languages.
        self.order_fields([*self.translated, "content_languages", "default_language"])

    def clean(self):
        data = super().clean()
        languages = data.get("content_languages") or []
        if data.get("default_language") and languages and data["default_language"] not in languages:
            self.add_error("default_language", _("The default language must be one of the content languages."))
        default_name = translated_column("name", data.get("default_language") or self.state.default_language)
        if not (data.get(default_name) or getattr(self.state, default_name)):
            self.add_error(
                None,
                _("Give the State's name in its default language (%(language)s) first.")
                % {"language": language_name(data.get("default_language") or self.state.default_language)},
            )
        return data

    def values(self):
        return {**super().values(), **self.translated_values()}


class PortalForm(TranslatedTextsMixin, SectionForm):
    portal_enabled = forms.BooleanField(
        label=_("The public portal is on"),
        required=False,
        help_text=_("Anyone can then search the recommendations you publish, and their published progress."),
    )
    fields_of_state = ("portal_enabled",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.translated: list[str] = []
        self.add_translations(
            "portal_introduction",
            label=_("Introduction"),
            widget=forms.Textarea(attrs={"rows": 4}),
            max_length=4000,
        )

    def values(self):
        return {**super().values(), **self.translated_values()}


class SecurityForm(SectionForm):
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor sign-in for administrators and secretariat officers"),
        required=False,
        help_text=_(
            "They will have to give a code from an authenticator app when they sign in, to use the "
            "workspace and the API. Focal points and observers are not asked."
        ),
    )
    fields_of_state = ("require_two_factor",)

    def clean_require_two_factor(self):
        value = self.cleaned_data["require_two_factor"]
        # The hosting office (user None) is always verified; an administrator must be, or they
        # would lock themselves out.
        if value and self.user is not None and not two_factor.is_verified(self.user):
            raise forms.ValidationError(
                _(
                    "Set up two-factor sign-in for yourself first, and sign in with a code: "
                    "otherwise you would be locked out."
                )
            )
        return value


def register() -> None:
    for section in (
        SettingsSection(key="general", title=_("Name and languages"), form_class=GeneralForm, order=10),
        SettingsSection(
            key="portal",
            title=_("Public portal"),
            form_class=PortalForm,
            order=20,
            description=_("The introduction is shown at the top of the portal, in the visitor's language."),
        ),
        SettingsSection(key="security", title=_("Security"), form_class=SecurityForm, order=30),
    ):
        settings_section_register(section)
