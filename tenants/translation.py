from modeltranslation.translator import TranslationOptions, register

from tenants.models import State


@register(State)
class StateTranslation(TranslationOptions):
    fields = ("name", "portal_introduction")
