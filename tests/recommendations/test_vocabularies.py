"""The global vocabularies: what migration 0005 loads, reloading it, and matching import labels.

The real UHRI SDG list and the UPR Info export are read too (tests/fixtures/samples).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from recommendations.models import AffectedGroup, Country, Mechanism, SdgGoal, SdgTarget, Theme
from recommendations.vocabularies import VocabularyIndex, load_vocabularies, normalise_label, read_data_file

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"

DATA_COUNTS = {
    "mechanisms": len(read_data_file("mechanisms")["mechanisms"]),
    "themes": len(read_data_file("themes")["themes"]),
    "affected_groups": len(read_data_file("affected_groups")["affected_groups"]),
    "sdg_goals": 17,
    "sdg_targets": 169,
    "countries": len(read_data_file("countries")["countries"]),
}

# Every issue of the UPR Info database export (the Issue column of upr-info-sessions-1-5.csv) and
# the theme it maps onto. None: left unmapped on purpose, because no single current theme fits
# (a general or catch-all issue, one that spans two themes, or one the UHRI has no theme for);
# the import flags such labels for a person to decide. A new mapping must move the issue out of
# the None group here, so a change in either direction shows in review.
UPR_INFO_ISSUES: dict[str, str | None] = {
    "Asylum-seekers - refugees": "Refugees & asylum seekers",
    "CP rights - general": "Civil & political rights - general measures of implementation",
    "Civil society": "Cooperation & meaningful consultation with civil society",
    "Corruption": "Good governance & corruption",
    "Counter-terrorism": "Human rights & counter-terrorism",
    "Death penalty": "Death penalty",
    "Detention": "Conditions of detention",
    "Development": "Right to development",
    "Disabilities": "Rights of persons with disabilities",
    "ESC rights - general": "Economic, social & cultural rights - general measures of implementation",
    "Elections": "Right to participate in public affairs & right to vote",
    "Enforced disappearances": "Enforced disappearances",
    "Environment": "Human rights & the environment",
    "Extrajudicial executions": "Extrajudicial, summary or arbitrary executions",
    "Freedom of movement": "Freedom of movement",
    "Freedom of opinion and expression": "Freedom of opinion & expression & right to information",
    "Freedom of religion and belief": "Freedom of thought, conscience & religion",
    "Freedom of the press": "Freedom of opinion & expression & right to information",
    "HIV - Aids": "Right to health",
    "Human rights defenders": "Human rights defenders",
    "Human rights education and training": "Human rights education, trainings & awareness raising",
    "Impunity": "Impunity",
    "Indigenous peoples": "Indigenous peoples",
    "Internally displaced persons": "Internally displaced persons",
    "International humanitarian law": "International criminal & humanitarian law",
    "International instruments": "Ratification of & accession to international instruments",
    "Justice": "Administration of justice & fair trial",
    "Labour": "Right to work & to just & favourable conditions of work",
    "Migrants": "Migrants",
    "Minorities": "Members of minorities",
    "NHRI": "National Human Rights Institution (NHRI)",
    "National plan of action": "National Plans of Action on Human Rights (or specific areas)",
    "Poverty": "Human rights & poverty",
    "Racial discrimination": "Racial discrimination",
    "Right to education": "Right to education",
    "Right to food": "Right to food",
    "Right to health": "Right to health",
    "Right to housing": "Right to adequate housing",
    "Right to water": "Human rights & drinking water & sanitation",
    "Rights of the Child": "Rights of the child",
    # The UHRI indexes these under equality, with the LGBTI persons group.
    "Sexual Orientation and Gender Identity": "Equality & non-discrimination",
    "Special procedures": "Cooperation & follow-up with special procedures",
    "Technical assistance and cooperation": "Inter-State cooperation & development or humanitarian assistance",
    "Torture and other CID treatment": "Prohibition of torture & cruel, inhuman or degrading treatment",
    "Trafficking": "Prohibition of slavery, trafficking",
    "Treaty bodies": "Cooperation & follow-up with treaty bodies",
    "UPR process": "Cooperation & follow-up with the Universal Periodic Review",
    "Women's rights": "Women's rights",
    # Left unmapped:
    "Freedom of association and peaceful assembly": None,  # two themes; an alias names one entry
    "General": None,
    "Human rights violations by state agents": None,
    "Other": None,
    "Public security": None,
    "Right to land": None,
}


@pytest.fixture
def index() -> VocabularyIndex:
    return VocabularyIndex.build()


def names_by_pk(model) -> dict[int, str]:
    return dict(model.objects.values_list("pk", "code" if model is Mechanism else "name_en"))


def snapshot() -> dict[str, list[tuple]]:
    """Every vocabulary row, every column, in a stable order."""
    return {
        model.__name__: list(model.objects.order_by("pk").values_list())
        for model in (Mechanism, Theme, AffectedGroup, SdgGoal, SdgTarget, Country)
    }


# --- normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("- CRC", "crc"),
        ("-  IE  Albinism", "ie albinism"),
        ("South Sudan\r", "south sudan"),
        ("State of Palestine*", "state of palestine"),
        ("Women & girls", "women and girls"),
        ("Budget &resources", "budget and resources"),
        ("Côte d\u2019Ivoire", "côte d'ivoire"),
        ("Equality  &  non-discrimination ", "equality and non-discrimination"),
        ("Cote\u00a0d'Ivoire", "cote d'ivoire"),
        ("E\u0301quateur", "équateur"),
        ("", ""),
    ],
)
def test_normalise_label(label, key):
    assert normalise_label(label) == key


# --- the data files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "section"),
    [
        ("mechanisms", "mechanisms"),
        ("themes", "themes"),
        ("affected_groups", "affected_groups"),
        ("sdgs", "goals"),
        ("sdgs", "targets"),
        ("countries", "countries"),
    ],
)
def test_no_label_of_a_data_file_means_two_entries(filename, section):
    """An alias that normalises to another entry's name or alias would match the wrong entry."""
    owners: dict[str, set[int]] = defaultdict(set)
    for position, entry in enumerate(read_data_file(filename)[section]):
        for label in [*entry["name"].values(), *entry.get("aliases", [])]:
            owners[normalise_label(label)].add(position)
    assert {key: entries for key, entries in owners.items() if len(entries) > 1} == {}


def test_every_theme_heading_is_listed_before_its_themes():
    seen: set[str] = set()
    misplaced = []
    for entry in read_data_file("themes")["themes"]:
        if entry.get("parent") and entry["parent"] not in seen:
            misplaced.append(entry["name"]["en"])
        seen.add(entry["name"]["en"])
    assert misplaced == []


def test_sdgs_file_keeps_the_uhri_filter_list():
    lines = (SAMPLES / "uhri-filterlist-sdgs.jsonl").read_text("utf-8").splitlines()
    uhri = {entry["id"]: entry["text"] for entry in map(json.loads, lines)}
    data = read_data_file("sdgs")
    ours = {goal["uhri_id"]: f"{goal['number']} - {goal['name']['en'].upper()}" for goal in data["goals"]}
    ours |= {target["uhri_id"]: f"{target['code']} - {target['name']['en']}" for target in data["targets"]}
    assert ours == uhri


# --- what migration 0005 loaded ---------------------------------------------------------------


@pytest.mark.django_db
def test_migration_loaded_every_vocabulary():
    assert {
        "mechanisms": Mechanism.objects.count(),
        "themes": Theme.objects.count(),
        "affected_groups": AffectedGroup.objects.count(),
        "sdg_goals": SdgGoal.objects.count(),
        "sdg_targets": SdgTarget.objects.count(),
        "countries": Country.objects.count(),
    } == DATA_COUNTS
    assert DATA_COUNTS["countries"] == 249


@pytest.mark.django_db
def test_migration_loaded_the_sdgs_with_their_uhri_ids():
    goal = SdgGoal.objects.get(number=16)
    assert (goal.uhri_id, goal.name_en, goal.name_fr, goal.name_es, goal.name_ar, goal.name_ru, goal.name_zh_hans) == (
        uuid.UUID("c6811ae8-76b5-4032-8ac7-2ff776f6692a"),
        "Peace, justice and strong institutions",
        "Paix, justice et institutions efficaces",
        "Paz, justicia e instituciones sólidas",
        "السلام والعدل والمؤسسات القوية",
        "Мир, правосудие и эффективные институты",
        "和平、正义与强大机构",
    )
    assert list(
        SdgTarget.objects.filter(code__in=["1.a", "16.2", "16.10"])
        .order_by("code")
        .values_list("code", "goal__number", "uhri_id", "name_en", "name_fr")
    ) == [
        (
            "1.a",
            1,
            uuid.UUID("21dd04e6-82db-4895-bfa1-98609b688383"),
            "Mobilize resources to implement policies to end poverty",
            "Mobiliser des ressources pour mettre en œuvre des politiques visant à mettre fin à la pauvreté",
        ),
        (
            "16.10",
            16,
            uuid.UUID("4b251831-5fe3-4e31-b821-bcb43fe0f821"),
            "Ensure public access to information and protect fundamental freedoms",
            "Garantir l'accès public à l'information et protéger les libertés fondamentales",
        ),
        (
            "16.2",
            16,
            uuid.UUID("ed844d5d-9a5e-4a96-b22f-66cbf8bf4056"),
            "Protect children from abuse, exploitation, trafficking and violence",
            "Protéger les enfants contre la maltraitance, l'exploitation, la traite et la violence",
        ),
    ]
    assert SdgTarget.objects.filter(goal__number=16).count() == 12


@pytest.mark.django_db
def test_migration_loaded_countries_by_un_name_with_codes_and_translations():
    rows = Country.objects.filter(iso3__in=["BOL", "PSE", "GBR", "TUR"]).order_by("iso3")
    assert list(rows.values_list("iso3", "iso2", "name", "name_en", "name_fr", "name_es")) == [
        (
            "BOL",
            "BO",
            "Bolivia (Plurinational State of)",
            "Bolivia (Plurinational State of)",
            "Bolivie (État plurinational de)",
            "Bolivia (Estado Plurinacional de)",
        ),
        (
            "GBR",
            "GB",
            "United Kingdom of Great Britain and Northern Ireland",
            "United Kingdom of Great Britain and Northern Ireland",
            "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord",
            "Reino Unido de Gran Bretaña e Irlanda del Norte",
        ),
        ("PSE", "PS", "State of Palestine", "State of Palestine", "État de Palestine", "Estado de Palestina"),
        # Türkiye is Türkiye in French and Spanish too: no translation, English is the fallback.
        ("TUR", "TR", "Türkiye", "Türkiye", None, None),
    ]
    with translation.override("fr"):
        assert str(Country.objects.get(iso3="BOL")) == "Bolivie (État plurinational de)"
        assert str(Country.objects.get(iso3="TUR")) == "Türkiye"


@pytest.mark.django_db
def test_migration_loaded_the_theme_hierarchy():
    parents = dict(Theme.objects.values_list("name_en", "parent__name_en"))
    assert [parents[name] for name in ("Domestic violence", "NMIRF", "Right to health", "Women's rights")] == [
        "Women's rights",
        "Legal, institutional & policy framework",
        "Economic, social & cultural rights",
        None,
    ]
    assert sorted(name for name, parent in parents.items() if parent is None) == [
        "Civil & political rights",
        "Cross-cutting measures",
        "Economic, social & cultural rights",
        "International human rights framework",
        "Legal, institutional & policy framework",
        "Rights of persons with disabilities",
        "Rights of the child",
        "Rights related to specific persons or groups",
        "Women's rights",
    ]


@pytest.mark.django_db
def test_migration_added_aliases_to_the_mechanisms_of_0003():
    crc = Mechanism.objects.get(code="CRC")
    assert (crc.kind, crc.name_en, crc.name_fr, crc.aliases) == (
        "treaty_body",
        "Committee on the Rights of the Child",
        "Comité des droits de l'enfant",
        ["- CRC", "Committee on the Rights of the Child"],
    )
    assert Mechanism.objects.filter(kind=Mechanism.Kind.SPECIAL_PROCEDURE).count() == 45


# --- reloading --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_vocabularies_twice_changes_nothing():
    before = snapshot()
    assert load_vocabularies() == DATA_COUNTS
    assert load_vocabularies() == DATA_COUNTS
    assert snapshot() == before


@pytest.mark.django_db
def test_load_vocabularies_writes_raw_columns_whatever_the_active_language():
    """modeltranslation reads and writes ``name`` as ``name_<language>``; the loader must not."""
    before = snapshot()
    with translation.override("fr"):
        assert load_vocabularies() == DATA_COUNTS
    assert snapshot() == before


@pytest.mark.django_db
def test_load_vocabularies_restores_edited_rows_and_follows_renames():
    before = snapshot()
    bolivia = Country.objects.get(iso3="BOL")
    Country.objects.filter(pk=bolivia.pk).update(aliases=[], name_fr=None)
    # As if the data file had renamed "D29 Domestic violence" to "Domestic violence".
    violence = Theme.objects.get(name_en="Domestic violence")
    Theme.objects.filter(pk=violence.pk).rewrite(False).update(
        name="D29 Domestic violence", name_en="D29 Domestic violence", parent=None
    )

    load_vocabularies()

    assert snapshot() == before


@pytest.mark.django_db
def test_load_vocabularies_works_on_the_historical_models_of_migration_0005():
    before = snapshot()
    state = MigrationExecutor(connection).loader.project_state(("recommendations", "0005_load_vocabularies"))
    assert load_vocabularies(apps=state.apps) == DATA_COUNTS
    assert snapshot() == before


@pytest.mark.django_db
def test_load_vocabularies_command_prints_the_counts():
    out = io.StringIO()
    call_command("load_vocabularies", stdout=out)
    assert out.getvalue() == "".join(f"{name}: {count}\n" for name, count in DATA_COUNTS.items())


# --- the index --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_index_is_built_in_six_queries_whatever_the_size(django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        VocabularyIndex.build()
    heading = Theme.objects.get(name_en="Women's rights")
    Theme.objects.bulk_create(
        Theme(name=f"Extra {n}", name_en=f"Extra {n}", aliases=[f"X{n}"], parent=heading) for n in range(50)
    )
    with django_assert_max_num_queries(6):
        index = VocabularyIndex.build()
    assert index.theme("x7") == Theme.objects.get(name_en="Extra 7").pk


@pytest.mark.django_db
def test_lookups_make_no_query(index, django_assert_num_queries):
    with django_assert_num_queries(0):
        found = [
            index.mechanism("- CRC"),
            index.theme("A12"),
            index.affected_group("Children"),
            index.sdg_target("16.2"),
            index.sdg_goal(16),
            index.country("South Sudan\r"),
            index.country("Nowhere"),
        ]
    assert [value is None for value in found] == [False] * 6 + [True]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "iso3"),
    [
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Bolivia", "BOL"),
        ("Bolivia, Plurinational State of", "BOL"),
        ("Bolivie (État plurinational de)", "BOL"),
        ("BO", "BOL"),
        ("bol", "BOL"),
        ("State of Palestine*", "PSE"),
        ("- State of Palestine*", "PSE"),
        ("Palestine", "PSE"),
        ("Holy See", "VAT"),
        ("Vatican", "VAT"),
        ("South Sudan\r", "SSD"),
        ("South  Sudan", "SSD"),
        ("United Kingdom", "GBR"),
        ("UK", "GBR"),
        ("Iran", "IRN"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("Republic of Korea", "KOR"),
        ("South Korea", "KOR"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("North Korea", "PRK"),
        ("DPR Korea", "PRK"),
        ("Moldova", "MDA"),
        ("Tanzania", "TZA"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Côte d'Ivoire", "CIV"),
        ("Côte d\u2019Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Ivory Coast", "CIV"),
        ("Laos", "LAO"),
        ("Syria", "SYR"),
        ("Russia", "RUS"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Micronesia (Federated States of)", "FSM"),
        ("Netherlands (Kingdom of the)", "NLD"),
        ("Netherlands", "NLD"),
        ("Czech Republic", "CZE"),
        ("Swaziland", "SWZ"),
        ("the former Yugoslav Republic of Macedonia", "MKD"),
        ("Macedonia", "MKD"),
        ("Cape Verde", "CPV"),
        ("Brunei", "BRN"),
        ("DR Congo", "COD"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo", "COG"),
        ("Republic of Congo", "COG"),
        ("Trinidad & Tobago", "TTO"),
        ("Gambia", "GMB"),
        ("Bahamas", "BHS"),
        ("United States", "USA"),
        ("Puerto Rico", "PRI"),
    ],
)
def test_index_matches_countries(index, label, iso3):
    assert index.country(label) == Country.objects.get(iso3=iso3).pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("Constitutional & legislative framework", "Constitutional & legislative framework"),
        ("- Equality & non-discrimination", "Equality & non-discrimination"),
        ("equality and non-discrimination", "Equality & non-discrimination"),
        (
            "Ratification of & accession to international instruments",
            "Ratification of & accession to international instruments",
        ),
        ("National Human Rights Institution (NHRI)", "National Human Rights Institution (NHRI)"),
        ("NMIRF", "NMIRF"),
        ("A12 Acceptance of international norms", "Ratification of & accession to international instruments"),
        ("A12", "Ratification of & accession to international instruments"),
        ("Acceptance of international norms", "Ratification of & accession to international instruments"),
        ("B32 Racial discrimination", "Racial discrimination"),
        ("B32", "Racial discrimination"),
        ("D29 Domestic violence", "Domestic violence"),
        ("D29", "Domestic violence"),
        ("A41 Constitutional and legislative framework", "Constitutional & legislative framework"),
        ("D51 Administration of justice & fair trial", "Administration of justice & fair trial"),
        ("F13 Violence against women", "Violence against women"),
        ("H1 Human rights defenders", "Human rights defenders"),
        # A coded label whose code this list does not know still matches on its text.
        ("E49 Right to health", "Right to health"),
        ("Theme: Right to health", "Right to health"),
        (
            "Right or area: 2.1 Acceptance of international norms",
            "Ratification of & accession to international instruments",
        ),
        (
            "Budget &resources (for human rights implementation)",
            "Budget & resources (for human rights implementation)",
        ),
        ("Cooperation & Follow up with Treaty Bodies", "Cooperation & follow-up with treaty bodies"),
        (
            "Right to work and to just & favorable conditions of work & labour rights",
            "Right to work & to just & favourable conditions of work",
        ),
        ("Droit à la santé", "Right to health"),
    ],
)
def test_index_matches_themes(index, label, name):
    assert index.theme(label) == Theme.objects.get(name_en=name).pk


@pytest.mark.django_db
def test_index_maps_upr_info_issues_as_documented(index):
    names = names_by_pk(Theme)
    assert {issue: names.get(index.theme(issue)) for issue in UPR_INFO_ISSUES} == UPR_INFO_ISSUES


def test_upr_info_issues_are_all_listed():
    """Every Issue of the real export is in UPR_INFO_ISSUES: mapped, or left unmapped on purpose."""
    rows = _upr_info_rows()
    issues = {issue.strip() for row in rows for issue in row["Issue"].split(",") if issue.strip()}
    assert issues == set(UPR_INFO_ISSUES)


@pytest.mark.django_db
def test_every_state_of_the_upr_info_export_is_matched(index):
    rows = _upr_info_rows()
    states = {row[column] for row in rows for column in ("To", "From")} - {"&#40;Unknown&#41;"}
    assert sorted(state for state in states if index.country(state) is None) == []


def _upr_info_rows() -> list[dict[str, str]]:
    # Mac Roman with CR line endings, as old Excel for Mac wrote it (see UHRI.md).
    text = (SAMPLES / "upr-info-sessions-1-5.csv").read_bytes().decode("mac_roman")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.django_db
def test_index_matches_affected_groups(index):
    names = names_by_pk(AffectedGroup)
    labels = {
        # The examples of UHRI.md, verbatim.
        "Women & girls": "Women & girls",
        "Children": "Children",
        "Persons with disabilities": "Persons with disabilities",
        "Migrants": "Migrants",
        "Refugees & asylum seekers": "Refugees & asylum seekers",
        "Indigenous peoples": "Indigenous peoples",
        "Persons deprived of their liberty & detainees": "Persons deprived of their liberty & detainees",
        "Minorities/ racial, ethnic, linguistic, religious or descent-based groups": (
            "Minorities/ racial, ethnic, linguistic, religious or descent-based groups"
        ),
        "Persons living in poverty": "Persons living in poverty",
        "Disappeared persons": "Disappeared persons",
        "Youth & juveniles": "Youth & juveniles",
        "Stateless persons": "Stateless persons",
        "Persons living in rural areas": "Persons living in rural areas",
        "Public officials": "Public officials",
        # Other spellings.
        "- Persons  with  disabilities\r": "Persons with disabilities",
        "women and girls": "Women & girls",
        "girls": "Women & girls",
        "Refugees  &  asylum seekers": "Refugees & asylum seekers",
        "minorities/racial, ethnic, linguistic, religious or descent-based groups": (
            "Minorities/ racial, ethnic, linguistic, religious or descent-based groups"
        ),
        "lesbian, gay, bisexual and transgender and intersex persons (LGBTI)": (
            "Lesbian, gay, bisexual, transgender and intersex persons"
        ),
        "Albinism": "Persons with albinism",
        "Migrants & domestic workers": "Migrants",
        "youth": "Youth & juveniles",
        "Personnes handicapées": "Persons with disabilities",
    }
    assert {label: names.get(index.affected_group(label)) for label in labels} == labels


@pytest.mark.django_db
def test_index_matches_mechanisms(index):
    codes = names_by_pk(Mechanism)
    labels = {
        "- CRC": "CRC",
        "CRC": "CRC",
        "Committee on the Rights of the Child": "CRC",
        "Human Rights Committee": "CCPR",
        "HRCttee": "CCPR",
        "CESCR": "CESCR",
        "Committee on Economic, Social and Cultural Rights": "CESCR",
        "CRC-OPSC": "CRC-OP-SC",
        "- CRC-OP-AC": "CRC-OP-AC",
        "CRC-OPAC": "CRC-OP-AC",
        "SPT": "SPT",
        "Subcommittee on Prevention of Torture": "SPT",
        "UPR": "UPR",
        "- UPR": "UPR",
        "Universal Periodic Review": "UPR",
        "SR Torture": "SR Torture",
        "- SR  Torture": "SR Torture",
        "Special Rapporteur on torture and other cruel, inhuman or degrading treatment or punishment": "SR Torture",
        "WG Arbitrary detention": "WG Arbitrary detention",
        "IE Older persons": "IE Older persons",
        "- IE  Albinism": "IE Albinism",
        "SR Education": "SR Education",
        "Comité des droits de l'enfant": "CRC",
    }
    assert {label: codes.get(index.mechanism(label)) for label in labels} == labels


@pytest.mark.django_db
def test_index_matches_sdg_targets_and_goals(index):
    target = dict(SdgTarget.objects.values_list("code", "pk"))
    goal = dict(SdgGoal.objects.values_list("number", "pk"))
    assert [
        index.sdg_target("16.2"),
        index.sdg_target("16.2 - Protect children from abuse, exploitation, trafficking and violence"),
        index.sdg_target("- 16.2 - Protect children from abuse, exploitation, trafficking and violence\r"),
        index.sdg_target("16.10"),
        index.sdg_target("1.a - Mobilize resources to implement policies to end poverty"),
        index.sdg_target("ED844D5D-9A5E-4A96-B22F-66CBF8BF4056"),
        index.sdg_target("Protect children from abuse, exploitation, trafficking and violence"),
    ] == [target["16.2"]] * 3 + [target["16.10"], target["1.a"], target["16.2"], target["16.2"]]
    assert [
        index.sdg_goal(16),
        index.sdg_goal("16"),
        index.sdg_goal("16 - PEACE, JUSTICE AND STRONG INSTITUTIONS"),
        index.sdg_goal("- 16 - PEACE, JUSTICE AND STRONG INSTITUTIONS"),
        index.sdg_goal("Peace, justice and strong institutions"),
        index.sdg_goal("Goal 16"),
        index.sdg_goal("SDG 16"),
        index.sdg_goal("c6811ae8-76b5-4032-8ac7-2ff776f6692a"),
        index.sdg_goal("Paix, justice et institutions efficaces"),
    ] == [goal[16]] * 9


@pytest.mark.django_db
def test_index_returns_none_for_unknown_labels(index):
    assert [
        index.mechanism("SR Nothing"),
        index.mechanism(""),
        index.mechanism(None),
        index.theme("Foo"),
        index.theme("Z99"),
        index.theme("   "),
        index.affected_group("Martians"),
        index.sdg_target("18.1"),
        index.sdg_target("16.99 - Not a target"),
        index.sdg_target("not a target"),
        index.sdg_goal(18),
        index.sdg_goal("16.2"),
        index.sdg_goal("Zero poverty"),
        index.sdg_goal("00000000-0000-0000-0000-000000000000"),
        index.country("Atlantis"),
        index.country("XX"),
    ] == [None] * 16


def test_unknown_label_flag():
    assert [
        VocabularyIndex.unknown("theme", "Foo"),
        VocabularyIndex.unknown("affected group", "- Martians  of  Mars\r"),
        VocabularyIndex.unknown("recommending State", "  "),
    ] == [
        "theme not recognised: Foo",
        "affected group not recognised: Martians of Mars",
        "recommending State not recognised: (empty)",
    ]


@pytest.mark.django_db
def test_index_reads_raw_columns_whatever_the_active_language():
    with translation.override("fr"):
        index = VocabularyIndex.build()
    assert [index.country("Bolivia (Plurinational State of)"), index.theme("Right to health")] == [
        Country.objects.get(iso3="BOL").pk,
        Theme.objects.get(name_en="Right to health").pk,
    ]
