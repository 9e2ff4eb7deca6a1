-- Named devices that drift between families: the registry, inspections before each lending,
-- the lendings ("drifts") with their households and check-in calls, and the trail of every
-- change. Instants are UnixMillis; flags are 0/1 integers; an unknown measurement is NULL.

CREATE TABLE devices (
  id {{id}},
  kind TEXT NOT NULL,                     -- concentrator_3/5/10, oximeter, ventilator_*
  name_zh TEXT NOT NULL,                  -- e.g. 希望-017; generated, editable
  name_en TEXT NOT NULL,                  -- e.g. Hope-017
  serial TEXT NOT NULL,
  model TEXT NOT NULL DEFAULT '',
  angel_id BIGINT REFERENCES users(id),   -- the follow-up volunteer (role angel); NULL: none yet
  offer_id BIGINT,                        -- the exchange offer it came from (no FK: later table)
  status TEXT NOT NULL,                   -- 'available', 'lent', 'broken', 'lost'
  registered_by BIGINT NOT NULL,
  registered_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX devices_by_name_zh ON devices(name_zh);
CREATE UNIQUE INDEX devices_by_lower_name_en ON devices(LOWER(name_en));
CREATE INDEX devices_by_angel ON devices(angel_id);
CREATE INDEX devices_by_status ON devices(status);

CREATE TABLE device_inspections (
  id {{id}},
  device_id BIGINT NOT NULL REFERENCES devices(id),
  at BIGINT NOT NULL,
  by_user BIGINT NOT NULL,
  by_username TEXT NOT NULL,
  disinfected INTEGER NOT NULL,
  works INTEGER NOT NULL,
  flow_checked INTEGER NOT NULL,
  measured_flow_lpm DOUBLE PRECISION,     -- concentrators: the flow measured at the outlet
  passed INTEGER NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX device_inspections_by_device ON device_inspections(device_id, at);

-- A lending: one household has the device from started_at until ended_at.
CREATE TABLE device_drifts (
  id {{id}},
  device_id BIGINT NOT NULL REFERENCES devices(id),
  previous_drift_id BIGINT,               -- set when passed on directly from another family
  contact_name TEXT NOT NULL,
  phone_key TEXT NOT NULL,                -- keyed hash of the normalised number: counts families
  phone_sealed TEXT NOT NULL,             -- SealText with the deployment key
  address TEXT NOT NULL,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  district_code TEXT NOT NULL REFERENCES districts(code),
  clinic_case_id BIGINT,                  -- plain integers: links, not constraints
  need_id BIGINT,
  match_id BIGINT,
  started_at BIGINT NOT NULL,
  started_by BIGINT NOT NULL,
  expected_end BIGINT NOT NULL,
  guidance TEXT NOT NULL,                 -- how to use it, as explained to the family
  doctor_advice TEXT NOT NULL DEFAULT '',
  prescribed_flow_lpm DOUBLE PRECISION,
  checkin_interval_days BIGINT NOT NULL,
  ended_at BIGINT,
  ended_by BIGINT,
  end_outcome TEXT NOT NULL DEFAULT '',   -- 'returned', 'passed_on', 'broken', 'lost'
  end_note TEXT NOT NULL DEFAULT ''
);
-- A device is in one lending at a time, whatever races to lend it.
CREATE UNIQUE INDEX device_drifts_one_open ON device_drifts(device_id) WHERE ended_at IS NULL;
CREATE INDEX device_drifts_by_device ON device_drifts(device_id, started_at);

CREATE TABLE device_checkins (
  id {{id}},
  drift_id BIGINT NOT NULL REFERENCES device_drifts(id),
  at BIGINT NOT NULL,
  by_user BIGINT NOT NULL,
  by_username TEXT NOT NULL,
  reached INTEGER NOT NULL,
  patient_condition TEXT NOT NULL DEFAULT '', -- 'better', 'same', 'worse', '' when not reached
  spo2 DOUBLE PRECISION,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX device_checkins_by_drift ON device_checkins(drift_id, at);

-- Every change, in order: what the device page's timeline shows. Details never hold a
-- household's address or phone.
CREATE TABLE device_events (
  id {{id}},
  device_id BIGINT NOT NULL REFERENCES devices(id),
  drift_id BIGINT,
  at BIGINT NOT NULL,
  by_user BIGINT NOT NULL,
  by_username TEXT NOT NULL,
  kind TEXT NOT NULL,                     -- 'registered', 'edited', 'angel', 'inspected', 'lent',
                                          -- 'checked_in', 'ended'
  detail TEXT NOT NULL DEFAULT '{}'       -- JSON object
);
CREATE INDEX device_events_by_device ON device_events(device_id, at);
