"""The follow-up's sections of a State's settings page: the review rule and reminder timing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.state_settings import SectionForm, SettingsSection, settings_section_register


class ReviewForm(SectionForm):
    four_eyes_review = forms.BooleanField(
        label=_("Four-eyes review of progress updates"),
        required=False,
        help_text=_(
            "The person who wrote or last edited a progress update cannot validate it: another administrator "
            "or secretariat officer must."
        ),
    )
    fields_of_state = ("four_eyes_review",)


class RemindersForm(SectionForm):
    reminder_days_before = forms.IntegerField(
        label=_("First reminder, days before a deadline"),
        min_value=0,
        max_value=90,
        help_text=_(
            "What a new data-collection round proposes: focal points with tasks still open are reminded this "
            "many days before its deadline (each round can say otherwise)."
        ),
    )
    overdue_reminder_days = forms.IntegerField(
        label=_("After a deadline, remind every (days)"),
        min_value=1,
        max_value=90,
        help_text=_("Focal points whose tasks are overdue are reminded again after this many days."),
    )
    fields_of_state = ("reminder_days_before", "overdue_reminder_days")


def register() -> None:
    settings_section_register(SettingsSection(key="review", title=_("Review"), form_class=ReviewForm, order=40))
    settings_section_register(
        SettingsSection(key="reminders", title=_("Reminders"), form_class=RemindersForm, order=50)
    )
