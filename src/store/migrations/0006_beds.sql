-- The bed board: free and total beds per hospital and bed class, as an append-only history of
-- verified updates, plus a pointer per hospital and class to the update that is current.
-- Instants are UnixMillis.

-- Every verification as it was reported, never changed: who checked, how and when.
CREATE TABLE bed_updates (
  id {{id}},
  hospital_id BIGINT NOT NULL REFERENCES hospitals(id),
  bed_class TEXT NOT NULL,                -- 'general', 'severe', 'icu', 'icu_ventilator'
  capacity BIGINT NOT NULL,
  free BIGINT NOT NULL,
  verified_by BIGINT NOT NULL DEFAULT 0,  -- user id; 0 for the demo scenario
  method TEXT NOT NULL,                   -- 'phone_call', 'official_notice', 'visit'
  verified_at BIGINT NOT NULL,            -- when the figure was true, as the verifier says
  recorded_at BIGINT NOT NULL,            -- when it reached the board
  note TEXT NOT NULL DEFAULT '',
  CHECK (free >= 0 AND free <= capacity)
);
CREATE INDEX bed_updates_by_hospital ON bed_updates(hospital_id, verified_at);

-- The current state per hospital and class: the update with the latest verified_at (a late
-- report of an older check goes into the history but does not replace a newer figure). Kept
-- in the same transaction as the insert, so the board is one join instead of a scan of the
-- history for a maximum per group.
CREATE TABLE bed_current (
  hospital_id BIGINT NOT NULL REFERENCES hospitals(id),
  bed_class TEXT NOT NULL,
  update_id BIGINT NOT NULL REFERENCES bed_updates(id),
  verified_at BIGINT NOT NULL,
  PRIMARY KEY (hospital_id, bed_class)
);
