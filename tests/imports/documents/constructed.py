"""CONSTRUCTED samples of UN documents, for the tests. They are NOT UN documents.

No real treaty-body concluding observations or special-procedure report was at hand, so these
were written to follow the layout and wording of real ones (the Official Document System's
templates: masthead, title with a footnote, chapters I., II., sections A., B., sub-headings,
numbered paragraphs with lettered sub-items, the follow-up paragraph, running headers). The
symbols, dates, sessions, names and facts are invented; any likeness to a real document's text is
only the standard wording these documents share.

Each sample is a list of blocks that ``build_constructed.py`` writes out as a Word file and as a
PDF. Block kinds:

- ``("masthead", {...})``: the first page's head (body, symbol, distribution, date).
- ``("meta", "text")``: a line of the first page above the title ("Committee on …").
- ``("title", "text")``: the title; ``[^*]`` marks where its footnote is called.
- ``("h1", "I. Introduction")``, ``("h2", "A. …")``, ``("h3", "Legislation")``: headings.
- ``("para", "12", "text", ["(a) …", "(b) …"])``: a numbered paragraph and its sub-items;
  ``[^1]`` in a text calls footnote 1.
- ``("text", "…")``: an unnumbered paragraph (a summary).
"""

from __future__ import annotations

from typing import Any

Block = tuple[Any, ...]

CONSTRUCTED_NOTE = "CONSTRUCTED SAMPLE for NRTD tests; not a UN document."

# --------------------------------------------------------------------------
# Committee on Economic, Social and Cultural Rights: "within 24 months", paragraphs 12, 25, 38.
# --------------------------------------------------------------------------

CESCR_SYMBOL = "E/C.12/SVN/CO/3"
CESCR_FOOTNOTES = {
    "*": "Adopted by the Committee at its seventy-sixth session (23 September\u201311 October 2024).",
    "1": "E/C.12/SVN/3.",
    "2": "See E/C.12/2024/SR.52 and E/C.12/2024/SR.53.",
    "3": "E/C.12/SVN/CO/2, para. 14.",
}

CESCR_CO: list[Block] = [
    (
        "masthead",
        {
            "body": "Economic and Social Council",
            "symbol": CESCR_SYMBOL,
            "distribution": "Distr.: General",
            "date": "5 November 2024",
            "original": "Original: English",
            "job": "GE.24-19876(E)",
        },
    ),
    ("meta", "Committee on Economic, Social and Cultural Rights"),
    ("title", "Concluding observations on the third periodic report of Slovenia[^*]"),
    ("h1", "A. Introduction"),
    (
        "para",
        "1",
        "The Committee considered the third periodic report of Slovenia[^1] at its 52nd and 53rd meetings,[^2] "
        "held on 3 and 4 October 2024, and adopted the present concluding observations at its 62nd meeting, "
        "held on 11 October 2024.",
        [],
    ),
    (
        "para",
        "2",
        "The Committee welcomes the submission of the third periodic report of the State party and the "
        "constructive dialogue held with the State party\u2019s high-level interministerial delegation.",
        [],
    ),
    ("h1", "B. Positive aspects"),
    (
        "para",
        "3",
        "The Committee welcomes the legislative, institutional and policy measures taken by the State party "
        "since the consideration of its second periodic report, including the adoption of the Resolution on "
        "the National Housing Programme 2015\u20132025 and the amendments to the Minimum Wage Act in 2018.",
        [],
    ),
    ("h1", "C. Principal subjects of concern and recommendations"),
    ("h3", "Domestic application of the Covenant"),
    (
        "para",
        "4",
        "The Committee is concerned that the provisions of the Covenant have been invoked before the domestic "
        "courts only in a limited number of cases, and that judges, lawyers and public officials are not "
        "sufficiently aware of the rights enshrined in the Covenant.",
        [],
    ),
    (
        "para",
        "5",
        "The Committee recommends that the State party take the measures necessary to ensure the direct "
        "applicability of all Covenant rights in its domestic legal order and intensify its efforts to raise "
        "awareness of economic, social and cultural rights among judges, lawyers, law enforcement officers and "
        "members of the National Assembly.",
        [],
    ),
    ("h3", "Optional Protocol to the Covenant"),
    (
        "para",
        "6",
        "The Committee encourages the State party to ratify the Optional Protocol to the International Covenant "
        "on Economic, Social and Cultural Rights.",
        [],
    ),
    ("h3", "Business and human rights"),
    (
        "para",
        "7",
        "The Committee notes the adoption of the National Action Plan on Business and Human Rights but is "
        "concerned that it does not provide for mandatory human rights due diligence.",
        [],
    ),
    (
        "para",
        "8",
        "The Committee recommends that the State party:",
        [
            "(a) Establish a clear regulatory framework requiring companies domiciled in the State party to "
            "exercise human rights due diligence throughout their operations, including abroad;",
            "(b) Ensure that victims of abuses by business entities have access to effective remedies;",
            "(c) Take into account the Committee\u2019s general comment No. 24 (2017) on State obligations under "
            "the Covenant in the context of business activities.",
        ],
    ),
    ("h3", "Maximum available resources"),
    (
        "para",
        "9",
        "The Committee is concerned that public expenditure on social security, health and housing has not "
        "kept pace with needs, and that tax evasion continues to reduce the resources available.",
        [],
    ),
    (
        "para",
        "10",
        "The Committee recommends that the State party increase the level of social spending, in particular "
        "in the areas of social security, health and housing, and intensify its efforts to combat tax evasion "
        "and tax avoidance, with a view to generating the resources needed for the progressive realization of "
        "economic, social and cultural rights.",
        [],
    ),
    ("h3", "National human rights institution"),
    (
        "para",
        "11",
        "While noting that the Human Rights Ombudsman was accredited with A status in 2021, the Committee is "
        "concerned that the Ombudsman\u2019s mandate in respect of economic, social and cultural rights is not "
        "backed by sufficient human, technical and financial resources.",
        [],
    ),
    (
        "para",
        "12",
        "The Committee recommends that the State party:",
        [
            "(a) Allocate to the Human Rights Ombudsman the human, technical and financial resources necessary "
            "for it to discharge its mandate effectively and independently, including in respect of economic, "
            "social and cultural rights;",
            "(b) Ensure that the Human Rights Council established within the Office of the Ombudsman is "
            "consulted on all draft legislation affecting economic, social and cultural rights;",
            "(c) Strengthen the regional presence of the Ombudsman, in particular in the Pomurska and Zasavska "
            "regions.",
        ],
    ),
    ("h3", "Non-discrimination"),
    (
        "para",
        "13",
        "The Committee is concerned that Roma, persons with disabilities and migrants continue to face "
        "discrimination in access to employment, housing, health care and education.",
        [],
    ),
    (
        "para",
        "14",
        "Recalling its previous recommendation,[^3] the Committee urges the State party to adopt a "
        "comprehensive strategy against discrimination, with time-bound targets and indicators, and to "
        "strengthen the mandate and resources of the Advocate of the Principle of Equality.",
        [],
    ),
    ("h3", "Equality between men and women"),
    (
        "para",
        "15",
        "The Committee notes with concern the persistence of the gender pay gap and the under-representation of "
        "women in decision-making positions in the private sector.",
        [],
    ),
    (
        "para",
        "16",
        "The Committee recommends that the State party intensify its efforts to eliminate the gender pay gap, "
        "including by ensuring the application of the principle of equal pay for work of equal value, and "
        "adopt temporary special measures to increase the representation of women in management positions.",
        [],
    ),
    ("h3", "Unemployment"),
    (
        "para",
        "17",
        "The Committee is concerned about the high rate of long-term unemployment among persons over 55 years "
        "of age and among young persons with low levels of education.",
        [],
    ),
    (
        "para",
        "18",
        "The Committee recommends that the State party strengthen active labour market policies targeting "
        "older workers and young persons with low levels of education, and monitor their effectiveness.",
        [],
    ),
    ("h3", "Precarious employment"),
    (
        "para",
        "19",
        "The Committee is concerned at the widespread use of fixed-term contracts and of civil-law contracts "
        "instead of employment contracts, in particular among young workers.",
        [],
    ),
    (
        "para",
        "20",
        "The Committee recommends that the State party:",
        [
            "(a) Reduce the use of fixed-term contracts to situations where they are justified by the temporary "
            "nature of the work;",
            "(b) Strengthen the labour inspectorate so that it can detect and sanction disguised employment "
            "relationships;",
            "(c) Ensure that workers in non-standard forms of employment enjoy social security coverage.",
        ],
    ),
    ("h3", "Migrant workers"),
    (
        "para",
        "21",
        "The Committee is concerned about reports that migrant workers, in particular in construction and "
        "transport, are exposed to exploitative working conditions and that their residence permits are tied "
        "to a single employer.",
        [],
    ),
    (
        "para",
        "22",
        "The Committee calls upon the State party to review the single-permit system so that migrant workers "
        "can change employers without losing their residence status, and to ensure regular labour inspections "
        "in the sectors concerned.",
        [],
    ),
    ("h3", "Trade union rights"),
    (
        "para",
        "23",
        "The Committee recommends that the State party ensure that restrictions on the right to strike in "
        "essential services are narrowly defined and in conformity with article 8 of the Covenant.",
        [],
    ),
    ("h3", "Minimum wage"),
    (
        "para",
        "24",
        "The Committee notes that the minimum wage is adjusted annually but is concerned that the method of "
        "adjustment does not guarantee a decent living for workers and their families.",
        [],
    ),
    (
        "para",
        "25",
        "The Committee recommends that the State party establish a mechanism, with the participation of "
        "workers\u2019 and employers\u2019 organizations, to review the minimum wage regularly against the cost of "
        "living, so that it provides all workers and their families with a decent living.",
        [],
    ),
    ("h3", "Right to social security"),
    (
        "para",
        "26",
        "The Committee is concerned that the level of the minimum income and of the guaranteed pension is "
        "insufficient to ensure an adequate standard of living.",
        [],
    ),
    (
        "para",
        "27",
        "The Committee recommends that the State party raise the minimum income and the guaranteed pension to "
        "a level that ensures an adequate standard of living, and index them to the cost of living.",
        [],
    ),
    ("h3", "Protection of the family and children"),
    (
        "para",
        "28",
        "The Committee recommends that the State party ensure sufficient places in affordable early childhood "
        "education and care, in particular in rural areas and for Roma children.",
        [],
    ),
    ("h3", "Poverty"),
    (
        "para",
        "29",
        "The Committee is concerned about the high rate of poverty among older persons, in particular older "
        "women living alone, and among single-parent households.",
        [],
    ),
    (
        "para",
        "30",
        "The Committee recommends that the State party adopt a comprehensive strategy to combat poverty and "
        "social exclusion that targets older women living alone and single-parent households.",
        [],
    ),
    ("h3", "Right to adequate housing"),
    (
        "para",
        "31",
        "The Committee is concerned about the shortage of public rental housing, the long waiting lists for "
        "non-profit housing and the increase in the cost of housing in urban areas.",
        [],
    ),
    (
        "para",
        "32",
        "The Committee recommends that the State party increase the supply of social and affordable rental "
        "housing and ensure that housing allowances reflect actual housing costs.",
        [],
    ),
    ("h3", "Roma settlements"),
    (
        "para",
        "33",
        "The Committee is deeply concerned that many Roma settlements still lack access to safe drinking "
        "water, sanitation and electricity, and that their residents live under the threat of forced "
        "eviction.",
        [],
    ),
    (
        "para",
        "34",
        "The Committee urges the State party:",
        [
            "(a) To ensure without delay access to safe drinking water and sanitation for all residents of Roma "
            "settlements;",
            "(b) To regularize the legal status of Roma settlements, where possible, in consultation with the "
            "residents;",
            "(c) To ensure that evictions are carried out only as a last resort and in full compliance with "
            "international standards.",
        ],
    ),
    ("h3", "Right to health"),
    (
        "para",
        "35",
        "The Committee is concerned about the long waiting times for specialist health care and the shortage "
        "of family doctors, in particular in rural areas.",
        [],
    ),
    (
        "para",
        "36",
        "The Committee recommends that the State party reduce waiting times for specialist care and take "
        "measures to attract and retain family doctors in underserved areas.",
        [],
    ),
    ("h3", "Mental health"),
    (
        "para",
        "37",
        "The Committee is concerned that community-based mental health services remain insufficient and that "
        "children wait several months for psychiatric care.",
        [],
    ),
    (
        "para",
        "38",
        "The Committee recommends that the State party:",
        [
            "(a) Expand community-based mental health services, including for children and adolescents, "
            "throughout its territory;",
            "(b) Ensure that the Mental Health Act is amended in line with international human rights standards;",
            "(c) Allocate sufficient resources to the implementation of the national mental health programme.",
        ],
    ),
    ("h3", "Right to education"),
    (
        "para",
        "39",
        "The Committee recommends that the State party take targeted measures to reduce early school leaving "
        "among Roma children, including by employing Roma teaching assistants in all schools concerned.",
        [],
    ),
    ("h1", "D. Other recommendations"),
    (
        "para",
        "40",
        "The Committee recommends that the State party take fully into account its obligations under the "
        "Covenant and ensure the full enjoyment of the rights enshrined therein in the implementation of the "
        "2030 Agenda for Sustainable Development at the national level.",
        [],
    ),
    (
        "para",
        "41",
        "The Committee requests the State party to disseminate the present concluding observations widely at "
        "all levels of society, including at the national, provincial and territorial levels, in particular "
        "among parliamentarians, public officials and judicial authorities.",
        [],
    ),
    (
        "para",
        "42",
        "In accordance with the procedure on follow-up to concluding observations adopted by the Committee, "
        "the State party is requested to provide, within 24 months of the adoption of the present concluding "
        "observations, information on the implementation of the recommendations contained in paragraphs "
        "12 (a) (national human rights institution), 25 (minimum wage) and 38 (a) (mental health) above.",
        [],
    ),
    (
        "para",
        "43",
        "The Committee requests the State party to submit its fourth periodic report, to be prepared in "
        "accordance with the reporting guidelines adopted by the Committee in 2008, by 31 October 2029, unless "
        "notified otherwise owing to a change in the review cycle.",
        [],
    ),
]

CESCR_RECOMMENDATIONS = [
    "5", "6", "8", "10", "12", "14", "16", "18", "20", "22", "23", "25", "27", "28", "30", "32", "34", "36",
    "38", "39", "40", "41", "43",
]  # fmt: skip
CESCR_FOLLOW_UP = ["12", "25", "38"]

# --------------------------------------------------------------------------
# CEDAW, Word only, with Word's automatic paragraph numbering: "within two years", 9 (c), 13 (a), 17 (b).
# --------------------------------------------------------------------------

CEDAW_SYMBOL = "CEDAW/C/SVN/CO/8"
CEDAW_FOOTNOTES = {
    "*": "Adopted by the Committee at its eighty-ninth session (7\u201325 October 2024).",
}
CEDAW_CO: list[Block] = [
    (
        "masthead",
        {
            "body": "Convention on the Elimination of All Forms of Discrimination against Women",
            "symbol": CEDAW_SYMBOL,
            "distribution": "Distr.: General",
            "date": "30 October 2024",
            "original": "Original: English",
            "job": "GE.24-20001(E)",
        },
    ),
    ("meta", "Committee on the Elimination of Discrimination against Women"),
    ("title", "Concluding observations on the eighth periodic report of Slovenia[^*]"),
    ("h1", "A. Introduction"),
    (
        "para",
        "1",
        "The Committee considered the eighth periodic report of Slovenia at its 2090th and 2091st meetings, "
        "held on 9 October 2024, and adopted the present concluding observations at its 2110th meeting, held "
        "on 23 October 2024.",
        [],
    ),
    (
        "para",
        "2",
        "The Committee appreciates the submission by the State party of its eighth periodic report.",
        [],
    ),
    ("h1", "B. Positive aspects"),
    (
        "para",
        "3",
        "The Committee welcomes the progress achieved since the consideration of the State party\u2019s previous "
        "report in undertaking legislative reforms, in particular the amendment of the Criminal Code in 2021 "
        "defining rape on the basis of the absence of consent.",
        [],
    ),
    ("h1", "C. Principal areas of concern and recommendations"),
    ("h3", "Legislative framework"),
    (
        "para",
        "4",
        "The Committee notes the comprehensive anti-discrimination legislation of the State party but is "
        "concerned that it is rarely invoked in cases of discrimination against women.",
        [],
    ),
    (
        "para",
        "5",
        "The Committee recommends that the State party conduct awareness-raising campaigns on the remedies "
        "available to women who are victims of discrimination.",
        [],
    ),
    ("h3", "Access to justice"),
    (
        "para",
        "6",
        "The Committee recommends that the State party ensure that free legal aid is available to women who "
        "lack sufficient means, in all proceedings concerning discrimination and gender-based violence.",
        [],
    ),
    ("h3", "National machinery for the advancement of women"),
    (
        "para",
        "7",
        "The Committee is concerned that the Equal Opportunities Department lacks the authority and resources "
        "needed to coordinate gender mainstreaming across the Government.",
        [],
    ),
    (
        "para",
        "8",
        "The Committee recommends that the State party strengthen the authority of the national machinery for "
        "the advancement of women and provide it with sufficient human, technical and financial resources.",
        [],
    ),
    ("h3", "Temporary special measures"),
    (
        "para",
        "9",
        "The Committee recommends that the State party:",
        [
            "(a) Adopt temporary special measures to accelerate substantive equality of women and men in "
            "areas where women are underrepresented;",
            "(b) Raise awareness among public officials of the non-discriminatory nature of such measures;",
            "(c) Set time-bound targets for the representation of Roma women in public life.",
        ],
    ),
    ("h3", "Gender-based violence against women"),
    (
        "para",
        "10",
        "The Committee is concerned about the prevalence of gender-based violence against women, including "
        "domestic violence, and the low number of prosecutions.",
        [],
    ),
    (
        "para",
        "11",
        "Recalling its general recommendation No. 35 (2017), the Committee recommends that the State party "
        "ensure that all cases of gender-based violence against women are effectively investigated and "
        "prosecuted, and that perpetrators are adequately punished.",
        [],
    ),
    ("h3", "Trafficking in women and girls"),
    (
        "para",
        "12",
        "The Committee recommends that the State party strengthen the early identification of women and girls "
        "who are victims of trafficking, including among asylum seekers.",
        [],
    ),
    ("h3", "Participation in political and public life"),
    (
        "para",
        "13",
        "The Committee urges the State party:",
        [
            "(a) To raise the statutory quota for candidate lists in local elections to 50 per cent;",
            "(b) To provide capacity-building for women candidates.",
        ],
    ),
    ("h3", "Employment"),
    (
        "para",
        "14",
        "The Committee recommends that the State party enforce the principle of equal pay for work of equal "
        "value and reduce the gender pay gap.",
        [],
    ),
    ("h3", "Health"),
    (
        "para",
        "15",
        "The Committee recommends that the State party ensure access to gynaecological services for women "
        "with disabilities and women living in rural areas.",
        [],
    ),
    ("h3", "Rural women"),
    (
        "para",
        "16",
        "The Committee is concerned that rural women have limited access to childcare and public transport.",
        [],
    ),
    (
        "para",
        "17",
        "The Committee recommends that the State party:",
        [
            "(a) Expand childcare services in rural areas;",
            "(b) Improve public transport connecting rural areas with regional centres;",
            "(c) Ensure that rural women participate in the design of regional development plans.",
        ],
    ),
    ("h1", "D. Follow-up to the present concluding observations"),
    (
        "para",
        "18",
        "The Committee requests the State party to provide, within two years, written information on the "
        "steps taken to implement the recommendations contained in paragraphs 9 (c), 13 (a) and 17 (b) above.",
        [],
    ),
    ("h1", "E. Preparation of the next report"),
    (
        "para",
        "19",
        "The Committee invites the State party to submit its ninth periodic report, which is due in October 2028.",
        [],
    ),
]
CEDAW_RECOMMENDATIONS = ["5", "6", "8", "9", "11", "12", "13", "14", "15", "17", "19"]
CEDAW_FOLLOW_UP = ["9", "13", "17"]

# --------------------------------------------------------------------------
# Special Rapporteur on the right to food, visit to Slovenia.
# --------------------------------------------------------------------------

SR_SYMBOL = "A/HRC/59/40/Add.1"
SR_FOOTNOTES = {
    "*": "The summary of the present report is circulated in all official languages. The report itself, "
    "which is annexed to the summary, is circulated in the language of submission only.",
    "1": "A/HRC/52/40, para. 23.",
}
SR_VISIT: list[Block] = [
    (
        "masthead",
        {
            "body": "General Assembly",
            "symbol": SR_SYMBOL,
            "distribution": "Distr.: General",
            "date": "14 April 2025",
            "original": "Original: English",
            "job": "GE.25-05432(E)",
        },
    ),
    ("meta", "Human Rights Council"),
    ("meta", "Fifty-ninth session"),
    ("meta", "16 June\u201311 July 2025"),
    ("meta", "Agenda item 3"),
    (
        "meta",
        "Promotion and protection of all human rights, civil, political, economic, social and cultural "
        "rights, including the right to development",
    ),
    ("title", "Visit to Slovenia"),
    ("title", "Report of the Special Rapporteur on the right to food, Ana Primer[^*]"),
    ("h3", "Summary"),
    (
        "text",
        "The Special Rapporteur on the right to food conducted an official visit to Slovenia from 2 to 11 "
        "October 2024. In the present report, she assesses the realization of the right to food in the "
        "country and makes recommendations to the Government.",
    ),
    ("h1", "I. Introduction"),
    (
        "para",
        "1",
        "At the invitation of the Government, the Special Rapporteur on the right to food, Ana Primer, "
        "conducted an official visit to Slovenia from 2 to 11 October 2024.",
        [],
    ),
    (
        "para",
        "2",
        "The Special Rapporteur met representatives of the Government, the National Assembly, the Human "
        "Rights Ombudsman, municipalities, farmers\u2019 organizations and civil society in Ljubljana, Maribor, "
        "Murska Sobota and Novo Mesto.",
        [],
    ),
    (
        "para",
        "3",
        "The Special Rapporteur thanks the Government for its cooperation before and during the visit.",
        [],
    ),
    ("h1", "II. Legal and institutional framework"),
    (
        "para",
        "4",
        "Slovenia is a party to the International Covenant on Economic, Social and Cultural Rights. In 2016, "
        "the National Assembly added the right to drinking water to the Constitution; the right to food is "
        "not explicitly recognized.",
        [],
    ),
    (
        "para",
        "5",
        "The Resolution on the Strategic Plan for Agriculture and Food 2020\u20132030 sets objectives for food "
        "security and self-sufficiency but contains no reference to the right to food.",
        [],
    ),
    ("h1", "III. Main findings"),
    ("h2", "A. Food insecurity"),
    (
        "para",
        "6",
        "Although the rate of severe food insecurity is low, one in eight single-parent households reported "
        "being unable to afford a meal with meat, fish or a vegetarian equivalent every second day.",
        [],
    ),
    (
        "para",
        "7",
        "Food banks and humanitarian organizations have seen demand rise sharply since 2022, in particular "
        "among older persons and working families.",
        [],
    ),
    ("h2", "B. Agriculture and farmers"),
    (
        "para",
        "8",
        "Small family farms, which make up most agricultural holdings, face rising input costs and low "
        "purchase prices, and young people are reluctant to take over farms.",
        [],
    ),
    (
        "para",
        "9",
        "The Special Rapporteur is concerned that the concentration of the retail sector weakens the "
        "bargaining position of farmers, as she has observed elsewhere.[^1]",
        [],
    ),
    ("h2", "C. School meals"),
    (
        "para",
        "10",
        "The school meal programme is a good practice: all pupils receive a subsidized midday meal and pupils "
        "from low-income families receive it free of charge.",
        [],
    ),
    ("h1", "IV. Conclusions and recommendations"),
    ("h2", "A. Conclusions"),
    (
        "para",
        "11",
        "Slovenia has solid foundations for the realization of the right to food, but the lack of its legal "
        "recognition leaves the most vulnerable dependent on charity.",
        [],
    ),
    (
        "para",
        "12",
        "The Special Rapporteur welcomes the school meal programme and the constitutional right to drinking "
        "water as examples for other countries.",
        [],
    ),
    ("h2", "B. Recommendations"),
    (
        "para",
        "13",
        "The Special Rapporteur recommends that the Government:",
        [
            "(a) Recognize the right to adequate food in the Constitution or in a framework law;",
            "(b) Adopt a national food strategy based on human rights, with the participation of farmers, "
            "consumers and people experiencing poverty;",
            "(c) Raise the minimum income so that it covers the cost of a healthy diet.",
        ],
    ),
    (
        "para",
        "14",
        "With regard to agriculture, the Special Rapporteur recommends that the Government:",
        [
            "(a) Support the generational renewal of family farms, including through access to land and credit "
            "for young farmers;",
            "(b) Strengthen the supervision of unfair trading practices in the food supply chain.",
        ],
    ),
    (
        "para",
        "15",
        "The Special Rapporteur encourages municipalities to extend the school meal programme to kindergartens "
        "and to the school holidays.",
        [],
    ),
    (
        "para",
        "16",
        "Reduce food waste in public institutions by at least half by 2030, in line with target 12.3 of the "
        "Sustainable Development Goals.",
        [],
    ),
]
SR_RECOMMENDATIONS = ["13", "14", "15", "16"]
