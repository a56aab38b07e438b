"""The secretariat's clusters: the pages to create, edit, order, merge, delete and seed them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recommendations.clusters import cluster_create
from recommendations.models import Cluster, Mechanism, Recommendation, SdgGoal, SdgTarget, Theme
from tenants.models import HistoryEntry
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db

TABLE = "recommendations_recommendation"


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def make(state, paragraph: str, **fields) -> Recommendation:
    return Recommendation.objects.create(
        state=state,
        mechanism=Mechanism.objects.get(code="UPR"),
        symbol="A/HRC/50/9",
        paragraph=paragraph,
        text=f"Recommendation {paragraph}",
        **fields,
    )


def theme(name_en: str) -> Theme:
    return Theme.objects.get(name_en=name_en)


def memberships(*recommendations) -> dict[str, tuple[list[int], int | None]]:
    """Each recommendation's clusters and primary cluster, as stored."""
    stored = Recommendation.objects.filter(pk__in=[r.pk for r in recommendations])
    return {r.paragraph: (r.cluster_ids, r.primary_cluster_id) for r in stored}


def order() -> list[tuple[str, int]]:
    return list(Cluster.objects.order_by("position", "name", "id").values_list("name_en", "position"))


# Create and edit ---------------------------------------------------------------------------------


def test_a_cluster_is_created_with_its_names_in_several_languages_after_the_others(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    response = client.post(
        url("cluster-create", state),
        {
            "name_en": " Right to education ",
            "name_fr": "Droit à l'éducation",
            "name_es": "Derecho a la educación",
            "name_zh_hans": "受教育权",
            "description": "Schools, teachers and curricula",
        },
        follow=True,
    )
    assert response.redirect_chain == [(url("cluster-list", state), 302)]
    assert shown(response) == ["The cluster “Right to education” was created."]
    with state_context(state):
        created = Cluster.objects.get(name_en="Right to education")
        assert (
            created.name_en,
            created.name_fr,
            created.name_es,
            created.name_ar,
            created.name_ru,
            created.name_zh_hans,
            created.description,
            created.position,
            created.source,
        ) == (
            "Right to education",
            "Droit à l'éducation",
            "Derecho a la educación",
            None,
            None,
            "受教育权",
            "Schools, teachers and curricula",
            1,
            "",
        )
    # The list shows it after the planted cluster, in the reader's language.
    listed = client.get(url("cluster-list", state), HTTP_ACCEPT_LANGUAGE="fr").context["clusters"]
    assert [(cluster.name, count) for cluster, count in listed] == [
        ("Justice and the rule of law", 1),
        ("Droit à l'éducation", 0),
    ]


def test_a_cluster_named_in_one_language_only_shows_that_name_in_the_others(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    client.post(url("cluster-create", state), {"name_fr": "Santé", "description": ""})
    with state_context(state):
        created = Cluster.objects.get(name_fr="Santé")
        assert (created.name_en, created.name_fr, created.name_es) == (None, "Santé", None)
    # A second cluster without a French, Spanish... name is no duplicate of the first's missing names.
    response = client.post(url("cluster-create", state), {"name_en": "Housing", "description": ""})
    assert response.status_code == 302
    listed = client.get(url("cluster-list", state)).context["clusters"]
    assert [cluster.name for cluster, _count in listed] == ["Justice and the rule of law", "Santé", "Housing"]


def test_a_duplicate_name_is_refused_with_a_message_in_any_language(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    with state_context(state):
        cluster_create(state=state, names={"fr": "Justice des mineurs"})
    cases = [
        ({"name_en": "Justice and the rule of law"}, "name_en"),
        ({"name_fr": "Justice des mineurs"}, "name_fr"),
        # The same word in another language is the same name (the name a list falls back on).
        ({"name_en": "Justice des mineurs"}, "name_en"),
    ]
    for names, field in cases:
        response = client.post(url("cluster-create", state), {**names, "description": ""})
        assert response.status_code == 200
        assert response.context["form"].errors == {field: ["Another cluster already has this name."]}
    response = client.post(url("cluster-create", state), {"name_en": "  ", "description": "No name"})
    assert response.context["form"].errors == {"__all__": ["Give the name in at least one language."]}
    with state_context(state):
        assert sorted(Cluster.objects.values_list("name", flat=True)) == [
            "Justice and the rule of law",
            "Justice des mineurs",
        ]


def test_the_name_of_another_states_cluster_is_free(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    with state_context(planted.b.state):
        b_name = planted.b.cluster.name_en
    response = client.post(url("cluster-create", state), {"name_en": b_name, "description": ""})
    assert response.status_code == 302
    with state_context(state):
        assert Cluster.objects.filter(name_en=b_name).count() == 1


def test_editing_a_cluster_changes_its_names_and_description(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["admin"])
    with state_context(state):
        other = cluster_create(state=state, names={"en": "Health"})
    edit = url("cluster-edit", state, pk=planted.a.cluster.pk)
    form = client.get(edit).context["form"]
    assert (form["name_en"].value(), form["description"].value()) == ("Justice and the rule of law", "Alphaland")

    refused = client.post(edit, {"name_en": "Health", "description": ""})
    assert refused.context["form"].errors == {"name_en": ["Another cluster already has this name."]}
    # Keeping its own name is not a duplicate.
    response = client.post(
        edit,
        {"name_en": "Justice and the rule of law", "name_fr": "Justice et état de droit", "description": "Courts"},
        follow=True,
    )
    assert shown(response) == ["The cluster “Justice and the rule of law” was saved."]
    with state_context(state):
        cluster = Cluster.objects.get(pk=planted.a.cluster.pk)
        assert (cluster.name_en, cluster.name_fr, cluster.name_es, cluster.description, cluster.position) == (
            "Justice and the rule of law",
            "Justice et état de droit",
            None,
            "Courts",
            0,
        )
        assert Cluster.objects.get(pk=other.pk).name_en == "Health"


# Order ---------------------------------------------------------------------------------------------


def test_moving_a_cluster_up_and_down_renumbers_the_order(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    with state_context(state):
        health = cluster_create(state=state, names={"en": "Health"})
        water = cluster_create(state=state, names={"en": "Water"})
        assert order() == [("Justice and the rule of law", 0), ("Health", 1), ("Water", 2)]

    def move(cluster, direction):
        response = client.post(url("cluster-move", state, pk=cluster.pk), {"direction": direction})
        assert response["Location"] == url("cluster-list", state)
        with state_context(state):
            return order()

    assert move(water, "up") == [("Justice and the rule of law", 1), ("Water", 2), ("Health", 3)]
    assert move(planted.a.cluster, "up") == [("Justice and the rule of law", 1), ("Water", 2), ("Health", 3)]
    assert move(planted.a.cluster, "down") == [("Water", 1), ("Justice and the rule of law", 2), ("Health", 3)]
    assert move(health, "down") == [("Water", 1), ("Justice and the rule of law", 2), ("Health", 3)]
    listed = client.get(url("cluster-list", state)).context["clusters"]
    assert [cluster.pk for cluster, _count in listed] == [water.pk, planted.a.cluster.pk, health.pk]
    # Another State's order is its own.
    with state_context(planted.b.state):
        assert Cluster.objects.get().position == 0


# Merge ---------------------------------------------------------------------------------------------


def test_merging_moves_recommendations_into_the_kept_cluster_in_their_order(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    with state_context(state):
        kept = planted.a.cluster
        health = cluster_create(state=state, names={"en": "Health"})
        water = cluster_create(state=state, names={"en": "Water"})
        other = cluster_create(state=state, names={"en": "Housing"})
        r1 = make(state, "1", cluster_ids=[health.pk, other.pk, water.pk], primary_cluster=water)
        r2 = make(state, "2", cluster_ids=[other.pk, water.pk], primary_cluster=other)
        r3 = make(state, "3", cluster_ids=[water.pk, kept.pk, health.pk], primary_cluster=kept)
        r4 = make(state, "4", cluster_ids=[other.pk], primary_cluster=other)
        r5 = make(state, "5", cluster_ids=[kept.pk], primary_cluster=kept)
        last_entry = HistoryEntry.objects.order_by("-id").values_list("id", flat=True).first()

    response = client.post(
        url("cluster-merge", state), {"into": kept.pk, "others": [health.pk, water.pk, kept.pk]}, follow=True
    )
    assert shown(response) == ["2 clusters were merged into “Justice and the rule of law”; 3 recommendations moved."]
    with state_context(state):
        assert memberships(r1, r2, r3, r4, r5) == {
            "1": ([kept.pk, other.pk], kept.pk),
            "2": ([other.pk, kept.pk], other.pk),
            "3": ([kept.pk], kept.pk),
            "4": ([other.pk], other.pk),
            "5": ([kept.pk], kept.pk),
        }
        assert memberships(planted.a.published)["1.1"] == ([kept.pk], kept.pk)
        assert list(Cluster.objects.values_list("name_en", flat=True)) == ["Justice and the rule of law", "Housing"]
        changes = HistoryEntry.objects.filter(table_name=TABLE, id__gt=last_entry).order_by("row_id")
        assert [(entry.row_id, entry.operation) for entry in changes] == sorted(
            [(str(r1.pk), "U"), (str(r2.pk), "U"), (str(r3.pk), "U")]
        )
        entry = changes.get(row_id=str(r1.pk))
        assert (entry.before["cluster_ids"], entry.after["cluster_ids"]) == (
            [health.pk, other.pk, water.pk],
            [kept.pk, other.pk],
        )


def test_a_merge_without_another_cluster_or_with_another_states_cluster_changes_nothing(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    with state_context(state):
        health = cluster_create(state=state, names={"en": "Health"})
    for others in ([planted.a.cluster.pk], [planted.b.cluster.pk], []):
        response = client.post(
            url("cluster-merge", state), {"into": planted.a.cluster.pk, "others": others}, follow=True
        )
        assert shown(response) == ["Choose the cluster to keep and at least one other to merge into it."]
    with state_context(state):
        assert list(Cluster.objects.values_list("pk", flat=True)) == [planted.a.cluster.pk, health.pk]
    with state_context(planted.b.state):
        assert list(Cluster.objects.values_list("pk", flat=True)) == [planted.b.cluster.pk]
        assert Recommendation.objects.get(pk=planted.b.published.pk).cluster_ids == [planted.b.cluster.pk]


# Delete --------------------------------------------------------------------------------------------


def test_deleting_a_cluster_takes_its_recommendations_out_and_the_next_becomes_primary(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["admin"])
    with state_context(state):
        justice = planted.a.cluster
        health = cluster_create(state=state, names={"en": "Health"})
        water = cluster_create(state=state, names={"en": "Water"})
        r1 = make(state, "1", cluster_ids=[health.pk, justice.pk, water.pk], primary_cluster=health)
        r2 = make(state, "2", cluster_ids=[water.pk, health.pk], primary_cluster=water)
        r3 = make(state, "3", cluster_ids=[health.pk], primary_cluster=health)
        r4 = make(state, "4", cluster_ids=[water.pk], primary_cluster=water)
        last_entry = HistoryEntry.objects.order_by("-id").values_list("id", flat=True).first()

    response = client.post(url("cluster-delete", state, pk=health.pk), follow=True)
    assert shown(response) == ["The cluster “Health” was deleted; 3 recommendations left it."]
    with state_context(state):
        assert memberships(r1, r2, r3, r4) == {
            "1": ([justice.pk, water.pk], justice.pk),
            "2": ([water.pk], water.pk),
            "3": ([], None),
            "4": ([water.pk], water.pk),
        }
        assert list(Cluster.objects.values_list("name_en", flat=True)) == ["Justice and the rule of law", "Water"]
        updates = HistoryEntry.objects.filter(table_name=TABLE, id__gt=last_entry, operation="U")
        assert sorted(updates.values_list("row_id", flat=True)) == sorted([str(r1.pk), str(r2.pk), str(r3.pk)])


def test_another_states_cluster_cannot_be_deleted_edited_or_moved(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["admin"])
    for name in ("cluster-delete", "cluster-move", "cluster-edit"):
        assert client.post(url(name, state, pk=planted.b.cluster.pk), {"name_en": "x"}).status_code == 404
    with state_context(planted.b.state):
        cluster = Cluster.objects.get()
        assert (cluster.pk, cluster.position, cluster.name_en) == (
            planted.b.cluster.pk,
            0,
            "Justice and the rule of law BETA-ONLY",
        )


# Seed ----------------------------------------------------------------------------------------------


def snapshot() -> tuple[list, list, int]:
    clusters = list(Cluster.objects.values_list("pk", "name_en", "name_fr", "source", "position", "updated_at"))
    recommendations = list(
        Recommendation.objects.order_by("pk").values_list("pk", "cluster_ids", "primary_cluster_id", "updated_at")
    )
    return clusters, recommendations, HistoryEntry.objects.count()


def seed(client, state, source, **headers) -> list[str]:
    response = client.post(url("cluster-seed", state), {"source": source}, follow=True, **headers)
    assert response.redirect_chain == [(url("cluster-list", state), 302)]
    return shown(response)


def test_seeding_from_broad_themes_groups_each_theme_under_its_heading(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    with state_context(state):
        # The planted published recommendation is on "Access to sexual & reproductive health &
        # services" (under "Economic, social & cultural rights") and in the planted cluster.
        published, unpublished = planted.a.published, planted.a.unpublished
        assert list(published.themes.values_list("name_en", flat=True)) == [
            "Access to sexual & reproductive health & services"
        ]
        r1 = make(state, "1", theme_ids=[theme("Reservations").pk])
        r2 = make(
            state,
            "2",
            theme_ids=[
                theme("Ratification of & accession to international instruments").pk,
                theme("Racial discrimination").pk,
            ],
        )
        last_entry = HistoryEntry.objects.order_by("-id").values_list("id", flat=True).first()
    assert seed(client, state, "broad_themes") == [
        "3 clusters were created and 3 recommendations were put in clusters."
    ]
    with state_context(state):
        seeded = Cluster.objects.exclude(pk=planted.a.cluster.pk).order_by("pk")
        framework = theme("International human rights framework")
        cross_cutting = theme("Cross-cutting measures")
        economic = theme("Economic, social & cultural rights")
        assert [(c.name_en, c.name_fr, c.name_es, c.name_ar, c.source, c.position) for c in seeded] == [
            (
                "International human rights framework",
                "Cadre international des droits de l'homme",
                "Marco internacional de derechos humanos",
                "الإطار الدولي لحقوق الإنسان",
                f"theme:{framework.pk}",
                1,
            ),
            (
                "Cross-cutting measures",
                cross_cutting.name_fr,
                cross_cutting.name_es,
                cross_cutting.name_ar,
                f"theme:{cross_cutting.pk}",
                2,
            ),
            (
                "Economic, social & cultural rights",
                economic.name_fr,
                economic.name_es,
                economic.name_ar,
                f"theme:{economic.pk}",
                3,
            ),
        ]
        framework_c, cross_c, economic_c = seeded
        assert memberships(published, unpublished, r1, r2) == {
            "1.1": ([planted.a.cluster.pk, economic_c.pk], planted.a.cluster.pk),
            "1.2": ([], None),
            "1": ([framework_c.pk], framework_c.pk),
            "2": ([framework_c.pk, cross_c.pk], framework_c.pk),
        }
        # One history entry per recommendation put in clusters (and one per cluster created).
        changes = HistoryEntry.objects.filter(id__gt=last_entry)
        assert sorted(changes.filter(table_name=TABLE).values_list("row_id", "operation")) == sorted(
            [(str(published.pk), "U"), (str(r1.pk), "U"), (str(r2.pk), "U")]
        )
        assert changes.filter(table_name="recommendations_cluster", operation="I").count() == 3
        before = snapshot()

    # Again: nothing new, nothing changed, nothing recorded.
    assert seed(client, state, "broad_themes") == [
        "0 clusters were created and 0 recommendations were put in clusters."
    ]
    with state_context(state):
        assert snapshot() == before
        # A recommendation imported since joins the same cluster.
        r3 = make(state, "3", theme_ids=[theme("Reservations").pk])
    assert seed(client, state, "broad_themes") == [
        "0 clusters were created and 1 recommendations were put in clusters."
    ]
    with state_context(state):
        assert memberships(r3) == {"3": ([framework_c.pk], framework_c.pk)}
    # The other State is untouched.
    with state_context(planted.b.state):
        assert list(Cluster.objects.values_list("pk", flat=True)) == [planted.b.cluster.pk]
        assert memberships(planted.b.published, planted.b.unpublished) == {
            "1.1": ([planted.b.cluster.pk], planted.b.cluster.pk),
            "1.2": ([], None),
        }


def test_seeding_from_themes_reuses_a_cluster_of_the_same_name(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    reservations = theme("Reservations")
    ratification = theme("Ratification of & accession to international instruments")
    racial = theme("Racial discrimination")
    with state_context(state):
        own = cluster_create(state=state, names={"en": "Reservations"}, description="Our own")
        r1 = make(state, "1", theme_ids=[reservations.pk])
        r2 = make(state, "2", theme_ids=[racial.pk, ratification.pk])
    assert seed(client, state, "themes") == ["3 clusters were created and 3 recommendations were put in clusters."]
    with state_context(state):
        own.refresh_from_db()
        assert (own.name_en, own.description, own.source) == ("Reservations", "Our own", f"theme:{reservations.pk}")
        created = Cluster.objects.exclude(pk__in=[planted.a.cluster.pk, own.pk]).order_by("pk")
        assert [(c.name_en, c.name_fr, c.source) for c in created] == [
            (
                "Ratification of & accession to international instruments",
                "Ratification des instruments internationaux et adhésion",
                f"theme:{ratification.pk}",
            ),
            ("Racial discrimination", racial.name_fr, f"theme:{racial.pk}"),
            (
                "Access to sexual & reproductive health & services",
                "Accès à la santé et aux services de santé sexuelle et procréative",
                f"theme:{theme('Access to sexual & reproductive health & services').pk}",
            ),
        ]
        ratification_c, racial_c, access_c = created
        assert memberships(planted.a.published, r1, r2) == {
            "1.1": ([planted.a.cluster.pk, access_c.pk], planted.a.cluster.pk),
            "1": ([own.pk], own.pk),
            "2": ([ratification_c.pk, racial_c.pk], ratification_c.pk),
        }
        before = snapshot()
    assert seed(client, state, "themes") == ["0 clusters were created and 0 recommendations were put in clusters."]
    with state_context(state):
        assert snapshot() == before


def test_seeding_in_another_language_reuses_a_cluster_named_in_english(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    with state_context(state):
        own = cluster_create(state=state, names={"en": "Reservations"})
        r1 = make(state, "1", theme_ids=[theme("Reservations").pk])
    # A French reader seeds: the cluster "Reservations" is the theme's, whatever the language.
    messages = seed(client, state, "themes", HTTP_ACCEPT_LANGUAGE="fr")
    assert len(messages) == 1
    with state_context(state):
        assert memberships(r1) == {"1": ([own.pk], own.pk)}
        assert sorted(Cluster.objects.values_list("name_en", "name_fr")) == [
            (
                "Access to sexual & reproductive health & services",
                theme("Access to sexual & reproductive health & services").name_fr,
            ),
            ("Justice and the rule of law", None),
            ("Reservations", None),
        ]


def test_seeding_from_sdg_goals_takes_goals_and_their_targets(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    goal4 = SdgGoal.objects.get(number=4)
    goal16 = SdgGoal.objects.get(number=16)
    with state_context(state):
        # The planted published recommendation is on target 1.1 (goal 1).
        assert list(planted.a.published.sdg_targets.values_list("code", flat=True)) == ["1.1"]
        r1 = make(state, "1", sdg_goal_ids=[goal4.pk])
        r2 = make(
            state,
            "2",
            sdg_goal_ids=[goal16.pk],
            sdg_target_ids=[SdgTarget.objects.get(code="16.2").pk, SdgTarget.objects.get(code="4.1").pk],
        )
    # Run by a French reader (who reads the outcome in French): the names are stored in every language.
    assert seed(client, state, "sdg_goals", HTTP_ACCEPT_LANGUAGE="fr") == [
        "Groupes thématiques créés\u00a0: 3\u00a0; recommandations placées dans des groupes thématiques\u00a0: 3."
    ]
    with state_context(state):
        seeded = Cluster.objects.exclude(pk=planted.a.cluster.pk).order_by("pk")
        assert [(c.name_en, c.name_fr, c.name_zh_hans, c.source) for c in seeded] == [
            ("1 - No poverty", "1 - Pas de pauvreté", "1 - 无贫穷", "sdg:1"),
            ("4 - " + goal4.name_en, "4 - " + goal4.name_fr, "4 - " + goal4.name_zh_hans, "sdg:4"),
            ("16 - " + goal16.name_en, "16 - " + goal16.name_fr, "16 - " + goal16.name_zh_hans, "sdg:16"),
        ]
        poverty, education, peace = seeded
        assert memberships(planted.a.published, r1, r2) == {
            "1.1": ([planted.a.cluster.pk, poverty.pk], planted.a.cluster.pk),
            "1": ([education.pk], education.pk),
            "2": ([education.pk, peace.pk], education.pk),
        }
        before = snapshot()
    assert seed(client, state, "sdg_goals") == ["0 clusters were created and 0 recommendations were put in clusters."]
    with state_context(state):
        assert snapshot() == before


def test_an_unknown_seed_source_is_refused(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    assert seed(client, state, "mechanisms") == ["Choose what to create the clusters from."]
    with state_context(state):
        assert Cluster.objects.count() == 1


# List and permissions --------------------------------------------------------------------------


def test_the_list_counts_recommendations_per_cluster_and_those_in_none(client, planted):
    state = planted.a.state
    with state_context(state):
        health = cluster_create(state=state, names={"en": "Health"})
        empty = cluster_create(state=state, names={"en": "Water"})
        make(state, "1", cluster_ids=[health.pk, planted.a.cluster.pk], primary_cluster=health)
        make(state, "2", cluster_ids=[health.pk], primary_cluster=health)
        make(state, "3")
        make(state, "4")
    sign_in(client, planted.a.people["observer"])
    response = client.get(url("cluster-list", state))
    assert [(cluster.pk, count) for cluster, count in response.context["clusters"]] == [
        (planted.a.cluster.pk, 2),
        (health.pk, 2),
        (empty.pk, 0),
    ]
    # planted.a.unpublished and two of the new ones; none of State B's.
    assert response.context["unclustered"] == 3
    page = response.content.decode()
    assert "3 recommendations are in no cluster" in page
    assert "BETA-ONLY" not in page
    # Observers see the list, not the tools.
    assert url("cluster-create", state) not in page
    assert url("cluster-merge", state) not in page


@pytest.mark.parametrize("persona", ["focal_point", "observer"])
def test_focal_points_and_observers_cannot_change_clusters(client, planted, persona):
    state = planted.a.state
    cluster = planted.a.cluster
    with state_context(state):
        health = cluster_create(state=state, names={"en": "Health"})
        before = snapshot()
    sign_in(client, planted.a.people[persona])
    posts = [
        (url("cluster-create", state), {"name_en": "Water", "description": ""}),
        (url("cluster-edit", state, pk=cluster.pk), {"name_en": "Renamed", "description": ""}),
        (url("cluster-move", state, pk=health.pk), {"direction": "up"}),
        (url("cluster-merge", state), {"into": cluster.pk, "others": [health.pk]}),
        (url("cluster-seed", state), {"source": "themes"}),
        (url("cluster-delete", state, pk=health.pk), {}),
    ]
    assert [client.post(address, data).status_code for address, data in posts] == [403] * len(posts)
    assert client.get(url("cluster-create", state)).status_code == 403
    with state_context(state):
        assert snapshot() == before
