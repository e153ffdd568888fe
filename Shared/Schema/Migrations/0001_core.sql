-- Zhibiao core schema: documents, their articles, regions, indicators and the facts extracted from them.
-- Base tables live in schema `zhibiao`; what the reporting service may read lives in schema `reporting` (views,
-- added by later migrations). Values are NUMERIC, never floating point.

CREATE SCHEMA IF NOT EXISTS zhibiao;
CREATE SCHEMA IF NOT EXISTS reporting;

-- Two group roles (NOLOGIN): grant them to the login users the services connect as, or let the services
-- `SET ROLE` to them. Roles are cluster-wide, so creating them tolerates a concurrent migration of another database.
DO $$
BEGIN
    CREATE ROLE zhibiao_ingest NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
DO $$
BEGIN
    CREATE ROLE zhibiao_reporting NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

-- One row per distinct report (its SHA-256). Raw bytes are kept forever so facts can be re-derived.
CREATE TABLE zhibiao.documents (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256          bytea NOT NULL UNIQUE CHECK (octet_length(sha256) = 32),
    source_name     text NOT NULL,
    raw             bytea NOT NULL,
    text            text NOT NULL,
    encoding        text NOT NULL,
    source_url      text,
    published_on    date,
    region_hint     text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    parsed_at       timestamptz NOT NULL DEFAULT now(),
    parser_version  text NOT NULL
);

-- Administrative divisions that facts refer to (a subset of the national gazetteer, filled as facts arrive).
CREATE TABLE zhibiao.regions (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    level       text NOT NULL CHECK (level IN ('province', 'city', 'county', 'township')),
    parent_code text REFERENCES zhibiao.regions (code)
);
CREATE INDEX regions_parent_idx ON zhibiao.regions (parent_code);

-- A newspaper page holds several articles; each has its own subject region and year.
CREATE TABLE zhibiao.articles (
    document_id  bigint NOT NULL REFERENCES zhibiao.documents (id) ON DELETE CASCADE,
    ordinal      integer NOT NULL CHECK (ordinal >= 0),
    title        text,
    region       text,
    region_code  text REFERENCES zhibiao.regions (code),
    year         integer,
    span_start   integer NOT NULL,
    span_end     integer NOT NULL,
    PRIMARY KEY (document_id, ordinal)
);

-- The indicator catalogue (spec/indicators.tsv plus user additions), synchronised by the ingest service.
CREATE TABLE zhibiao.indicators (
    id          text PRIMARY KEY,
    unit_class  text NOT NULL,
    flow        text NOT NULL CHECK (flow IN ('level', 'flow')),
    names       text[] NOT NULL,
    note        text NOT NULL DEFAULT ''
);

-- One row per figure stated in a document. `indicator` is NULL for figures outside the taxonomy (kept for search
-- and the all-quantities view). Spans are [start, end) in Unicode scalars of documents.text.
CREATE TABLE zhibiao.facts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id  bigint NOT NULL REFERENCES zhibiao.documents (id) ON DELETE CASCADE,
    article      integer NOT NULL,
    region       text,
    region_code  text REFERENCES zhibiao.regions (code),
    year         integer CHECK (year BETWEEN 1900 AND 2200),
    kind         text NOT NULL CHECK (kind IN ('actual', 'target')),
    indicator    text,
    label        text NOT NULL,
    value        numeric,
    unit         text,
    base_value   numeric,
    unit_class   text CHECK (unit_class IN ('CNY', 'USD', 'count', 'persons', 'person_times', 'percent', 'days',
                                            'm2', 'km2', 'mu', 'tons', 'other')),
    qualifier    text NOT NULL CHECK (qualifier IN ('exact', 'approx', 'at_least', 'at_most')),
    growth_pct   numeric,
    evidence     text NOT NULL,
    span_start   integer NOT NULL,
    span_end     integer NOT NULL CHECK (span_end >= span_start),
    sentence     text NOT NULL,
    FOREIGN KEY (document_id, article) REFERENCES zhibiao.articles (document_id, ordinal) ON DELETE CASCADE
);
CREATE INDEX facts_document_idx ON zhibiao.facts (document_id);
CREATE INDEX facts_indicator_idx ON zhibiao.facts (indicator, region_code, year) WHERE indicator IS NOT NULL;
CREATE INDEX facts_region_idx ON zhibiao.facts (region_code, year);

-- Privileges: the ingest role writes base tables; the reporting role reads schema `reporting` only
-- (later migrations grant SELECT on each view they add).
GRANT USAGE ON SCHEMA zhibiao TO zhibiao_ingest;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA zhibiao TO zhibiao_ingest;
GRANT USAGE ON SCHEMA reporting TO zhibiao_reporting;
REVOKE ALL ON SCHEMA zhibiao FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA zhibiao GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO zhibiao_ingest;
ALTER DEFAULT PRIVILEGES IN SCHEMA zhibiao GRANT USAGE, SELECT ON SEQUENCES TO zhibiao_ingest;
