from modeltranslation.translator import TranslationOptions, register

from recommendations.models import Entity, Mechanism, Recommendation


@register(Mechanism)
class MechanismTranslation(TranslationOptions):
    fields = ("name",)


@register(Entity)
class EntityTranslation(TranslationOptions):
    fields = ("name",)


@register(Recommendation)
class RecommendationTranslation(TranslationOptions):
    fields = ("text",)
