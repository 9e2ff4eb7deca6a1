-- The contact-tracing desk (issue 6): testing rounds with the schedule made when each round was
-- created, the batches of results recorded against them, and each person's private code link.
-- Instants are UnixMillis.

CREATE TABLE tracing_rounds (
  id {{id}},
  name TEXT NOT NULL,
  start_date TEXT NOT NULL,               -- 'YYYY-MM-DD', the schedule's day 0
  daily_capacity BIGINT NOT NULL,         -- tests a day
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);

-- A round's districts in schedule order, with the risk they were ordered by (kept: later cases
-- do not reshuffle a running round).
CREATE TABLE tracing_round_districts (
  round_id BIGINT NOT NULL REFERENCES tracing_rounds(id),
  position INTEGER NOT NULL,              -- 0 is tested first
  code TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  population BIGINT NOT NULL,
  cases_14d BIGINT NOT NULL,              -- cases in the 14 days before the round
  risk DOUBLE PRECISION NOT NULL,         -- cases_14d per 10,000 population
  PRIMARY KEY (round_id, code)
);

-- The schedule: on day `day` (from 0), `tests` tests in the district.
CREATE TABLE tracing_round_slots (
  round_id BIGINT NOT NULL REFERENCES tracing_rounds(id),
  day INTEGER NOT NULL,
  position INTEGER NOT NULL,              -- order within the day
  district_code TEXT NOT NULL,
  tests BIGINT NOT NULL,
  PRIMARY KEY (round_id, day, position)
);

-- A batch of a round's results in one district: how many were tested and who was positive.
CREATE TABLE tracing_round_batches (
  id {{id}},
  round_id BIGINT NOT NULL REFERENCES tracing_rounds(id),
  district_code TEXT NOT NULL,
  batch TEXT NOT NULL,                    -- the label on the positives' tests
  taken_at BIGINT NOT NULL,
  tested BIGINT NOT NULL,
  positives BIGINT NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX tracing_round_batches_by_round ON tracing_round_batches(round_id, id);

-- The positives of a batch, in its order: the person (found by phone or added) and their test.
CREATE TABLE tracing_round_positives (
  batch_id BIGINT NOT NULL REFERENCES tracing_round_batches(id),
  position INTEGER NOT NULL,
  person_id BIGINT NOT NULL REFERENCES tracing_people(id),
  test_id BIGINT NOT NULL REFERENCES tracing_tests(id),
  PRIMARY KEY (batch_id, position)
);

-- A person's private code link: the token is a bearer credential to their health code, so it is
-- kept as a keyed hash (to find it) and sealed with the deployment key (to show it again to the
-- tracers); a copy of the database alone reveals neither. One link per person; a new one
-- replaces it.
CREATE TABLE tracing_code_links (
  person_id BIGINT PRIMARY KEY REFERENCES tracing_people(id),
  token_key TEXT NOT NULL UNIQUE,
  token_sealed TEXT NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
