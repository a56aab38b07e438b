"""A State's settings page: each section saved on its own, every change in the State's log, the
portal and the forms following at once, reminder timing, and the sections other apps add."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.urls import reverse

from console.models import PlatformAuditEntry
from followup.models import DataCollectionRound, Notification, ReminderLog
from followup.reminders import reminders_run
from tenants.history_display import render
from tenants.models import HistoryEntry, State
from tenants.scoping import cross_state_access, state_context
from tenants.state_settings import SECTIONS, SectionForm, SettingsSection, settings_section_register

pytestmark = pytest.mark.django_db

SETTINGS = "/alpha/workspace/settings/"


def save(client, section: str, path: str = SETTINGS, **fields):
    data = {"section": section, **{f"{section}-{name}": value for name, value in fields.items()}}
    return client.post(path, data, follow=True)


def shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def general(**overrides) -> dict:
    return {"name_en": "Alphaland", "content_languages": ["en", "fr"], "default_language": "en", **overrides}


def test_the_page_shows_every_section_in_order(client, planted):
    client.force_login(planted.a.people["admin"])
    page = client.get(SETTINGS)
    assert [section.key for section, _form in page.context["sections"]] == [
        "general",
        "portal",
        "security",
        "review",
        "reminders",
        "uhri",
        "consultation",
    ]
    forms_by_key = {section.key: form for section, form in page.context["sections"]}
    # One name and one introduction per content language (English and French here).
    assert list(forms_by_key["general"].fields) == ["name_en", "name_fr", "content_languages", "default_language"]
    assert list(forms_by_key["portal"].fields) == [
        "portal_enabled",
        "portal_introduction_en",
        "portal_introduction_fr",
    ]
    assert forms_by_key["reminders"].initial == {"reminder_days_before": 7, "overdue_reminder_days": 7}


def test_a_change_is_saved_and_kept_in_the_states_log_with_who_made_it(client, planted):
    admin = planted.a.people["admin"]
    client.force_login(admin)
    response = save(client, "general", **general(name_en="Alphaland Republic", name_fr="République d'Alphaland"))
    assert response.redirect_chain == [(f"{SETTINGS}#settings-general", 302)]
    assert shown(response) == ["“Name and languages” is saved."]
    state = State.objects.get(pk=planted.a.state.pk)
    assert (state.name_en, state.name_fr, state.name) == (
        "Alphaland Republic",
        "République d'Alphaland",
        "Alphaland Republic",
    )
    # Saved again unchanged: nothing to record.
    again = save(client, "general", **general(name_en="Alphaland Republic", name_fr="République d'Alphaland"))
    assert shown(again) == ["“Name and languages” had no change to save."]
    with state_context(state):
        [entry] = HistoryEntry.objects.filter(table_name="tenants_state", operation="U")
        [line] = render([entry], state=state)
    assert entry.actor == admin
    assert (line.kind, line.title, line.action, line.who) == (
        "State",
        "Alphaland Republic",
        "changed",
        "admin of Alphaland",
    )
    assert [(c.label, c.before, c.after) for c in line.changes] == [
        ("Name (English)", "Alphaland", "Alphaland Republic"),
        ("Name (French)", "—", "République d'Alphaland"),
    ]


def test_the_default_language_must_be_a_content_language(client, planted):
    client.force_login(planted.a.people["admin"])
    response = save(client, "general", **general(content_languages=["en"], default_language="fr"))
    assert response.status_code == 200
    assert shown(response) == ["Nothing was saved: correct what is marked below."]
    forms_by_key = {section.key: form for section, form in response.context["sections"]}
    assert forms_by_key["general"].errors == {
        "default_language": ["The default language must be one of the content languages."],
    }
    # French as the default language, with no French name yet.
    response = save(client, "general", **general(default_language="fr", name_fr=""))
    forms_by_key = {section.key: form for section, form in response.context["sections"]}
    assert forms_by_key["general"].errors == {
        "__all__": ["Give the State's name in its default language (French) first."]
    }
    state = State.objects.get(pk=planted.a.state.pk)
    assert (state.content_languages, state.default_language) == (["en", "fr"], "en")


def test_content_languages_change_the_forms(client, planted):
    client.force_login(planted.a.people["admin"])
    new = reverse("workspace:recommendation-create", kwargs={"state_slug": "alpha"})
    assert [name for name in client.get(new).context["form"].fields if name.startswith("text_")] == [
        "text_en",
        "text_fr",
    ]
    save(client, "general", **general(content_languages=["en", "es", "ar"]))
    assert [name for name in client.get(new).context["form"].fields if name.startswith("text_")] == [
        "text_en",
        "text_es",
        "text_ar",
    ]
    page = client.get(SETTINGS)
    forms_by_key = {section.key: form for section, form in page.context["sections"]}
    assert [name for name in forms_by_key["portal"].fields if name.startswith("portal_introduction_")] == [
        "portal_introduction_en",
        "portal_introduction_es",
        "portal_introduction_ar",
    ]


def test_a_portal_turned_on_later_appears_at_once_with_its_introduction(client, planted):
    # Betaland's portal is off.
    portal = reverse("portal:home", kwargs={"state_slug": "beta"})
    assert client.get(portal).status_code == 404
    client.force_login(planted.b.people["admin"])
    saved = save(
        client,
        "portal",
        path="/beta/workspace/settings/",
        portal_enabled="on",
        portal_introduction_en="Published by the Ministry of Foreign Affairs of Betaland.",
    )
    assert shown(saved) == ["“Public portal” is saved."]
    client.logout()
    page = client.get(portal)
    assert page.status_code == 200
    assert "<p>Published by the Ministry of Foreign Affairs of Betaland.</p>" in page.content.decode()
    # A visitor's page is cached; a new introduction shows at once all the same.
    client.force_login(planted.b.people["admin"])
    save(
        client,
        "portal",
        path="/beta/workspace/settings/",
        portal_enabled="on",
        portal_introduction_en="What Betaland does about the recommendations it received.",
    )
    client.logout()
    assert "What Betaland does about the recommendations it received." in client.get(portal).content.decode()
    # Turned off: gone at once.
    client.force_login(planted.b.people["admin"])
    save(client, "portal", path="/beta/workspace/settings/", portal_introduction_en="")
    client.logout()
    assert client.get(portal).status_code == 404


def test_a_new_round_proposes_the_states_first_reminder(client, planted):
    client.force_login(planted.a.people["admin"])
    save(client, "reminders", reminder_days_before="10", overdue_reminder_days="3")
    state = State.objects.get(pk=planted.a.state.pk)
    assert (state.reminder_days_before, state.overdue_reminder_days) == (10, 3)
    form = client.get(reverse("workspace:round-create", kwargs={"state_slug": "alpha"})).context["form"]
    assert form.initial["remind_days_before"] == 10
    refused = save(client, "reminders", reminder_days_before="-1", overdue_reminder_days="0")
    forms_by_key = {section.key: form for section, form in refused.context["sections"]}
    assert forms_by_key["reminders"].errors == {
        "reminder_days_before": ["Ensure this value is greater than or equal to 0."],
        "overdue_reminder_days": ["Ensure this value is greater than or equal to 1."],
    }


def test_overdue_reminders_follow_the_states_timing(planted, django_capture_on_commit_callbacks):
    a = planted.a
    deadline = datetime.date(2026, 12, 5)
    with cross_state_access():
        ReminderLog.objects.all().delete()
        DataCollectionRound.objects.filter(pk=a.data_round.pk).update(deadline=deadline)
        DataCollectionRound.objects.filter(pk=planted.b.data_round.pk).update(
            deadline=deadline + datetime.timedelta(300)
        )
        State.objects.filter(pk=a.state.pk).update(overdue_reminder_days=3)
    overdue = []
    for days_late in range(1, 9):
        with django_capture_on_commit_callbacks(execute=True):
            overdue.append(reminders_run(today=deadline + datetime.timedelta(days_late)).overdue)
    # Every three days from the first day late: days 1, 4 and 7.
    assert overdue == [1, 0, 0, 1, 0, 0, 1, 0]
    with state_context(a.state):
        assert sorted(ReminderLog.objects.filter(kind="overdue").values_list("period", flat=True)) == [
            "3d:0",
            "3d:1",
            "3d:2",
        ]
        assert Notification.objects.filter(kind="overdue").count() == 3


def test_the_hosting_office_changes_settings_from_the_console(client, planted):
    client.force_login(planted.platform_admin)
    path = reverse("platform:state-settings", kwargs={"pk": planted.a.state.pk})
    response = save(client, "review", path=path)
    assert response.redirect_chain == [(f"{path}#settings-review", 302)]
    assert State.objects.get(pk=planted.a.state.pk).four_eyes_review is False
    # It may turn two-factor sign-in on: it always signs in with a code itself.
    save(client, "security", path=path, require_two_factor="on")
    assert State.objects.get(pk=planted.a.state.pk).require_two_factor is True
    assert list(
        PlatformAuditEntry.objects.filter(state_ref=planted.a.state.pk, action="settings").values_list(
            "details__section", flat=True
        )
    ) == ["security", "review"]
    with state_context(planted.a.state):
        actors = set(
            HistoryEntry.objects.filter(table_name="tenants_state", operation="U").values_list("actor", flat=True)
        )
    assert actors == {planted.platform_admin.pk}


class MottoForm(SectionForm):
    motto = forms.CharField(label="Motto", required=False)

    def save(self):
        return ["motto"] if self.cleaned_data["motto"] else []


def test_another_app_adds_a_section(client, planted):
    # Between "Review" (40) and "Reminders" (50).
    settings_section_register(SettingsSection(key="motto", title="Motto", form_class=MottoForm, order=45))
    try:
        client.force_login(planted.a.people["admin"])
        page = client.get(SETTINGS)
        assert [section.key for section, _form in page.context["sections"]] == [
            "general",
            "portal",
            "security",
            "review",
            "motto",
            "reminders",
            "uhri",
            "consultation",
        ]
        assert 'id="settings-motto"' in page.content.decode()
        assert shown(save(client, "motto", motto="Rights for all")) == ["“Motto” is saved."]
    finally:
        del SECTIONS["motto"]
