"""The imports' section of a State's settings page: the scheduled UHRI fetch (imports.schedule)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from imports.forms import mechanisms_by_kind
from imports.models import UhriSchedule
from imports.schedule import schedule_save
from tenants.models import State, User
from tenants.scoping import state_context
from tenants.state_settings import SettingsSection, settings_section_register


class UhriScheduleSection(forms.Form):
    """On or off, how often, the mechanisms followed: the same fields as the imports' own page
    (``imports.forms.UhriScheduleForm``), as a section of the settings page."""

    enabled = forms.BooleanField(label=_("Fetch from the UHRI on a schedule"), required=False)
    interval_days = forms.TypedChoiceField(label=_("How often"), choices=UhriSchedule.Every.choices, coerce=int)
    mechanisms = forms.MultipleChoiceField(
        label=_("Mechanisms to follow"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only their recommendations are fetched. None ticked: every mechanism."),
    )

    def __init__(self, *args, state: State, user: User | None, **kwargs):
        self.state, self.user = state, user
        with state_context(state):
            self.schedule = UhriSchedule.objects.filter(state=state).first()
        kwargs.setdefault("initial", self.initial_for(self.schedule))
        super().__init__(*args, **kwargs)
        self.fields["mechanisms"].choices = [
            choice for _kind, choices in mechanisms_by_kind(lambda mechanism: str(mechanism.pk)) for choice in choices
        ]

    @staticmethod
    def initial_for(schedule: UhriSchedule | None) -> dict:
        if schedule is None:
            return {"enabled": False, "interval_days": UhriSchedule.Every.WEEK, "mechanisms": []}
        return {
            "enabled": schedule.enabled,
            "interval_days": schedule.interval_days,
            "mechanisms": [str(pk) for pk in schedule.mechanism_ids],
        }

    def save(self) -> list[str]:
        data = self.cleaned_data
        values = {
            "enabled": data["enabled"],
            "interval_days": data["interval_days"],
            "mechanisms": sorted(data["mechanisms"], key=int),
        }
        before = self.initial_for(self.schedule)
        before["mechanisms"] = sorted(before["mechanisms"], key=int)
        changed = [name for name, value in values.items() if before[name] != value]
        if changed:
            with state_context(self.state):
                schedule_save(
                    state=self.state,
                    user=self.user,
                    enabled=values["enabled"],
                    interval_days=values["interval_days"],
                    mechanism_ids=[int(pk) for pk in values["mechanisms"]],
                )
        return changed


def register() -> None:
    settings_section_register(
        SettingsSection(
            key="uhri",
            title=_("UHRI schedule"),
            form_class=UhriScheduleSection,
            order=55,
            description=_(
                "On a schedule, the State's recommendations in the Universal Human Rights Index are fetched and a "
                "preview of what is new or changed prepared; the secretariat confirms the import."
            ),
        )
    )
