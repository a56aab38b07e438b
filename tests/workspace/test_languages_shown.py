"""Text shown in another language than the page's says so: ``lang`` and ``dir`` on it (isolated
from the text around it), and the page names its language in the page's own language."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from recommendations.models import Entity
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


def in_arabic(client, path, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    return client.get(path).content.decode()


def test_a_recommendation_in_english_on_an_arabic_page(client, planted):
    state, recommendation = planted.a.state, planted.a.published
    path = reverse("workspace:recommendation-detail", kwargs={"state_slug": state.slug, "pk": recommendation.pk})
    body = in_arabic(client, path, planted.a.people["secretariat"])
    assert '<html lang="ar" dir="rtl">' in body
    # The text: English, left to right, and said to be the original.
    assert re.search(r'<blockquote class="recommendation-text" lang="en" dir="ltr">Ratify the Convention', body)
    assert "النص الأصلي، باللغة الإنكليزية: لا توجد ترجمة إلى هذه اللغة بعد." in body
    # The lead entity's name has no Arabic: shown in English, marked and isolated.
    assert f'<span lang="en" dir="ltr">{planted.a.entity.name}</span></a>' in body
    # Symbols and codes, left to right inside the Arabic sentence.
    assert f"<bdi>{recommendation.symbol}</bdi>" in body


def test_a_translated_name_is_shown_without_marks(client, planted):
    state = planted.a.state
    with state_context(state):
        Entity.objects.filter(pk=planted.a.entity.pk).update(name_ar="وزارة العدل")
    path = reverse("workspace:recommendation-list", kwargs={"state_slug": state.slug})
    body = in_arabic(client, path, planted.a.people["observer"])
    assert '<td data-label="الجهة الرائدة">وزارة العدل</td>' in body
    # The texts, in English, are marked so in the list too.
    assert '<span lang="en" dir="ltr">Ratify the Convention against enforced disappearance' in body


def test_the_console_names_content_languages_in_the_pages_language(client, planted):
    client.force_login(planted.platform_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    body = client.get(reverse("platform:state-detail", kwargs={"pk": planted.a.state.pk})).content.decode()
    assert planted.a.state.content_languages == ["en", "fr"]
    assert "<dt>Langues du contenu</dt><dd>Anglais, Français</dd>" in body
    assert "<dd><bdi>/alpha/</bdi></dd>" in body
