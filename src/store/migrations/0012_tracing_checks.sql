-- Daily symptom checks of people in quarantine (issue 6): what the contact reported, when.
CREATE TABLE tracing_checks (
  id {{id}},
  person_id BIGINT NOT NULL REFERENCES tracing_people(id),
  at BIGINT NOT NULL,
  symptoms TEXT NOT NULL DEFAULT '',      -- as reported; '' for none
  temperature_c DOUBLE PRECISION,         -- when measured
  recorded_by BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL
);
CREATE INDEX tracing_checks_by_person ON tracing_checks(person_id, at);
