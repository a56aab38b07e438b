"""The database side of the public search: text preparation, search documents and their triggers.

Everything here is ``CREATE OR REPLACE`` and idempotent: migration 0014 runs it, and a later
migration that changes a definition runs it again. recommendations/search.py is the other half
(facet codes, query building) and must agree with the codes below: see ``Facet`` there.

- ``nrtd_fold(text)``: lower case, accents and Arabic diacritics removed, alef with hamza or
  madda as plain alef, Russian ``ё`` as ``е``, so that a search ignores them on both sides.
- ``nrtd_cjk_bigrams(text)``: Chinese has no spaces between words; each run of Han characters
  becomes its overlapping two-character pieces ("儿童权利" → "儿童 童权 权利"), so a query's
  pieces match as a phrase anywhere in a word run.
- ``nrtd_tsv(language, text)`` / ``nrtd_tsq(language, text, phrase)``: the document vector and
  the query of one language (English, French, Spanish and Russian stemmed with Snowball,
  Arabic normalised then stemmed, Chinese in pieces, anything else as simple words).
- ``nrtd_search_refresh(ids)``: rewrite the search documents of these recommendations (only the
  published ones get one). SECURITY DEFINER: it runs as the tables' owner, whom row-level
  security still binds (FORCE), so it reads only the transaction's own State.
- Statement-level triggers on recommendations and progress updates call it for the rows whose
  searchable fields changed, in the same transaction as the change.
"""

# Combining marks taken off after canonical decomposition: Latin accents (all but the breve,
# U+0306, so that Russian й recomposes and stays й while ё becomes е), Arabic diacritics (the
# hamza and madda of alef, waw and yeh are marks too, so أ إ آ become ا) and tatweel.
_MARKS = "[\u0300-\u0305\u0307-\u036f\u064b-\u065f\u0670\u0640]"
# Letters that do not decompose: their plain form.
_PLAIN_FROM = "øłđħŧıſ\u0671"
_PLAIN_TO = "oldhtis\u0627"

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Waw, beh, kaf or feh joined to the article at the start of a word.
_AR_PREFIXED = "(^|[^\u0600-\u06ff])[\u0648\u0628\u0643\u0641]\u0627\u0644"

# facet * 10**12 + value: keep in step with portal.search.Facet.
_K = 1_000_000_000_000

# Transition tables are refused on a trigger with several events, hence one per event.
_EVENTS = {
    "insert": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows",
    "update": "AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows",
}
_TRIGGERS = "\n".join(
    f"DROP TRIGGER IF EXISTS nrtd_search_{event} ON {table};\n"
    f"CREATE TRIGGER nrtd_search_{event} {when.format(table=table)} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
    for table, function in (
        ("recommendations_recommendation", "nrtd_search_on_recommendation"),
        ("followup_progressupdate", "nrtd_search_on_progress_update"),
    )
    for event, when in _EVENTS.items()
)

# The two owner's functions the triggers call, which the application may call too: each checks
# that the States it touches are the transaction's (nrtd_require_state, migration tenants 0011).
# Migration portal 0002 runs them again.
SEARCH_FUNCTIONS_SQL = f"""
CREATE OR REPLACE FUNCTION nrtd_search_bump(states bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $fn$
DECLARE
    touched bigint;
BEGIN
    -- Only the transaction's own State, unless the caller may cross States (nrtd_require_state).
    FOR touched IN SELECT DISTINCT s FROM unnest(states) AS s WHERE s IS NOT NULL LOOP
        PERFORM nrtd_require_state(touched);
    END LOOP;
    INSERT INTO recommendations_searchversion (state_id, version)
    SELECT DISTINCT s, 1 FROM unnest(states) AS s WHERE s IS NOT NULL
    ON CONFLICT (state_id) DO UPDATE SET version = recommendations_searchversion.version + 1;
END
$fn$;

CREATE OR REPLACE FUNCTION nrtd_search_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $fn$
DECLARE
    touched bigint;
BEGIN
    -- The owner sees every State's rows: only the transaction's own State's recommendations and
    -- documents, unless the caller may cross States (nrtd_require_state).
    FOR touched IN
        SELECT state_id FROM recommendations_recommendation WHERE id = ANY(ids)
        UNION SELECT state_id FROM recommendations_searchdoc WHERE id = ANY(ids)
    LOOP
        PERFORM nrtd_require_state(touched);
    END LOOP;
    DELETE FROM recommendations_searchdoc WHERE id = ANY(ids);
    INSERT INTO recommendations_searchdoc (id, state_id, issued_on, languages, keys, document, status, status_on)
    SELECT
        r.id,
        r.state_id,
        r.issued_on,
        array_remove(ARRAY[
            CASE WHEN r.text_en <> '' THEN 'en' END, CASE WHEN r.text_fr <> '' THEN 'fr' END,
            CASE WHEN r.text_es <> '' THEN 'es' END, CASE WHEN r.text_ar <> '' THEN 'ar' END,
            CASE WHEN r.text_ru <> '' THEN 'ru' END, CASE WHEN r.text_zh_hans <> '' THEN 'zh-hans' END
        ], NULL),
        ARRAY(SELECT DISTINCT k FROM unnest(
            ARRAY[
                r.state_id,
                {_K} * 1 + coalesce(array_position(
                    ARRAY['upr', 'treaty_body', 'special_procedure', 'regional', 'other'], m.kind), 0),
                {_K} * 2 + r.mechanism_id,
                {_K} * 7 + coalesce(array_position(
                    ARRAY['supported', 'noted', 'partially_supported', 'pending'], r.position::text), 0),
                {_K} * 8 + coalesce(array_position(ARRAY['not_started', 'in_progress',
                    'partially_implemented', 'implemented', 'not_applicable'], s.implementation_status::text), 0),
                {_K} * 10 + coalesce(r.upr_cycle, 0),
                {_K} * 11 + coalesce(extract(year FROM r.issued_on)::bigint, 0)
            ]
            || ARRAY(SELECT {_K} * 3 + t FROM unnest(nrtd_theme_ancestors(r.theme_ids)) AS t)
            || ARRAY(SELECT {_K} * 4 + g FROM unnest(r.sdg_goal_ids) AS g)
            || ARRAY(SELECT {_K} * 4 + st.goal_id FROM recommendations_sdgtarget st WHERE st.id = ANY(r.sdg_target_ids))
            || ARRAY(SELECT {_K} * 5 + t FROM unnest(r.sdg_target_ids) AS t)
            || ARRAY(SELECT {_K} * 6 + g FROM unnest(r.affected_group_ids) AS g)
            || ARRAY(SELECT {_K} * 9 + e FROM unnest(r.supporting_entity_ids || r.lead_entity_id) AS e
                     WHERE e IS NOT NULL)
        ) AS k ORDER BY k),
        nrtd_tsv('en', r.text_en) || nrtd_tsv('fr', r.text_fr) || nrtd_tsv('es', r.text_es)
            || nrtd_tsv('ar', r.text_ar) || nrtd_tsv('ru', r.text_ru) || nrtd_tsv('zh_hans', r.text_zh_hans)
            || CASE WHEN coalesce(r.text_en, '') || coalesce(r.text_fr, '') || coalesce(r.text_es, '')
                    || coalesce(r.text_ar, '') || coalesce(r.text_ru, '') || coalesce(r.text_zh_hans, '') = ''
               THEN nrtd_tsv('simple', r.text) ELSE ''::tsvector END
            || array_to_tsvector(ARRAY['state' || r.state_id]),
        coalesce(s.implementation_status, ''),
        s.reported_on
    FROM recommendations_recommendation r
    JOIN recommendations_mechanism m ON m.id = r.mechanism_id
    LEFT JOIN LATERAL (
        SELECT u.implementation_status, u.reported_on
        FROM followup_progressupdate u
        WHERE u.recommendation_id = r.id AND u.status = 'published'
        ORDER BY u.reported_on DESC, u.published_at DESC NULLS LAST, u.id DESC
        LIMIT 1
    ) s ON true
    WHERE r.id = ANY(ids) AND r.published;
END
$fn$;
"""

SEARCH_SQL = f"""
CREATE OR REPLACE FUNCTION nrtd_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE
        WHEN t IS NULL THEN NULL
        -- Most texts are plain ASCII: nothing to take off.
        WHEN t !~ '[^\x01-\x7f]' THEN lower(t)
        ELSE replace(replace(replace(translate(
            normalize(regexp_replace(normalize(lower(t), NFD), '{_MARKS}', '', 'g'), NFC),
            '{_PLAIN_FROM}', '{_PLAIN_TO}'), 'ß', 'ss'), 'œ', 'oe'), 'æ', 'ae')
    END
$fn$;

CREATE OR REPLACE FUNCTION nrtd_cjk_bigrams(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
    piece text;
    result text := '';
    i integer;
BEGIN
    IF t IS NULL OR t !~ '[{_HAN}]' THEN
        RETURN t;
    END IF;
    FOR piece IN SELECT m[1] FROM regexp_matches(t, '([{_HAN}]+|[^{_HAN}]+)', 'g') AS m LOOP
        IF piece ~ '^[{_HAN}]' AND length(piece) > 1 THEN
            FOR i IN 1 .. length(piece) - 1 LOOP
                result := result || ' ' || substr(piece, i, 2);
            END LOOP;
            result := result || ' ';
        ELSE
            result := result || ' ' || piece || ' ';
        END IF;
    END LOOP;
    RETURN result;
END
$fn$;

CREATE OR REPLACE FUNCTION nrtd_regconfig(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE lang
        WHEN 'en' THEN 'pg_catalog.english'::regconfig
        WHEN 'fr' THEN 'pg_catalog.french'::regconfig
        WHEN 'es' THEN 'pg_catalog.spanish'::regconfig
        WHEN 'ru' THEN 'pg_catalog.russian'::regconfig
        WHEN 'ar' THEN 'pg_catalog.arabic'::regconfig
        ELSE 'pg_catalog.simple'::regconfig
    END
$fn$;

CREATE OR REPLACE FUNCTION nrtd_prep(lang text, t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE lang
        WHEN 'zh_hans' THEN nrtd_cjk_bigrams(nrtd_fold(t))
        -- "and the", "with the", "like the", "so the" before a word: the stemmer leaves them on.
        WHEN 'ar' THEN regexp_replace(nrtd_fold(t), '{_AR_PREFIXED}', '\\1\u0627\u0644', 'g')
        ELSE nrtd_fold(t)
    END
$fn$;

CREATE OR REPLACE FUNCTION nrtd_tsv(lang text, t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE
        WHEN t IS NULL OR t = '' THEN ''::tsvector
        ELSE to_tsvector(nrtd_regconfig(lang), nrtd_prep(lang, t))
    END
$fn$;

CREATE OR REPLACE FUNCTION nrtd_tsq(lang text, t text, phrase boolean) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT CASE
        -- One Han character: every piece that starts with it.
        WHEN t ~ '^[{_HAN}]$' THEN (quote_literal(t) || ':*')::tsquery
        WHEN t ~ '[{_HAN}]' THEN phraseto_tsquery('pg_catalog.simple'::regconfig, nrtd_prep('zh_hans', t))
        WHEN phrase THEN phraseto_tsquery(nrtd_regconfig(lang), nrtd_prep(lang, t))
        ELSE plainto_tsquery(nrtd_regconfig(lang), nrtd_prep(lang, t))
    END
$fn$;

-- The themes and the themes above them (the UHRI taxonomy has two levels; three are followed).
CREATE OR REPLACE FUNCTION nrtd_theme_ancestors(ids bigint[]) RETURNS bigint[]
LANGUAGE sql STABLE AS $fn$
    SELECT coalesce(array_agg(DISTINCT x), '{{}}')
    FROM recommendations_theme t
    LEFT JOIN recommendations_theme p ON p.id = t.parent_id
    CROSS JOIN LATERAL unnest(ARRAY[t.id, t.parent_id, p.parent_id]) AS x
    WHERE t.id = ANY(ids) AND x IS NOT NULL
$fn$;

{SEARCH_FUNCTIONS_SQL}
CREATE OR REPLACE FUNCTION nrtd_search_on_recommendation() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    ids bigint[];
    states bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(id), array_agg(DISTINCT state_id) INTO ids, states FROM new_rows WHERE published;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(n.id), array_agg(DISTINCT n.state_id) INTO ids, states
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.published OR o.published)
          AND (n.published, n.mechanism_id, n.text, n.text_en, n.text_fr, n.text_es, n.text_ar, n.text_ru,
               n.text_zh_hans, n.issued_on, n.upr_cycle, n.position, n.theme_ids, n.affected_group_ids,
               n.sdg_target_ids, n.sdg_goal_ids, n.lead_entity_id, n.supporting_entity_ids, n.symbol, n.paragraph)
              IS DISTINCT FROM
              (o.published, o.mechanism_id, o.text, o.text_en, o.text_fr, o.text_es, o.text_ar, o.text_ru,
               o.text_zh_hans, o.issued_on, o.upr_cycle, o.position, o.theme_ids, o.affected_group_ids,
               o.sdg_target_ids, o.sdg_goal_ids, o.lead_entity_id, o.supporting_entity_ids, o.symbol, o.paragraph);
    ELSE
        -- The documents go with their recommendations (foreign key, on delete cascade).
        SELECT array_agg(DISTINCT state_id) INTO states FROM old_rows WHERE published;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM nrtd_search_refresh(ids);
    END IF;
    IF states IS NOT NULL THEN
        PERFORM nrtd_search_bump(states);
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE FUNCTION nrtd_search_on_progress_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    ids bigint[];
    states bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT recommendation_id), array_agg(DISTINCT state_id) INTO ids, states
        FROM new_rows WHERE status = 'published' AND recommendation_id IS NOT NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(DISTINCT x.recommendation_id), array_agg(DISTINCT x.state_id) INTO ids, states
        FROM (
            SELECT n.recommendation_id, n.state_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.status = 'published' OR o.status = 'published')
              AND (n.status, n.implementation_status, n.reported_on, n.recommendation_id)
                  IS DISTINCT FROM (o.status, o.implementation_status, o.reported_on, o.recommendation_id)
            UNION ALL
            SELECT o.recommendation_id, o.state_id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE o.status = 'published' AND n.recommendation_id IS DISTINCT FROM o.recommendation_id
        ) x WHERE x.recommendation_id IS NOT NULL;
    ELSE
        SELECT array_agg(DISTINCT recommendation_id), array_agg(DISTINCT state_id) INTO ids, states
        FROM old_rows WHERE status = 'published' AND recommendation_id IS NOT NULL;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM nrtd_search_refresh(ids);
        PERFORM nrtd_search_bump(states);
    END IF;
    RETURN NULL;
END
$fn$;

{_TRIGGERS}
ALTER TABLE recommendations_searchdoc DROP CONSTRAINT IF EXISTS searchdoc_recommendation_fk;
ALTER TABLE recommendations_searchdoc ADD CONSTRAINT searchdoc_recommendation_fk
    FOREIGN KEY (id) REFERENCES recommendations_recommendation (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE recommendations_searchdoc DROP CONSTRAINT IF EXISTS searchdoc_state_fk;
ALTER TABLE recommendations_searchdoc ADD CONSTRAINT searchdoc_state_fk
    FOREIGN KEY (state_id) REFERENCES tenants_state (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE recommendations_searchversion DROP CONSTRAINT IF EXISTS searchversion_state_fk;
ALTER TABLE recommendations_searchversion ADD CONSTRAINT searchversion_state_fk
    FOREIGN KEY (state_id) REFERENCES tenants_state (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;

-- What is published already (as the owner, whom the cross-State policy lets through).
SELECT nrtd_search_refresh(array_agg(id)) FROM recommendations_recommendation WHERE published;
SELECT nrtd_search_bump(array_agg(DISTINCT state_id)) FROM recommendations_recommendation WHERE published;
"""

SEARCH_SQL_REVERSE = (
    "\n".join(
        f"DROP TRIGGER IF EXISTS nrtd_search_{event} ON {table};"
        for table in ("recommendations_recommendation", "followup_progressupdate")
        for event in _EVENTS
    )
    + """
DROP FUNCTION IF EXISTS nrtd_search_on_progress_update();
DROP FUNCTION IF EXISTS nrtd_search_on_recommendation();
DROP FUNCTION IF EXISTS nrtd_search_refresh(bigint[]);
DROP FUNCTION IF EXISTS nrtd_search_bump(bigint[]);
DROP FUNCTION IF EXISTS nrtd_theme_ancestors(bigint[]);
DROP FUNCTION IF EXISTS nrtd_tsq(text, text, boolean);
DROP FUNCTION IF EXISTS nrtd_tsv(text, text);
DROP FUNCTION IF EXISTS nrtd_prep(text, text);
DROP FUNCTION IF EXISTS nrtd_regconfig(text);
DROP FUNCTION IF EXISTS nrtd_cjk_bigrams(text);
DROP FUNCTION IF EXISTS nrtd_fold(text);
"""
)
