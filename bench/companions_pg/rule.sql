-- The companion rule of issue 5 in SQL, from the tables of schema.sql to the output CSV.
--
--   psql -v out=FILE -f rule.sql      (optional: -v cell_m=800 -v gap_s=3600 -v window_s=1209600
--                                       -v overlap_s=600 -v dwell_s=108000)
--
-- Written from the rule as docs/companions.md states it ("The rule"), not from the engine's code.
-- Each step is an unlogged table, so that the planner sees real row counts (ANALYZE) and can scan
-- it with parallel workers. Rows that `lifeline companions` would skip as bad (a record naming no
-- tower, a tower or case listed twice, ISO-8601 times, blanks around fields) are the caller's to
-- avoid: run.sh feeds generated, clean files.
\set ON_ERROR_STOP on
\if :{?cell_m} \else \set cell_m 800 \endif
\if :{?gap_s} \else \set gap_s 3600 \endif
\if :{?window_s} \else \set window_s 1209600 \endif
\if :{?overlap_s} \else \set overlap_s 600 \endif
\if :{?dwell_s} \else \set dwell_s 108000 \endif
\if :{?out} \else \set out /dev/stdout \endif

\echo step: setup
SET client_min_messages = warning;
DROP VIEW IF EXISTS co_stays;
DROP TABLE IF EXISTS tower_cells, stays, phones, stay_classes, case_windows, case_stays,
  cell_hits, phone_cells, weak_hits, edge_stays, outside_dwells CASCADE;

\echo step: grid cells of the towers
-- 1. The grid cell of every tower. The same IEEE operations in the same order as the rule:
--    rad(d) = d * pi / 180, x = R * rad(lon - lon0) * cos(rad(lat0)), y = R * rad(lat - lat0),
--    (gx, gy) = floor((x, y) / cell_m), origin (min lat, min lon) over all towers. Every literal is
--    float8 so that no step runs in numeric. `cell` numbers the occupied grid cells densely and
--    `tower_rank` is the tower's place in cell_id byte order, the tie-break for equal times.
CREATE UNLOGGED TABLE tower_cells AS
WITH origin AS (
  SELECT min(lat) AS lat0, min(lon) AS lon0 FROM cells
),
projected AS (
  SELECT c.cell_id,
         floor(6371008.8::float8 * ((c.lon - o.lon0) * pi() / 180.0::float8)
               * cos(o.lat0 * pi() / 180.0::float8) / :cell_m::float8)::bigint AS gx,
         floor(6371008.8::float8 * ((c.lat - o.lat0) * pi() / 180.0::float8)
               / :cell_m::float8)::bigint AS gy
  FROM cells c CROSS JOIN origin o
)
SELECT cell_id,
       row_number() OVER (ORDER BY cell_id COLLATE "C")::int AS tower_rank,
       dense_rank() OVER (ORDER BY gx, gy)::int AS cell
FROM projected;
ANALYZE tower_cells;

\echo step: phone dictionary
-- 2. Phones with records, numbered in byte order of their text: later steps join, group and sort
--    these integers, and phone_id order is still the text's order for the output. (Sorting the
--    records by an integer is also cheaper than by text: this dictionary plus the integer sort
--    beat one sort by text, which also had to number the phones, by a quarter.)
CREATE UNLOGGED TABLE phones AS
SELECT phone, row_number() OVER (ORDER BY phone COLLATE "C")::int AS phone_id
FROM (SELECT DISTINCT phone FROM records) distinct_phones;
CREATE INDEX phones_by_phone ON phones (phone);
ANALYZE phones;

\echo step: stays (sort + window functions)
-- 3. Stays. One phone's records in time order, ties by the tower's cell_id in byte order
--    (tower_rank); consecutive records in one grid cell are one stay. Only the first and the last
--    record of each stay matter (one record may be both): one sort and a pass of lag/lead keep
--    just those, and a second pass pairs each first record with its stay's last record and the
--    record after that. The second window's order extends the first's by `first_of_stay DESC`,
--    which PostgreSQL meets with an incremental sort of the already sorted rows; it only matters
--    for duplicate records (same phone, time and tower), where it keeps a stay's first record
--    ahead of its last. A stay starts at its first record and ends at the phone's next record if
--    that comes within gap_s (inclusive) of the stay's last record, else at its last record.
CREATE UNLOGGED TABLE stays AS
WITH visits AS (
  SELECT p.phone_id, r.time, t.tower_rank, t.cell,
         lag(t.cell) OVER by_time AS prev_cell,
         lead(t.cell) OVER by_time AS next_cell,
         lead(r.time) OVER by_time AS next_time
  FROM records r
  JOIN tower_cells t ON t.cell_id = r.cell_id
  JOIN phones p ON p.phone = r.phone
  WINDOW by_time AS (PARTITION BY p.phone_id ORDER BY r.time, t.tower_rank)
),
bounds AS (
  SELECT phone_id, time, tower_rank, cell, next_time,
         cell IS DISTINCT FROM prev_cell AS first_of_stay,
         cell IS DISTINCT FROM next_cell AS last_of_stay
  FROM visits
  WHERE cell IS DISTINCT FROM prev_cell OR cell IS DISTINCT FROM next_cell
),
paired AS (
  SELECT phone_id, cell, time AS start_time, first_of_stay,
         CASE WHEN last_of_stay THEN time ELSE lead(time) OVER by_time END AS last_time,
         CASE WHEN last_of_stay THEN next_time ELSE lead(next_time) OVER by_time END AS after_time
  FROM bounds
  WINDOW by_time AS (PARTITION BY phone_id ORDER BY time, tower_rank, first_of_stay DESC)
)
SELECT phone_id, cell, start_time, end_time,
       -- The stay's length class, for the interval index below.
       CASE WHEN end_time - start_time <= 3600 THEN 0
            ELSE ceil(ln((end_time - start_time) / 3600.0::float8) / ln(4.0::float8))::int
       END AS len_class
FROM (
  SELECT phone_id, cell, start_time,
         CASE WHEN after_time - last_time <= :gap_s THEN after_time ELSE last_time END AS end_time
  FROM paired
  WHERE first_of_stay
) ended;

\echo step: indexes on stays
-- Interval index. Stays fall into length classes (up to 1 h, 4 h, 16 h, ... ); within a class no
-- stay is longer than the class's max_len, so a stay that ends after time t started after
-- t - max_len, and one B-tree range scan on (class, cell, start) per class finds every stay of
-- the cell that can overlap a given interval. The classes only bound the scans; any split gives
-- the same result, because max_len is measured, not assumed.
CREATE INDEX stays_by_class ON stays (len_class, cell, start_time) INCLUDE (end_time, phone_id);
CREATE INDEX stays_by_phone ON stays (phone_id);
VACUUM ANALYZE stays;
CREATE UNLOGGED TABLE stay_classes AS
SELECT len_class, max(end_time - start_time) AS max_len FROM stays GROUP BY len_class;
ANALYZE stay_classes;

\echo step: case stays and dwells
-- 4. Each case's window [T - window_s, T], its stays clipped to it, and its dwell in each cell
--    (the total clipped length of its stays there). Stays that do not reach into the window are
--    left out; those that only touch an edge are kept with length zero, which changes nothing. A
--    case without records has no phone_id, hence no stays and no rows.
CREATE UNLOGGED TABLE case_windows AS
SELECT p.phone_id AS case_id,
       k.confirmed_at - :window_s AS window_start,
       k.confirmed_at AS window_end
FROM cases k
JOIN phones p ON p.phone = k.phone;
ANALYZE case_windows;

CREATE UNLOGGED TABLE case_stays AS
SELECT w.case_id, s.cell,
       greatest(s.start_time, w.window_start) AS start_time,
       least(s.end_time, w.window_end) AS end_time,
       sum(least(s.end_time, w.window_end) - greatest(s.start_time, w.window_start))
         OVER (PARTITION BY w.case_id, s.cell)::bigint AS case_dwell
FROM case_windows w
JOIN stays s ON s.phone_id = w.case_id
WHERE s.end_time >= w.window_start AND s.start_time <= w.window_end;
ANALYZE case_stays;

\echo step: co-stays (interval join)
-- 5. Co-stays: another phone's stay in the same cell overlapping a clipped case stay by more than
--    overlap_s. The case stay lies inside the window, so its overlap with the other stay is the
--    same whether or not that stay is clipped first. Per length class, the index scan takes the
--    stays that start before the case stay's end minus overlap_s and after its start plus
--    overlap_s minus the class's max_len; the exact test follows.
CREATE VIEW co_stays AS
SELECT c.case_id, c.cell, s.phone_id AS companion_id, c.case_dwell,
       greatest(c.start_time, s.start_time) AS overlap_start,
       least(c.end_time, s.end_time) - greatest(c.start_time, s.start_time) AS overlap_s
FROM case_stays c
CROSS JOIN stay_classes k
JOIN stays s ON s.len_class = k.len_class AND s.cell = c.cell
            AND s.start_time < c.end_time - :overlap_s
            AND s.start_time > c.start_time + :overlap_s - k.max_len
WHERE c.end_time - c.start_time > :overlap_s
  AND s.phone_id <> c.case_id
  AND least(c.end_time, s.end_time) - greatest(c.start_time, s.start_time) > :overlap_s;

--    Gathered per (case, cell, other phone), with whether the case's own dwell in the cell
--    exceeds dwell_s. PostgreSQL runs this aggregate (some 13 million rows into 4 million groups
--    at 5 million records) on one core: it cannot know that the groups are few enough for partial
--    aggregation to pay. Written as two halves of the cases, whole groups apart, a Parallel Append
--    gives each half its own core: half the time on two cores.
CREATE UNLOGGED TABLE cell_hits AS
SELECT case_id, cell, companion_id, case_dwell > :dwell_s AS case_dwells,
       count(*) AS co_stays, max(overlap_s) AS longest_overlap_s,
       min(overlap_start) AS first_overlap_start
FROM co_stays
WHERE case_id % 2 = 0
GROUP BY case_id, cell, companion_id, case_dwell
UNION ALL
SELECT case_id, cell, companion_id, case_dwell > :dwell_s AS case_dwells,
       count(*) AS co_stays, max(overlap_s) AS longest_overlap_s,
       min(overlap_start) AS first_overlap_start
FROM co_stays
WHERE case_id % 2 = 1
GROUP BY case_id, cell, companion_id, case_dwell;
ANALYZE cell_hits;

\echo step: dwells of the other phones
-- 6. Where the case's dwell in the cell does not exceed dwell_s, the other phone's must: its dwell
--    within the case's window is its total time in the cell minus the parts of its stays outside
--    the window (what lies after the window's end plus what lies before its start). A total that
--    does not exceed dwell_s settles it at once. Only stays that end after the earliest window end
--    or start before the latest window start can have parts outside a window, so only those are
--    joined. (Summing all of the phone's stays in the cell for each row instead, by correlated
--    subquery over an index or by hash join, took several times as long.)
CREATE UNLOGGED TABLE phone_cells AS
SELECT phone_id, cell, sum(end_time - start_time)::bigint AS total_dwell
FROM stays
GROUP BY phone_id, cell;
ANALYZE phone_cells;

CREATE UNLOGGED TABLE weak_hits AS
SELECT h.case_id, h.cell, h.companion_id,
       h.co_stays, h.longest_overlap_s, h.first_overlap_start,
       w.window_start, w.window_end, pc.total_dwell
FROM cell_hits h
JOIN case_windows w ON w.case_id = h.case_id
JOIN phone_cells pc ON pc.phone_id = h.companion_id AND pc.cell = h.cell
WHERE NOT h.case_dwells AND pc.total_dwell > :dwell_s;
ANALYZE weak_hits;

CREATE UNLOGGED TABLE edge_stays AS
SELECT phone_id, cell, start_time, end_time
FROM stays
WHERE end_time > (SELECT min(window_end) FROM case_windows)
   OR start_time < (SELECT max(window_start) FROM case_windows);
ANALYZE edge_stays;

CREATE UNLOGGED TABLE outside_dwells AS
SELECT w.case_id, w.cell, w.companion_id,
       sum(greatest(0, s.end_time - greatest(s.start_time, w.window_end))
           + greatest(0, least(s.end_time, w.window_start) - s.start_time))::bigint AS outside
FROM weak_hits w
JOIN edge_stays s
  ON s.phone_id = w.companion_id AND s.cell = w.cell
 AND (s.end_time > w.window_end OR s.start_time < w.window_start)
GROUP BY w.case_id, w.cell, w.companion_id;
ANALYZE outside_dwells;

\echo step: pairs, CSV out
-- 7. The qualifying co-stays: those in cells where the case's dwell exceeds dwell_s, and those
--    where the other phone's does. One row per (case, companion), sorted by the phones' text in
--    byte order, which is phone_id order. Grouping on sorted rows gives that order at once; a
--    hash aggregate followed by a sort of its output took twice as long. (sum() of bigint is
--    numeric in PostgreSQL; the cast keeps the result in bigint.)
\o :out
COPY (
  SELECT cp.phone AS case_phone, op.phone AS companion_phone,
         sum(q.co_stays)::bigint AS co_stays,
         max(q.longest_overlap_s) AS longest_overlap_s,
         min(q.first_overlap_start) AS first_overlap_start
  FROM (
    SELECT case_id, companion_id, co_stays, longest_overlap_s, first_overlap_start
    FROM cell_hits
    WHERE case_dwells
    UNION ALL
    SELECT w.case_id, w.companion_id, w.co_stays, w.longest_overlap_s, w.first_overlap_start
    FROM weak_hits w
    LEFT JOIN outside_dwells o
      ON o.case_id = w.case_id AND o.cell = w.cell AND o.companion_id = w.companion_id
    WHERE w.total_dwell - coalesce(o.outside, 0) > :dwell_s
  ) q
  JOIN phones cp ON cp.phone_id = q.case_id
  JOIN phones op ON op.phone_id = q.companion_id
  GROUP BY q.case_id, q.companion_id, cp.phone, op.phone
  ORDER BY q.case_id, q.companion_id
) TO STDOUT WITH (FORMAT csv, HEADER true);
\o
