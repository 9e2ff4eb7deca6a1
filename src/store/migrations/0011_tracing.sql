-- The contact-tracing desk (issue 6): people the tracers know of (cases and contacts), their
-- tests, the exposures linking them, their trajectories and stays in high-risk areas.
-- Instants are UnixMillis; an unknown instant is NULL; flags are 0/1 integers.

CREATE TABLE tracing_people (
  id {{id}},
  name TEXT NOT NULL,
  phone_key TEXT NOT NULL,                -- keyed hash of the normalised number ('' if none)
  phone_sealed TEXT NOT NULL,             -- SealText with the deployment key ('' if none)
  household TEXT NOT NULL DEFAULT '',     -- people sharing a household share this label
  district_code TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,                   -- confirmed, asymptomatic, suspected, negative, untested
  onset_at BIGINT,                        -- symptom onset
  confirmed_at BIGINT,
  asymptomatic_at BIGINT,
  released_at BIGINT,                     -- released from isolation
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX tracing_people_by_status ON tracing_people(status);
CREATE INDEX tracing_people_by_phone ON tracing_people(phone_key);

CREATE TABLE tracing_tests (
  id {{id}},
  person_id BIGINT NOT NULL REFERENCES tracing_people(id),
  kind TEXT NOT NULL,                     -- antigen, pcr
  positive INTEGER NOT NULL,
  ct DOUBLE PRECISION,                    -- PCR cycle threshold, when known
  taken_at BIGINT NOT NULL,
  batch TEXT NOT NULL DEFAULT '',
  recorded_by BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL
);
CREATE INDEX tracing_tests_by_person ON tracing_tests(person_id, taken_at);

-- Two people together: a household, a shared meal, a workplace, the same place and time, or a
-- spatiotemporal companion found by the companion engine (its evidence as text).
CREATE TABLE tracing_exposures (
  id {{id}},
  a_id BIGINT NOT NULL REFERENCES tracing_people(id),
  b_id BIGINT NOT NULL REFERENCES tracing_people(id),
  kind TEXT NOT NULL,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  evidence TEXT NOT NULL DEFAULT '',
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX tracing_exposures_by_a ON tracing_exposures(a_id);
CREATE INDEX tracing_exposures_by_b ON tracing_exposures(b_id);

-- A stop of a person's trajectory; `area` names the risk area it counts for.
CREATE TABLE tracing_visits (
  id {{id}},
  person_id BIGINT NOT NULL REFERENCES tracing_people(id),
  place TEXT NOT NULL,
  area TEXT NOT NULL DEFAULT '',
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL,
  high_risk INTEGER NOT NULL DEFAULT 0,   -- the area was high-risk then (e.g. Wuhan in Jan 2020)
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX tracing_visits_by_person ON tracing_visits(person_id, start_at);
CREATE INDEX tracing_visits_by_place ON tracing_visits(place, start_at);
