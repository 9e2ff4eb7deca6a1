-- The exchange of offers and needs: who offers which item where, who needs it (a clinic case or
-- a hospital), the runs of the matcher (proposals) with their matches, and every change as an
-- event. Instants are UnixMillis; an item's spec columns are empty unless its kind uses them.

CREATE TABLE exchange_offers (
  id {{id}},
  offerer_kind TEXT NOT NULL,             -- 'person' (a household) or 'organisation'
  offerer_name TEXT NOT NULL,
  phone_sealed TEXT NOT NULL,             -- SealText(deployment key, number): coordinators only
  phone_last4 TEXT NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  lon DOUBLE PRECISION NOT NULL,
  district_code TEXT NOT NULL REFERENCES districts(code),
  address TEXT NOT NULL,
  kind TEXT NOT NULL,                     -- 'concentrator', 'oximeter', 'ventilator', 'medicine', 'other'
  flow_lpm BIGINT NOT NULL DEFAULT 0,     -- concentrators: 3, 5 or 10 L/min
  ventilator_type TEXT NOT NULL DEFAULT '', -- 'invasive', 'non_invasive', 'high_flow'
  medicine_name TEXT NOT NULL DEFAULT '',
  strength TEXT NOT NULL DEFAULT '',
  expiry_date TEXT NOT NULL DEFAULT '',   -- medicines: YYYY-MM-DD
  description TEXT NOT NULL DEFAULT '',   -- 'other'
  match_key TEXT NOT NULL,                -- kind and spec as the matcher compares them
  quantity BIGINT NOT NULL,
  remaining BIGINT NOT NULL,
  mode TEXT NOT NULL,                     -- 'lend' or 'give'
  item_condition TEXT NOT NULL,           -- 'new', 'good', 'fair'
  status TEXT NOT NULL,                   -- 'open', 'withdrawn', 'exhausted'
  revision BIGINT NOT NULL DEFAULT 1,     -- bumped by every edit and withdrawal, not by matches
  created_by BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX exchange_offers_by_status ON exchange_offers(status, kind);
CREATE INDEX exchange_offers_by_district ON exchange_offers(district_code);

CREATE TABLE exchange_needs (
  id {{id}},
  source TEXT NOT NULL,                   -- 'case' or 'hospital'
  case_id BIGINT REFERENCES clinic_cases(id),
  hospital_id BIGINT REFERENCES hospitals(id),
  urgency TEXT NOT NULL DEFAULT '',       -- hospitals: 'immediate', 'urgent', 'routine'
  priority BIGINT NOT NULL,               -- 0..100 when recorded; cases are re-derived on propose
  lat DOUBLE PRECISION NOT NULL,
  lon DOUBLE PRECISION NOT NULL,
  district_code TEXT NOT NULL REFERENCES districts(code),
  address TEXT NOT NULL,
  kind TEXT NOT NULL,
  flow_lpm BIGINT NOT NULL DEFAULT 0,
  ventilator_type TEXT NOT NULL DEFAULT '',
  medicine_name TEXT NOT NULL DEFAULT '',
  strength TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  match_key TEXT NOT NULL,
  quantity BIGINT NOT NULL,
  remaining BIGINT NOT NULL,
  needed_by BIGINT,                       -- optional deadline
  status TEXT NOT NULL,                   -- 'open', 'withdrawn', 'fulfilled'
  revision BIGINT NOT NULL DEFAULT 1,
  created_by BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX exchange_needs_by_status ON exchange_needs(status, kind);
CREATE INDEX exchange_needs_by_case ON exchange_needs(case_id);
CREATE INDEX exchange_needs_by_district ON exchange_needs(district_code);

-- One run of the matcher over the open remaining quantities, with the options it ran with.
CREATE TABLE exchange_proposals (
  id {{id}},
  created_by BIGINT NOT NULL DEFAULT 0,
  created_by_username TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  radius_km DOUBLE PRECISION NOT NULL,
  options TEXT NOT NULL DEFAULT '{}',     -- JSON: radius and the compatibility table used
  needs_considered BIGINT NOT NULL,
  offers_considered BIGINT NOT NULL,
  served_priority BIGINT NOT NULL,
  total_distance_km DOUBLE PRECISION NOT NULL,
  unmet_quantity BIGINT NOT NULL
);

CREATE TABLE exchange_matches (
  id {{id}},
  proposal_id BIGINT NOT NULL REFERENCES exchange_proposals(id),
  need_id BIGINT NOT NULL REFERENCES exchange_needs(id),
  offer_id BIGINT NOT NULL REFERENCES exchange_offers(id),
  quantity BIGINT NOT NULL,
  distance_km DOUBLE PRECISION NOT NULL,  -- reasons: how far ...
  priority BIGINT NOT NULL,               -- ... and how urgent, when proposed
  need_revision BIGINT NOT NULL,          -- the records as the proposal saw them
  offer_revision BIGINT NOT NULL,
  status TEXT NOT NULL,                   -- 'proposed', 'confirmed', 'rejected', 'superseded'
  decided_by BIGINT,
  decided_at BIGINT,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX exchange_matches_by_proposal ON exchange_matches(proposal_id);
CREATE INDEX exchange_matches_by_status ON exchange_matches(status);
CREATE INDEX exchange_matches_by_need ON exchange_matches(need_id);

-- Every change of an offer, a need, a proposal or a match: nothing is overwritten unseen.
CREATE TABLE exchange_events (
  id {{id}},
  entity TEXT NOT NULL,                   -- 'offer', 'need', 'proposal', 'match'
  entity_id BIGINT NOT NULL,
  action TEXT NOT NULL,                   -- 'create', 'edit', 'withdraw', 'propose', 'confirm', 'reject'
  at BIGINT NOT NULL,
  by_user BIGINT NOT NULL DEFAULT 0,
  by_username TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}'       -- JSON: what changed
);
CREATE INDEX exchange_events_by_entity ON exchange_events(entity, entity_id);
