-- The city the scenario lives in: districts with official division codes, health facilities,
-- and the synthetic residents and volunteers later modules build on.
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
  name_en TEXT NOT NULL,
  district_code TEXT NOT NULL REFERENCES districts(code),
  kind TEXT NOT NULL,
  beds BIGINT NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  lon DOUBLE PRECISION NOT NULL,
  opened_on TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX hospitals_by_district ON hospitals(district_code);

CREATE TABLE residents (
  id {{id}},
  display_name TEXT NOT NULL,
  sex TEXT NOT NULL,
  birth_year BIGINT NOT NULL,
  district_code TEXT NOT NULL REFERENCES districts(code),
  household_id BIGINT NOT NULL,
  phone_key TEXT NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  lon DOUBLE PRECISION NOT NULL,
  vulnerable INTEGER NOT NULL DEFAULT 0
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
