-- Companion runs of the contact-tracing desk (issue 6): the companion engine (docs/companions.md)
-- run as a job over cell-tower data in the server's companion data folder, for chosen cases,
-- its findings recorded as people and companion exposures (migration 0011). Instants are
-- UnixMillis; an unknown instant is NULL.
CREATE TABLE tracing_companion_runs (
  id {{id}},
  created_by BIGINT NOT NULL,             -- who started it; the import is theirs in the audit log
  created_by_name TEXT NOT NULL,
  created_by_role TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',    -- of the request that started it
  locale TEXT NOT NULL,                   -- the language of its evidence and log
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  status TEXT NOT NULL,                   -- queued, running, done, failed
  stage TEXT NOT NULL,                    -- queued, loading, finding, explaining, importing, done
  progress_done BIGINT NOT NULL DEFAULT 0,   -- units of the stage: bytes, cases or pairs
  progress_total BIGINT NOT NULL DEFAULT 0,
  cells_path TEXT NOT NULL DEFAULT '',    -- relative to the companion data folder
  records_path TEXT NOT NULL DEFAULT '',
  store_path TEXT NOT NULL DEFAULT '',    -- a `companions ingest` store instead of the two above
  case_ids TEXT NOT NULL,                 -- tracing_people ids, comma-separated, as given
  gap_s BIGINT NOT NULL,
  companions BIGINT NOT NULL DEFAULT 0,   -- (case, companion) pairs found
  people_added BIGINT NOT NULL DEFAULT 0,
  exposures_added BIGINT NOT NULL DEFAULT 0,
  rows_read BIGINT NOT NULL DEFAULT 0,
  bad_rows BIGINT NOT NULL DEFAULT 0,
  error_id TEXT NOT NULL DEFAULT '',      -- catalogue message id of a failed run
  error_args TEXT NOT NULL DEFAULT '',    -- its arguments, a JSON object
  log TEXT NOT NULL DEFAULT ''            -- notes: skipped rows, cases without records
);
CREATE INDEX tracing_companion_runs_by_status ON tracing_companion_runs(status);

-- One (case, companion) pair a run found, and the person and exposure it became.
CREATE TABLE tracing_companion_run_findings (
  id {{id}},
  run_id BIGINT NOT NULL REFERENCES tracing_companion_runs(id),
  case_id BIGINT NOT NULL REFERENCES tracing_people(id),
  companion_id BIGINT NOT NULL REFERENCES tracing_people(id),
  exposure_id BIGINT NOT NULL REFERENCES tracing_exposures(id),
  companion_added INTEGER NOT NULL,       -- the run added the person (else matched by number)
  exposure_added INTEGER NOT NULL,        -- the run added the exposure (else it was recorded)
  co_stays BIGINT NOT NULL,
  longest_overlap_s BIGINT NOT NULL,
  first_overlap_start BIGINT NOT NULL
);
CREATE INDEX tracing_companion_run_findings_by_run ON tracing_companion_run_findings(run_id, id);
