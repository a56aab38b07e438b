from modeltranslation.translator import TranslationOptions, register

from recommendations.models import (
    AffectedGroup,
    Cluster,
    Country,
    Entity,
    Mechanism,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)


@register(Mechanism)
class MechanismTranslation(TranslationOptions):
    fields = ("name",)


@register(Entity)
class EntityTranslation(TranslationOptions):
    fields = ("name",)


@register(Cluster)
class ClusterTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Recommendation)
class RecommendationTranslation(TranslationOptions):
    fields = ("text",)


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)


@register(AffectedGroup)
class AffectedGroupTranslation(TranslationOptions):
    fields = ("name",)


@register(SdgGoal)
class SdgGoalTranslation(TranslationOptions):
    fields = ("name",)


@register(SdgTarget)
class SdgTargetTranslation(TranslationOptions):
    fields = ("name",)


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ("name",)
