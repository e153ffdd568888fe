-- Region lookups that cost the regions asked for, not the whole table (found by `make scale`, issue 15).
--
-- Every request naming a region resolved it through `reporting.regions`, whose fact counts read every fact; and the
-- region filter of `series`, `facts`, `compare` and `regions` read `reporting.region_closure`, which walks the
-- whole region tree before its `ancestor_code` is compared. At 100,000 reports (7 million facts, tens of thousands
-- of places) both cost a request more than its answer.

-- The stored regions by name and code, without counts: what resolving a request's `region` needs.
CREATE VIEW reporting.region_names AS
SELECT code, name, level, parent_code FROM zhibiao.regions;
CREATE INDEX regions_name_idx ON zhibiao.regions (name);

-- The regions at and below `ancestors`, with their distance: a walk down from those regions (regions_parent_idx),
-- not the closure of every region. `ROWS 10`: a place and its towns, what a request names; with the default
-- estimate for a set-returning function (1,000 rows) the planner read every fact rather than the index of the few
-- regions (`facts` took 2.4 s at 100,000 documents, `make scale`).
CREATE FUNCTION reporting.region_descendants(ancestors text[])
RETURNS TABLE (ancestor_code text, code text, distance integer)
LANGUAGE sql STABLE SECURITY DEFINER ROWS 10 SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE below (ancestor_code, code, distance) AS (
        SELECT r.code, r.code, 0 FROM zhibiao.regions r WHERE r.code = ANY (ancestors)
        UNION ALL
        SELECT b.ancestor_code, r.code, b.distance + 1
        FROM below b JOIN zhibiao.regions r ON r.parent_code = b.code
    )
    SELECT ancestor_code, code, distance FROM below
$$;
REVOKE ALL ON FUNCTION reporting.region_descendants(text[]) FROM PUBLIC;

-- The same as codes for a filter: `region_code = ANY ((SELECT reporting.region_codes(…)))` (the sub-select: computed
-- once per statement, not once per row) can use an index on region_code
-- where `region_code IN (SELECT … FROM region_descendants(…))` could not: under the services' optional filters
-- (`$1 IS NULL OR …`) the planner keeps the IN as a filter of every row, and read a whole table in another index's
-- order (`facts` for a region and a year: 1.8 s at 100,000 documents, `make scale`). `itself` and `below`: whether
-- the ancestors and the regions under them count.
CREATE FUNCTION reporting.region_codes(ancestors text[], itself boolean, below boolean) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(code), '{}') FROM reporting.region_descendants(ancestors)
    WHERE CASE WHEN distance = 0 THEN itself ELSE below END
$$;

GRANT SELECT ON reporting.region_names TO zhibiao_reporting;
GRANT EXECUTE ON FUNCTION reporting.region_descendants(text[]) TO zhibiao_reporting;
GRANT EXECUTE ON FUNCTION reporting.region_codes(text[], boolean, boolean) TO zhibiao_reporting;
