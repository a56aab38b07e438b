"""Consultation's section of a State's settings page (tenants.state_settings). The NHRI's accounts
stay on the consultation settings page (workspace:consultation-settings)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.state_settings import SectionForm, SettingsSection, settings_section_register


class ConsultationForm(SectionForm):
    consultation_anonymous = forms.BooleanField(label=_("Allow anonymous submissions in consultations"), required=False)
    nhri_assessments_public = forms.BooleanField(
        label=_("Publish the national human rights institution's assessments on the portal"), required=False
    )
    fields_of_state = ("consultation_anonymous", "nhri_assessments_public")


def register() -> None:
    settings_section_register(
        SettingsSection(key="consultation", title=_("Consultation"), form_class=ConsultationForm, order=60)
    )
