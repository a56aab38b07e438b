"""The site's own template tags and filters: ``{% load nrtd %}``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django import template
from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timeuntil

from nrtd.charts import format_number

register = template.Library()


@register.filter
def timeuntil_delta(delta: timedelta | None) -> str:
    """A duration in words, in the active language ("15 minutes")."""
    if not delta:
        return ""
    now = timezone.now()
    return timeuntil(now + delta, now)


# The workspace's navigation ---------------------------------------------------------------------

# Which section of the navigation a workspace page belongs to, by the start of its URL name; the
# first match wins (an indicator of a recommendation belongs to the plans, not the recommendations).
# A page not named here marks no section: add new pages' prefixes to their section.
WORKSPACE_SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("plans", ("plan-", "action-", "indicator-", "measurement-", "recommendation-indicator-")),
    ("updates", ("update-", "recommendation-update-", "evidence-", "round-")),
    ("recommendations", ("recommendation-", "saved-view-", "related-", "import-", "mapping-")),
    ("clusters", ("cluster-",)),
    ("entities", ("entity-", "focal-point-")),
    ("calendar", ("calendar", "obligation-")),
    ("dashboard", ("dashboard",)),
    ("drafts", ("draft-", "pack-return-")),
    ("messages", ("message-", "attachment-")),
    ("consultations", ("consultation-", "submission-", "assessment-")),
    ("my-work", ("my-work", "notification-")),
    ("home", ("home", "member-", "security", "support-log", "state-", "settings", "people", "person-", "invitation-")),
]


@register.simple_tag(takes_context=True)
def nav_section(context) -> str:
    """The navigation section of the workspace page being shown ("" when it has none)."""
    match = getattr(context.get("request"), "resolver_match", None)
    if match is None or match.namespace != "workspace":
        return ""
    name = match.url_name or ""
    for section, prefixes in WORKSPACE_SECTIONS:
        if name.startswith(prefixes):
            return section
    return ""


@register.simple_tag(takes_context=True)
def nav_current(context, section: str, link_section: str, link_url_name: str) -> SafeString:
    """``aria-current`` for a navigation link: "page" on the page it leads to, "true" on the other
    pages of its section (the style marks both), nothing elsewhere."""
    if section != link_section:
        return mark_safe("")
    match = getattr(context.get("request"), "resolver_match", None)
    if match is not None and match.url_name == link_url_name:
        return mark_safe(' aria-current="page"')
    return mark_safe(' aria-current="true"')


# Text in another language than the page's ------------------------------------------------------

RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur"})


@dataclass(frozen=True)
class Shown:
    """A translatable text as shown on the page: its value and the language it is in."""

    value: str
    language: str  # a language code ("en", "zh-hans"), "" when unknown

    @property
    def direction(self) -> str:
        return "rtl" if self.language.split("-")[0] in RTL_LANGUAGES else "ltr"

    @property
    def foreign(self) -> bool:
        """In another language than the page's."""
        return bool(self.language) and self.language != translation.get_language()

    def __str__(self) -> str:
        return self.value


def _field_language(name: str) -> str:
    # django-modeltranslation's column suffixes: name_en, name_zh_hans.
    return name.replace("_", "-")


def shown(obj, field: str) -> Shown:
    """The text django-modeltranslation shows for ``obj.<field>`` in the active language, and the
    language it is really in: the active language's own column, or the first fallback that has a
    text (``MODELTRANSLATION_FALLBACK_LANGUAGES``, the order the model shows them in)."""
    if obj is None:
        return Shown("", "")
    active = translation.get_language() or settings.LANGUAGE_CODE
    languages = [active, *getattr(settings, "MODELTRANSLATION_LANGUAGES", ())]
    for code in dict.fromkeys(languages):
        column = f"{field}_{code.replace('-', '_')}"
        value = getattr(obj, column, None)
        if value:
            return Shown(str(value), code)
    value = getattr(obj, field, "")
    return Shown(str(value or ""), "")


@register.simple_tag
def text_of(obj, field: str) -> Shown:
    """``{% text_of recommendation "text" as text %}``, then ``lang="{{ text.language }}"
    dir="{{ text.direction }}"`` on the element that holds ``{{ text.value }}``."""
    return shown(obj, field)


@register.filter
def in_language(obj, field: str = "name") -> SafeString:
    """``{{ entity|in_language:"name" }}``: the text, in a ``<span lang dir>`` when it is in
    another language than the page's (a translation missing, the original shown), so it is read
    out in its language and isolated from the text around it (no misplaced brackets in Arabic)."""
    text = shown(obj, field)
    if text.foreign:
        return format_html('<span lang="{}" dir="{}">{}</span>', text.language, text.direction, text.value)
    return format_html("{}", text.value)


@register.filter
def language_label(code: str) -> str:
    """A language's name in the page's language, as the site names it (settings.LANGUAGES:
    "Arabic" is "arabe" on a French page); another language by Django's list of languages,
    and a code neither knows as it is."""
    names = dict(settings.LANGUAGES)
    if code in names:
        return str(names[code])
    try:
        return translation.get_language_info(code)["name_translated"]
    except KeyError:
        return code


# Languages whose names are written in lower case inside a sentence ("en anglais", "en inglés").
LOWER_CASE_LANGUAGE_NAMES = frozenset({"fr", "es", "ru", "it", "pt", "nl"})


@register.filter
def language_in_sentence(code: str) -> str:
    """A language's name as it is written inside a sentence of the page's language."""
    name = language_label(code)
    page = (translation.get_language() or "").split("-")[0]
    return name.lower() if page in LOWER_CASE_LANGUAGE_NAMES else name


@register.filter
def language_labels(codes) -> str:
    """Several languages' names, in the page's language: "English, French"."""
    return ", ".join(language_label(code) for code in codes or ())


@register.filter
def direction(code: str) -> str:
    """The direction a language is written in: "rtl" or "ltr"."""
    return "rtl" if str(code or "").split("-")[0] in RTL_LANGUAGES else "ltr"


@register.filter
def number(value) -> str:
    """A figure as the active language writes it, grouped by thousands."""
    if value is None or value == "":
        return ""
    return format_number(value)
