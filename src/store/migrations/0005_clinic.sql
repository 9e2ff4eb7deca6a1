-- The online clinic: help requests (cases) with every set of observations and every triage,
-- tier moves, notes, follow-up tasks, screened volunteers, their shifts and assignments.
-- Instants are UnixMillis; flags are 0/1 integers; an unknown measurement is NULL.

CREATE TABLE clinic_cases (
  id {{id}},
  status TEXT NOT NULL,                   -- 'open' or 'closed'
  intake_channel TEXT NOT NULL,           -- 'public' or 'hotline'
  entered_by BIGINT NOT NULL DEFAULT 0,   -- user id of the hotline volunteer; 0 for the public
  age_years DOUBLE PRECISION NOT NULL,
  age_months BIGINT,                      -- children under 2 only
  sex TEXT NOT NULL,
  pregnancy_weeks BIGINT,
  district_code TEXT NOT NULL REFERENCES districts(code),
  street TEXT NOT NULL,
  phone_key TEXT NOT NULL,                -- keyed hash of the normalised number, never the number
  phone_last4 TEXT NOT NULL,
  phone_sealed TEXT NOT NULL DEFAULT '',  -- the number sealed with the deployment key, for call-backs
  onset_date TEXT NOT NULL DEFAULT '',
  risk_factors BIGINT NOT NULL DEFAULT 0, -- triage::RiskFactor bits given at intake
  antigen TEXT NOT NULL DEFAULT '',
  pcr TEXT NOT NULL DEFAULT '',
  imaging_findings TEXT NOT NULL DEFAULT '',
  needs BIGINT NOT NULL DEFAULT 0,        -- clinic Need bits
  consent_at BIGINT NOT NULL,
  status_token_hash TEXT NOT NULL UNIQUE, -- the private status link, stored like session tokens
  tier TEXT NOT NULL,
  tier_set_by TEXT NOT NULL,              -- 'triage' or 'clinician'
  priority BIGINT NOT NULL,
  nhc_severity TEXT NOT NULL,
  who_severity TEXT NOT NULL,
  actions TEXT NOT NULL DEFAULT '',       -- latest triage's action codes, space-separated
  exposure BIGINT NOT NULL,               -- emotional exposure 1..3 in effect
  exposure_floor BIGINT NOT NULL DEFAULT 0, -- raised by a coordinator; 0 when never raised
  created_at BIGINT NOT NULL,
  last_intake_at BIGINT NOT NULL,         -- the latest intake linked to this case
  tier_entered_at BIGINT NOT NULL,
  last_seen_at BIGINT,                    -- by a clinician: a note or an explicit "seen"
  waiting_since BIGINT NOT NULL,          -- the later of tier_entered_at and last_seen_at
  updated_at BIGINT NOT NULL,
  outcome TEXT NOT NULL DEFAULT '',       -- 'recovered', 'admitted', 'died', 'lost'
  closed_at BIGINT
);
CREATE INDEX clinic_cases_by_phone ON clinic_cases(phone_key, status);
CREATE INDEX clinic_cases_by_queue ON clinic_cases(status, tier, priority);

CREATE TABLE clinic_observations (
  id {{id}},
  case_id BIGINT NOT NULL REFERENCES clinic_cases(id),
  at BIGINT NOT NULL,
  recorded_by BIGINT NOT NULL DEFAULT 0,  -- user id; 0 for the public form
  source TEXT NOT NULL,                   -- 'public', 'hotline', 'update'
  spo2 DOUBLE PRECISION,
  on_oxygen INTEGER,
  resp_rate DOUBLE PRECISION,
  heart_rate DOUBLE PRECISION,
  temperature_c DOUBLE PRECISION,
  systolic_bp DOUBLE PRECISION,
  consciousness TEXT,
  pao2_fio2 DOUBLE PRECISION,
  pneumonia_on_imaging INTEGER,
  lesion_progression_48h_pct DOUBLE PRECISION,
  fever_days DOUBLE PRECISION,
  mechanical_ventilation INTEGER,
  shock INTEGER,
  organ_failure_icu INTEGER,
  ards INTEGER,
  sepsis INTEGER,
  laboured_breathing INTEGER,
  drowsiness_or_convulsions INTEGER,
  feeding_difficulty_dehydration INTEGER,
  hypercapnic_target INTEGER,
  symptoms TEXT NOT NULL DEFAULT '[]'     -- JSON array of the words given
);
CREATE INDEX clinic_observations_by_case ON clinic_observations(case_id);

-- Every triage of a case, in order: what the engine said about the observations then known.
CREATE TABLE clinic_triages (
  id {{id}},
  case_id BIGINT NOT NULL REFERENCES clinic_cases(id),
  observation_id BIGINT NOT NULL REFERENCES clinic_observations(id),
  at BIGINT NOT NULL,
  nhc_severity TEXT NOT NULL,
  who_severity TEXT NOT NULL,
  news2 BIGINT,
  news2_band TEXT,
  priority BIGINT NOT NULL,
  tier TEXT NOT NULL,                     -- the engine's recommendation
  reasons TEXT NOT NULL,                  -- codes, space-separated
  missing TEXT NOT NULL,
  actions TEXT NOT NULL
);
CREATE INDEX clinic_triages_by_case ON clinic_triages(case_id);

CREATE TABLE clinic_tier_moves (
  id {{id}},
  case_id BIGINT NOT NULL REFERENCES clinic_cases(id),
  at BIGINT NOT NULL,
  by_user BIGINT NOT NULL,
  by_username TEXT NOT NULL,
  from_tier TEXT NOT NULL,                -- '' when the case was created
  to_tier TEXT NOT NULL,
  cause TEXT NOT NULL,                    -- 'intake', 'triage', 'clinician'
  reason TEXT NOT NULL
);
CREATE INDEX clinic_tier_moves_by_case ON clinic_tier_moves(case_id);

CREATE TABLE clinic_notes (
  id {{id}},
  case_id BIGINT NOT NULL REFERENCES clinic_cases(id),
  at BIGINT NOT NULL,
  author_id BIGINT NOT NULL,
  author_username TEXT NOT NULL,
  author_role TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX clinic_notes_by_case ON clinic_notes(case_id);

CREATE TABLE clinic_tasks (
  id {{id}},
  case_id BIGINT NOT NULL REFERENCES clinic_cases(id),
  kind TEXT NOT NULL,                     -- 'follow_up' or 'debrief'
  text TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  assignee_id BIGINT NOT NULL DEFAULT 0,  -- user id; 0 for whoever is on the case
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  done_at BIGINT,
  done_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX clinic_tasks_by_case ON clinic_tasks(case_id);
CREATE INDEX clinic_tasks_by_due ON clinic_tasks(done_at, due_at);

-- Volunteer applications from the public form; the password waits as an Argon2id hash and is
-- cleared when the application is rejected.
CREATE TABLE clinic_applications (
  id {{id}},
  status TEXT NOT NULL,                   -- 'pending', 'approved', 'rejected'
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  phone_key TEXT NOT NULL,
  phone_last4 TEXT NOT NULL,
  licence_number TEXT NOT NULL DEFAULT '',
  hospital TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT '',
  years_practice BIGINT NOT NULL DEFAULT 0,
  username TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  locale TEXT NOT NULL,
  submitted_at BIGINT NOT NULL,
  decided_at BIGINT,
  decided_by BIGINT NOT NULL DEFAULT 0,
  decision_reason TEXT NOT NULL DEFAULT '', -- why rejected, or why the clinical rule was overridden
  overridden INTEGER NOT NULL DEFAULT 0,
  user_id BIGINT NOT NULL DEFAULT 0         -- the account approval created
);
CREATE INDEX clinic_applications_by_status ON clinic_applications(status);

CREATE TABLE clinic_volunteers (
  user_id BIGINT PRIMARY KEY REFERENCES users(id),
  application_id BIGINT NOT NULL REFERENCES clinic_applications(id),
  readiness BIGINT NOT NULL,              -- 1..3: the highest exposure level they take
  capacity BIGINT NOT NULL,               -- most cases offered or active at once
  licence_number TEXT NOT NULL DEFAULT '',
  hospital TEXT NOT NULL DEFAULT '',
  department TEXT NOT NULL DEFAULT '',
  years_practice BIGINT NOT NULL DEFAULT 0,
  approved_at BIGINT NOT NULL,
  approved_by BIGINT NOT NULL
);

-- When a volunteer is on duty: a weekly window in the clinic's local time (weekday 1 = Monday,
-- minutes after midnight; an end before the start runs past midnight) or one explicit period.
CREATE TABLE clinic_shifts (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES clinic_volunteers(user_id),
  kind TEXT NOT NULL,                     -- 'weekly' or 'once'
  weekday BIGINT NOT NULL DEFAULT 0,
  start_minute BIGINT NOT NULL DEFAULT 0,
  end_minute BIGINT NOT NULL DEFAULT 0,
  starts_at BIGINT NOT NULL DEFAULT 0,
  ends_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX clinic_shifts_by_user ON clinic_shifts(user_id);

CREATE TABLE clinic_assignments (
  id {{id}},
  case_id BIGINT NOT NULL REFERENCES clinic_cases(id),
  volunteer_id BIGINT NOT NULL REFERENCES clinic_volunteers(user_id),
  status TEXT NOT NULL,                   -- 'offered', 'active', 'declined', 'stepped_back', 'ended'
  offered_at BIGINT NOT NULL,
  offered_by BIGINT NOT NULL,
  accepted_at BIGINT,
  ended_at BIGINT,
  note TEXT NOT NULL DEFAULT ''           -- what the volunteer chose to say, if anything
);
CREATE INDEX clinic_assignments_by_case ON clinic_assignments(case_id);
CREATE INDEX clinic_assignments_by_volunteer ON clinic_assignments(volunteer_id, status);
