"""The related-recommendations suggester: pure Python, no database.

Texts are real UN recommendations (the UPR of Slovenia, 3rd cycle, and the UHRI sample), as
a State's own data would hold them.
"""

# The samples are UN texts in French, Spanish and Chinese, whole sentences on one line each:
# their letters and punctuation are meant.
# ruff: noqa: E501

import pytest

from recommendations.related import (
    Item,
    Suggestion,
    action_class,
    analyse,
    neighbours,
    normalise,
    paragraph_position,
    suggest_groups,
    tag_profiles,
    tag_similarity,
    tokens,
)

CED = "International Convention for the Protection of All Persons from Enforced Disappearance"
ICRMW = "International Convention on the Protection of the Rights of All Migrant Workers and Members of Their Families"


def ids(suggestions: list[Suggestion]) -> list[tuple[int, ...]]:
    return [suggestion.ids for suggestion in suggestions]


def test_the_same_ratification_asked_by_several_states_is_one_group():
    items = [
        Item(1, f"121.1 Ratify the {CED} (France) (Lithuania);", "UPR", "34"),
        Item(
            2,
            f"121.2 Complete the process of ratification of the {CED} (Ukraine); "
            f"Increase efforts towards ratification of the {CED} (Slovakia);",
            "UPR",
            "34",
        ),
        Item(3, f"Consider ratifying the {CED} (Niger);", "UPR", "34"),
        Item(4, "Continue efforts to combat trafficking in persons, especially women and children (Chile);"),
        Item(
            5,
            "Revise the definition of rape in the Criminal Code so that it is based on the absence of consent (Greece);",
        ),
    ]

    suggestions = suggest_groups(items)

    assert ids(suggestions) == [(1, 2, 3)]
    assert 0.5 < suggestions[0].score <= 1.0


def test_ratifying_different_instruments_is_not_one_request():
    items = [
        Item(1, f"Ratify the {CED} (France);"),
        Item(
            2,
            "Ratify the Optional Protocol to the Convention on the Rights of the Child on a communications procedure (Portugal);",
        ),
        Item(3, "Ratify the 1961 Convention on the Reduction of Statelessness (Slovakia);"),
    ]

    assert suggest_groups(items) == []


def test_two_tight_groups_on_the_same_theme_stay_two_groups():
    # Both conventions are "International Convention ... Protection ... All ...": the texts share
    # most of their words, yet each trio is much tighter than the six together.
    items = [
        Item(1, f"Ratify the {CED} (France) (Lithuania);"),
        Item(2, f"Complete the process of ratification of the {CED} (Ukraine);"),
        Item(3, f"Increase efforts towards ratification of the {CED} (Slovakia);"),
        Item(4, f"Ratify the {ICRMW} (Bangladesh) (Egypt);"),
        Item(5, f"Complete the process of ratification of the {ICRMW} (Senegal);"),
        Item(6, f"Undertake measures to ratify the {ICRMW} (Indonesia);"),
    ]

    assert sorted(ids(suggest_groups(items))) == [(1, 2, 3), (4, 5, 6)]


def test_different_requests_on_the_same_theme_are_not_grouped():
    items = [
        Item(1, "Investigate, prosecute and punish all cases of trafficking in persons (Israel);"),
        Item(2, "Ensure that victims of trafficking are provided with adequate assistance (Belarus);"),
        Item(3, "Strengthen measures to prevent and combat violence against women (Myanmar);"),
        Item(
            4,
            "Revise the definition of rape in the Criminal Code so that it is based on the absence of consent (Greece);",
        ),
    ]

    assert suggest_groups(items) == []


def test_the_recommending_states_in_parentheses_do_not_count():
    states = "(United Kingdom of Great Britain and Northern Ireland) (Bolivia (Plurinational State of))"
    different = [
        Item(1, f"Ratify the Optional Protocol to the Convention against Torture {states};"),
        Item(2, f"Adopt a national action plan on business and human rights {states};"),
    ]
    same = [
        Item(3, "Revise the definition of rape in the Criminal Code so that it is based on lack of consent (Chile);"),
        Item(4, "Revise the definition of rape in the Criminal Code so that it is based on lack of consent (Iceland)."),
    ]

    assert suggest_groups(different) == []
    assert suggest_groups(same) == [Suggestion(ids=(3, 4), score=1.0)]


def test_normalise_strips_the_paragraph_number_and_trailing_states_but_not_numbered_parentheses():
    assert normalise(
        "121.1 Ratify the Convention (France) (Lithuania); Sign it (Bolivia (Plurinational State of))."
    ) == ("ratify the convention ; sign it")
    assert normalise("Ratify the ILO Convention, 1930 (No. 29) (United Kingdom);") == (
        "ratify the ilo convention, 1930 (no. 29)"
    )


def test_boilerplate_verbs_do_not_count():
    assert tokens("Continue its efforts to combat poverty (Myanmar);") == tokens(
        "Step up efforts to combat poverty (Chile)"
    )
    assert tokens("Consider ratifying the Convention (Niger)") == tokens("Ratify the Convention (France)")


def test_groups_are_disjoint_sorted_and_best_first():
    items = [
        Item(
            30,
            "Revise the definition of rape in the Criminal Code so that it is based on the absence of consent (Greece);",
        ),
        Item(10, f"Ratify the {CED} (France);"),
        Item(
            21,
            "Develop and implement a national strategy on the protection of children from sexual exploitation and abuse (Iceland);",
        ),
        Item(
            31,
            "Revise the definition of rape contained in the Criminal Code, so that it is based on lack of consent (Mexico);",
        ),
        Item(11, f"Consider ratifying the {CED} (Niger);"),
        Item(
            20,
            "Develop and implement a national strategy for the protection of child victims of sexual exploitation and abuse (France);",
        ),
        Item(12, f"Ratify the {CED} (Lithuania);"),
        Item(
            40, "Improve the living conditions in detention facilities, in line with the Nelson Mandela Rules (Angola);"
        ),
    ]

    suggestions = suggest_groups(items)

    assert sorted(ids(suggestions)) == [(10, 11, 12), (20, 21), (30, 31)]
    assert ids(suggestions)[0] == (10, 11, 12)  # identical requests: the surest group
    scores = [suggestion.score for suggestion in suggestions]
    assert scores == sorted(scores, reverse=True)
    members = [member for suggestion in suggestions for member in suggestion.ids]
    assert len(members) == len(set(members))
    assert all(list(suggestion.ids) == sorted(suggestion.ids) for suggestion in suggestions)


def test_a_higher_threshold_keeps_only_the_closer_wording():
    items = [
        Item(1, "Strengthen measures to prevent and combat violence against women (Myanmar);"),
        Item(2, "Further strengthen measures to prevent and combat violence against women (Maldives);"),
        Item(3, "Continue policies aimed at preventing and combating all forms of violence against women (Georgia);"),
    ]

    assert ids(suggest_groups(items, threshold=0.3)) == [(1, 2, 3)]
    assert ids(suggest_groups(items, threshold=0.99)) == [(1, 2)]


def test_no_items_or_one_item_give_no_groups():
    assert suggest_groups([]) == []
    assert suggest_groups([Item(1, f"Ratify the {CED} (France);")]) == []
    assert suggest_groups([Item(1, ""), Item(2, "")]) == []


def test_ids_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        suggest_groups([Item(1, "Ratify (France)"), Item(1, "Ratify (Chile)")])


def test_french_and_spanish_pairs():
    french = [
        Item(
            1,
            "127.179 Poursuivre ses efforts en vue de promouvoir et de sauvegarder le droit de tous à l’éducation (Pakistan)&nbsp;;",
        ),
        Item(
            2,
            "127.181 Redoubler d’efforts pour promouvoir et sauvegarder le droit de tous à l’éducation (Soudan)&nbsp;;",
        ),
        Item(3, "111.42 Élaborer un plan d’action national sur les entreprises et les droits de l’homme (Suisse) ;"),
        Item(
            4,
            "132.39 Envisager d’adopter le plan d’action national sur les entreprises et les droits de l’homme (Turkménistan) ;",
        ),
        Item(5, "Ratifier la Convention de 1961 sur la réduction des cas d’apatridie (Uruguay) ;"),
    ]
    spanish = [
        Item(
            1,
            "127.179 Continuar los esfuerzos por promover y salvaguardar el derecho a la educación para todos (Pakistán);",
        ),
        Item(
            2,
            "127.181 Intensificar los esfuerzos para promover y salvaguardar el derecho a la educación para todos (Sudán);",
        ),
        Item(3, "Ratificar la Convención para Reducir los Casos de Apatridia de 1961 (Eslovaquia);"),
    ]

    assert sorted(ids(suggest_groups(french))) == [(1, 2), (3, 4)]
    assert suggest_groups(spanish) == [Suggestion(ids=(1, 2), score=1.0)]


def test_chinese_pairs():
    items = [
        Item(1, "127.179继续努力促进和保障所有人的受教育权(巴基斯坦)；"),
        Item(2, "127.181加紧努力促进和保障所有人的受教育权(苏丹)；"),
        Item(3, "111.42制定一项工商业与人权国家行动计划(瑞士)；"),
        Item(4, "132.39考虑通过工商业与人权国家行动计划(土库曼斯坦)；"),
    ]

    assert sorted(ids(suggest_groups(items))) == [(1, 2), (3, 4)]
    # The State's name is not part of the text compared.
    assert "巴基" not in tokens(items[0].text)


# Annotations as the application keeps them: UHRI themes, affected groups, SDG targets.
MIGRANTS = frozenset({"theme:Equality & non-discrimination", "group:Migrants & domestic workers"})
WOMEN = frozenset({"theme:Violence against women", "group:Women & girls"})
CHILDREN = frozenset({"theme:Children: protection against exploitation", "group:Children"})
OTHERS = [
    Item(
        5,
        "Continue efforts to combat trafficking in persons, especially women and children (Chile);",
        tags=frozenset({"theme:Prohibition of slavery, trafficking", "group:Women & girls", "group:Children"}),
    ),
    Item(
        6,
        "Revise the definition of rape in the Criminal Code so that it is based on the absence of consent (Greece);",
        tags=WOMEN,
    ),
    Item(
        7,
        "Improve the living conditions in detention facilities, in line with the Nelson Mandela Rules (Angola);",
        tags=frozenset({"theme:Conditions of detention", "group:Persons deprived of their liberty"}),
    ),
    Item(
        8,
        "Ensure the right to justice for all detainees, through the provision of free public defence counsel (Costa Rica);",
        tags=frozenset({"theme:Administration of justice & fair trial", "group:Persons deprived of their liberty"}),
    ),
]


def untagged(items: list[Item]) -> list[Item]:
    return [Item(item.id, item.text) for item in items]


def test_the_same_ask_in_other_words_is_grouped_when_its_tags_match():
    first = Item(3, "Continue efforts to promote the rights of migrants and asylum seekers (Iraq);", tags=MIGRANTS)
    second = Item(
        4,
        "Safeguard the rights of newly-arrived and all immigrants in line with its international obligations and commitments (Thailand);",
        tags=MIGRANTS,
    )

    # The wording alone is too far apart; the same annotations make them one request...
    assert suggest_groups(untagged([first, second, *OTHERS])) == []
    assert ids(suggest_groups([first, second, *OTHERS])) == [(3, 4)]
    # ... and other annotations do not.
    elsewhere = Item(second.id, second.text, tags=frozenset({"theme:Conditions of detention"}))
    assert suggest_groups([first, elsewhere, *OTHERS]) == []


def test_similar_wording_about_different_groups_is_not_grouped():
    items = [
        Item(1, "Strengthen measures to prevent and combat violence against women (Myanmar);", tags=WOMEN),
        Item(2, "Strengthen measures to prevent and combat violence against children (Maldives);", tags=CHILDREN),
        Item(3, "Further strengthen measures to prevent and combat violence against women (Maldives);", tags=WOMEN),
        *OTHERS,
    ]

    assert ids(suggest_groups(items)) == [(1, 3)]
    # Without tags, the group named in the request tells them apart too.
    assert ids(suggest_groups(untagged(items))) == [(1, 3)]


def test_disjoint_tags_outweigh_similar_wording_and_missing_tags_are_neutral():
    profiles = tag_profiles([WOMEN, CHILDREN, WOMEN, frozenset()])

    assert tag_similarity(profiles[0], profiles[1]) == 0.0  # no theme and no group in common
    assert tag_similarity(profiles[0], profiles[2]) == pytest.approx(1.0)
    assert tag_similarity(profiles[0], profiles[3]) is None  # compared on the text alone
    # Only the kinds both have count: a recommendation with no group tag is not "another group".
    partial = tag_profiles([WOMEN, frozenset({"theme:Violence against women"})])
    assert tag_similarity(partial[0], partial[1]) == pytest.approx(1.0)


def test_the_same_thing_named_in_other_words_gives_the_same_tokens():
    assert tokens("Combat human trafficking (Chile)") == tokens("Combat trafficking in human beings (Iran)")
    assert tokens("Combat trafficking in persons (Chile)") == tokens("Combat human trafficking (Iran)")
    assert tokens("Strengthen the Ombudsman (Ireland)") == tokens("Strengthen the national human rights institution")
    assert tokens("Combat hate speech") == tokens("Combat incitement to hatred")
    assert tokens("Ratify the CRPD") == tokens("Ratify the Convention on the Rights of Persons with Disabilities")
    # The same instrument in French and Spanish.
    assert "crpd" in tokens("Ratifier la Convention relative aux droits des personnes handicapées (France) ;")
    assert "crpd" in tokens("Ratificar la Convención sobre los derechos de las personas con discapacidad (Chile);")


def test_examples_count_less_than_the_request_and_name_no_group():
    text = analyse("Continue its efforts to prevent trafficking in persons, particularly children (Myanmar);")

    assert text.features["trafficking"] > text.features["child"]
    assert text.groups == frozenset()  # "particularly children" is an emphasis, not the object
    assert analyse("Combat violence against children (Maldives);").groups == {"child"}


def test_ratifying_different_instruments_stays_apart_whatever_the_tags():
    acceptance = frozenset({"theme:Acceptance of international norms"})
    items = [
        Item(1, f"Ratify the {CED} (France);", tags=acceptance),
        Item(2, f"Consider ratifying the {CED} (Niger);", tags=acceptance),
        Item(3, f"Ratify the {ICRMW} (Egypt);", tags=acceptance),
        Item(4, "Ratify the Optional Protocol to the Convention against Torture (Denmark);", tags=acceptance),
    ]

    assert ids(suggest_groups(items)) == [(1, 2)]


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("Combat hate speech (France);", "combat"),
        ("Continue its efforts to prevent trafficking in persons, particularly children (Myanmar);", "combat"),
        ("Prosecute hate speech (Chile);", "prosecute"),
        (
            "Take all necessary measures to investigate, prosecute and punish all cases of trafficking (Israel);",
            "prosecute",
        ),
        ("Undertake awareness-raising campaigns to combat hate speech (Iraq);", "awareness"),
        ("Ratify the Optional Protocol to the Convention against Torture (France);", "ratify"),
        ("Consider ratifying the Optional Protocol to the Convention against Torture (Niger);", "ratify"),
        ("Adopt a comprehensive anti-discrimination strategy (Luxembourg);", "plan"),
        ("Amend the Criminal Code to criminalize marital rape;", "law"),
        ("Ensure that victims of trafficking are provided with adequate assistance (Canada);", "victims"),
        ("Establish a national human rights institution in line with the Paris Principles (Togo);", "institution"),
        ("Allocate sufficient resources to the national human rights institution;", "resources"),
        ("Improve the collection of disaggregated data on violence against women;", "data"),
        ("Provide training to judges and prosecutors on the rights of women;", "training"),
        # The means name the act: this asks for the plan.
        (
            "Continue efforts to prevent domestic violence and violence against women through the adoption of a "
            "national plan for this purpose (Luxembourg);",
            "plan",
        ),
        ("Poursuivre ses efforts pour lutter contre la traite des personnes (France);", "combat"),
        ("Enquêter sur tous les cas de traite et poursuivre les auteurs (Maroc);", "prosecute"),
        ("Ratifier la Convention relative aux droits des personnes handicapées (Espagne);", "ratify"),
        (
            "Seguir adoptando medidas para sensibilizar a la población sobre la violencia contra la mujer (Chile);",
            "awareness",
        ),
        ("Adoptar un plan nacional de acción contra la trata de personas (Perú);", "plan"),
        ("Ensure equal access to quality education for all students (Malaysia);", ""),
    ],
)
def test_the_act_a_request_asks(text, action):
    assert action_class(text) == action
    assert analyse(text).action == action


def test_different_acts_on_the_same_problem_score_lower_and_the_same_act_keeps_its_score():
    items = [
        Item(1, "Combat hate speech against migrants and minorities (France);"),
        Item(2, "Investigate and prosecute hate speech against migrants and minorities (Chile);"),
        Item(3, "Raise awareness of hate speech against migrants and minorities (Peru);"),
        Item(4, "Ratify the Optional Protocol to the Convention against Torture (France);"),
        Item(5, "Consider ratifying the Optional Protocol to the Convention against Torture (Niger);"),
    ]

    # Same words, three acts: together only at a low threshold (the factor is not 0: a
    # classification can be wrong); the same act in other words keeps its full score.
    assert ids(suggest_groups(items, threshold=0.3)) == [(4, 5)]
    assert suggest_groups(items, threshold=0.3)[0].score == 1.0
    assert ids(suggest_groups(items, threshold=0.1)) == [(4, 5), (1, 2, 3)]


DOMESTIC_VIOLENCE = "Adopt a comprehensive strategy to combat domestic violence (Chile);"
VIOLENCE_IN_THE_FAMILY = "Take further measures to prevent violence in the family, in particular against women (Peru);"
OTHER_REQUESTS = [
    "Ratify the Optional Protocol to the Convention against Torture (France);",
    "Ensure equal access to quality education for all students (Malaysia);",
    "Revise the definition of rape in the Criminal Code so that it is based on the absence of consent (Greece);",
]


def paraphrases(first: tuple[str, str] = ("", ""), second: tuple[str, str] = ("", "")) -> list[Item]:
    """Two near-paraphrases (document symbol, paragraph for each) among unrelated requests."""
    return [
        Item(1, DOMESTIC_VIOLENCE, "UPR", first[0], paragraph=first[1]),
        Item(2, VIOLENCE_IN_THE_FAMILY, "UPR", second[0], paragraph=second[1]),
    ] + [Item(3 + index, text) for index, text in enumerate(OTHER_REQUESTS)]


@pytest.mark.parametrize(
    ("paragraph", "position"),
    [
        ("121.2", (121, 2)),
        ("137.197", (137, 197)),
        ("28(b)", (28, 2)),
        ("28 (b) (ii)", (28, 2, 2)),
        ("79(a)(iv)", (79, 1, 4)),
        ("17", (17,)),
        ("", ()),
        ("Add.1", ()),
    ],
)
def test_a_paragraph_number_as_a_sortable_position(paragraph, position):
    assert paragraph_position(paragraph) == position


def test_neighbours_are_close_paragraphs_under_one_main_paragraph_of_one_document():
    items = [
        Item(1, "a", session="A/HRC/34/15", paragraph="121.1"),
        Item(2, "b", session="A/HRC/34/15", paragraph="121.2"),
        Item(3, "c", session="A/HRC/34/15", paragraph="121.4"),
        Item(4, "d", session="A/HRC/34/15", paragraph="122.1"),  # another main paragraph
        Item(5, "e", session="CRC/C/SVN/CO/3-4", paragraph="121.3"),  # another document
        Item(6, "f", session="A/HRC/34/15", paragraph="121.9"),  # too far
        Item(7, "g", paragraph="121.3"),  # no document
    ]

    near = neighbours(items)

    assert set(near) == {(0, 1), (0, 2), (1, 2)}
    assert near[(0, 1)] == 1.0 > near[(1, 2)] > near[(0, 2)] > 0.0  # 1, 2 and 3 paragraphs apart


def test_adjacent_near_paraphrases_are_grouped_at_a_lower_text_similarity():
    text_alone = suggest_groups(paraphrases(), threshold=0.01)[0].score
    threshold = text_alone + 0.02
    adjacent = paraphrases(("A/HRC/34/15", "121.20"), ("A/HRC/34/15", "121.21"))
    sub_items = paraphrases(("CRC/C/SVN/CO/3-4", "28(b)"), ("CRC/C/SVN/CO/3-4", "28(c)"))

    assert suggest_groups(paraphrases(), threshold=threshold) == []
    assert ids(suggest_groups(adjacent, threshold=threshold)) == [(1, 2)]
    assert ids(suggest_groups(sub_items, threshold=threshold)) == [(1, 2)]
    assert suggest_groups(adjacent, threshold=0.01)[0].score > text_alone


def test_the_same_pair_far_apart_or_in_different_documents_is_scored_on_its_text_alone():
    text_alone = suggest_groups(paraphrases(), threshold=0.01)
    far_apart = paraphrases(("A/HRC/34/15", "121.2"), ("A/HRC/34/15", "121.40"))
    other_sections = paraphrases(("A/HRC/34/15", "121.20"), ("A/HRC/34/15", "122.21"))
    other_documents = paraphrases(("A/HRC/34/15", "121.20"), ("CRC/C/SVN/CO/3-4", "121.21"))

    for items in (far_apart, other_sections, other_documents):
        assert suggest_groups(items, threshold=0.01) == text_alone


def test_an_item_without_paragraph_behaves_as_before():
    without = [Item(1, DOMESTIC_VIOLENCE, "UPR", "A/HRC/34/15"), Item(2, VIOLENCE_IN_THE_FAMILY, "UPR", "A/HRC/34/15")]
    one_without = [
        Item(1, DOMESTIC_VIOLENCE, "UPR", "A/HRC/34/15", paragraph="121.20"),
        Item(2, VIOLENCE_IN_THE_FAMILY, "UPR", "A/HRC/34/15"),
    ]
    plain = [Item(1, DOMESTIC_VIOLENCE), Item(2, VIOLENCE_IN_THE_FAMILY)]

    assert suggest_groups(without, threshold=0.01) == suggest_groups(plain, threshold=0.01)
    assert suggest_groups(one_without, threshold=0.01) == suggest_groups(plain, threshold=0.01)


def test_blocks_cover_every_item_once_within_their_size_and_keep_copies_together():
    from recommendations.related import blocking_stems, blocks

    texts = {
        1: f"Ratify the {CED} (France);",
        2: f"Consider ratifying the {CED} (Niger);",
        3: "Take measures to reduce overcrowding in prisons (Denmark);",
        4: "Reduce overcrowding in prisons, including pre-trial detention (Chile);",
        5: "Abolish the death penalty (Italy);",
        6: "Abolish the death penalty for all crimes (Spain);",
        7: "Adopt a national action plan on business and human rights (Germany);",
    }
    stems = {pk: blocking_stems(text) for pk, text in texts.items()}

    assert blocks(stems) == [list(texts)]  # all fit: one block, every pair considered
    small = blocks(stems, size=2)
    assert sorted(pk for block in small for pk in block) == sorted(texts)
    assert all(1 <= len(block) <= 2 for block in small)
    together = {frozenset(block) for block in small}
    assert {frozenset({1, 2}), frozenset({3, 4}), frozenset({5, 6})} <= together
    # The examples are not the request: they do not decide the block.
    assert blocking_stems("Combat trafficking in persons, including children and women") == blocking_stems(
        "Combat trafficking in persons (Chile)"
    )
