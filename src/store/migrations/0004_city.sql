-- The city the scenario lives in: districts with official division codes, health facilities,
-- and the synthetic residents and volunteers later modules build on.

-- The one demo scenario a database holds: its seed, so the city can be regenerated, and when it
-- was written. The CHECK keeps it to one row, so two concurrent seedings cannot both commit.
CREATE TABLE scenario (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seed TEXT NOT NULL,
  seeded_at BIGINT NOT NULL
);

CREATE TABLE districts (
  code TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  lon DOUBLE PRECISION NOT NULL,
  population BIGINT NOT NULL
);

CREATE TABLE hospitals (
  id {{id}},
  name_zh TEXT NOT NULL UNIQUE,
  name_en TEXT NOT NULL UNIQUE,
  district_code TEXT NOT NULL REFERENCES districts(code),
  kind TEXT NOT NULL,
  beds BIGINT NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  lon DOUBLE PRECISION NOT NULL,
  opened_on TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0  -- user id; 0 for the scenario and the command line
);
CREATE INDEX hospitals_by_district ON hospitals(district_code);
-- Names are unique regardless of case; the index also serves the duplicate check on insert.
CREATE UNIQUE INDEX hospitals_by_lower_name_en ON hospitals(LOWER(name_en));

CREATE TABLE residents (
  id {{id}},
  display_name TEXT NOT NULL,
  sex TEXT NOT NULL,
  birth_year BIGINT NOT NULL,
  district_code TEXT NOT NULL REFERENCES districts(code),
  household_id BIGINT NOT NULL,
  phone_key TEXT NOT NULL,  -- keyed hash of the phone number; the raw number is never stored
  lat DOUBLE PRECISION NOT NULL,
  lon DOUBLE PRECISION NOT NULL,
  vulnerable INTEGER NOT NULL DEFAULT 0,
  chronic_illness INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX residents_by_district ON residents(district_code);
CREATE INDEX residents_by_household ON residents(household_id);

CREATE TABLE volunteers (
  id {{id}},
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  district_code TEXT NOT NULL REFERENCES districts(code),
  phone_key TEXT NOT NULL,
  years_practice BIGINT NOT NULL DEFAULT 0,
  hospital TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT ''
);
CREATE INDEX volunteers_by_role ON volunteers(role);
