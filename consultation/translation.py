from modeltranslation.translator import TranslationOptions, register

from consultation.models import Consultation


@register(Consultation)
class ConsultationTranslation(TranslationOptions):
    fields = ("title", "introduction")
