-- The ventilator pipeline: hospitals' verified needs, foundations' pledges (units or a budget),
-- suppliers' stock, computed proposals that combine them, and the orders that follow a proposal
-- line from pledge to a machine in use. Every change is also kept in ventilator_events.
-- Instants are UnixMillis; money is whole yuan (CNY); types are 'invasive', 'non_invasive',
-- 'high_flow'.

CREATE TABLE ventilator_needs (
  id {{id}},
  hospital_id BIGINT NOT NULL REFERENCES hospitals(id),
  type TEXT NOT NULL,
  quantity BIGINT NOT NULL CHECK (quantity > 0),
  covered BIGINT NOT NULL DEFAULT 0,     -- units in orders made for this need
  urgency TEXT NOT NULL,                 -- 'routine', 'urgent', 'critical'
  verified_by BIGINT NOT NULL,           -- user id of who verified it; 0 for the command line
  verification_method TEXT NOT NULL,     -- 'phone_call', 'official_notice', 'visit'
  verified_at BIGINT NOT NULL,
  status TEXT NOT NULL,                  -- 'open', 'covered', 'withdrawn'
  note TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL,
  CHECK (covered >= 0 AND covered <= quantity)
);
CREATE INDEX ventilator_needs_by_hospital ON ventilator_needs(hospital_id);
CREATE INDEX ventilator_needs_by_status ON ventilator_needs(status);

-- A pledge gives either units of one type (kind 'units') or a budget (kind 'budget').
CREATE TABLE ventilator_pledges (
  id {{id}},
  foundation TEXT NOT NULL,
  kind TEXT NOT NULL,                    -- 'units' or 'budget'
  type TEXT NOT NULL DEFAULT '',         -- units pledges only
  units BIGINT NOT NULL DEFAULT 0,
  units_allocated BIGINT NOT NULL DEFAULT 0,
  delivery_days BIGINT NOT NULL DEFAULT 0,  -- units pledges: days until the units can leave
  budget_yuan BIGINT NOT NULL DEFAULT 0,
  budget_spent_yuan BIGINT NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  pledged_at BIGINT NOT NULL,
  pledged_by BIGINT NOT NULL DEFAULT 0,  -- user id who recorded it
  CHECK (units_allocated >= 0 AND units_allocated <= units),
  CHECK (budget_spent_yuan >= 0 AND budget_spent_yuan <= budget_yuan)
);
CREATE INDEX ventilator_pledges_by_foundation ON ventilator_pledges(foundation);

CREATE TABLE ventilator_stock (
  id {{id}},
  supplier TEXT NOT NULL,
  model TEXT NOT NULL,
  type TEXT NOT NULL,
  unit_price_yuan BIGINT NOT NULL CHECK (unit_price_yuan > 0),
  lead_time_days BIGINT NOT NULL CHECK (lead_time_days >= 0),
  quantity BIGINT NOT NULL CHECK (quantity >= 0),
  reserved BIGINT NOT NULL DEFAULT 0,    -- units bought by accepted proposal lines
  created_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0,
  CHECK (reserved >= 0 AND reserved <= quantity)
);

-- A computed plan, kept so a coordinator can accept its lines one by one.
CREATE TABLE ventilator_proposals (
  id {{id}},
  computed_at BIGINT NOT NULL,
  computed_by BIGINT NOT NULL DEFAULT 0,
  uncovered TEXT NOT NULL DEFAULT '[]'   -- JSON: needs the plan could not fully serve
);

CREATE TABLE ventilator_proposal_lines (
  id {{id}},
  proposal_id BIGINT NOT NULL REFERENCES ventilator_proposals(id),
  position BIGINT NOT NULL,              -- order within the plan
  need_id BIGINT NOT NULL REFERENCES ventilator_needs(id),
  pledge_id BIGINT NOT NULL REFERENCES ventilator_pledges(id),
  stock_id BIGINT REFERENCES ventilator_stock(id),  -- NULL for pledged units
  units BIGINT NOT NULL,
  unit_price_yuan BIGINT NOT NULL DEFAULT 0,
  lead_time_days BIGINT NOT NULL DEFAULT 0,
  cost_yuan BIGINT NOT NULL DEFAULT 0,
  expected_delivery_at BIGINT NOT NULL,
  in_time INTEGER NOT NULL,
  reason TEXT NOT NULL,                  -- catalogue code of the rule that chose the line
  reason_args TEXT NOT NULL DEFAULT '{}',
  order_id BIGINT                        -- set when accepted
);
CREATE INDEX ventilator_proposal_lines_by_proposal ON ventilator_proposal_lines(proposal_id);

CREATE TABLE ventilator_orders (
  id {{id}},
  need_id BIGINT NOT NULL REFERENCES ventilator_needs(id),
  hospital_id BIGINT NOT NULL REFERENCES hospitals(id),
  pledge_id BIGINT NOT NULL REFERENCES ventilator_pledges(id),
  stock_id BIGINT REFERENCES ventilator_stock(id),
  proposal_line_id BIGINT REFERENCES ventilator_proposal_lines(id),
  type TEXT NOT NULL,
  units BIGINT NOT NULL CHECK (units > 0),
  unit_price_yuan BIGINT NOT NULL DEFAULT 0,
  cost_yuan BIGINT NOT NULL DEFAULT 0,
  expected_delivery_at BIGINT NOT NULL,
  state TEXT NOT NULL,                   -- 'pledged', 'ordered', 'shipped', 'delivered', 'in_use'
  created_at BIGINT NOT NULL,
  created_by BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE INDEX ventilator_orders_by_hospital ON ventilator_orders(hospital_id);
CREATE INDEX ventilator_orders_by_pledge ON ventilator_orders(pledge_id);
-- One order per proposal line, even when two coordinators accept the same line at once.
CREATE UNIQUE INDEX ventilator_orders_by_line ON ventilator_orders(proposal_line_id);

-- Every change of every record above: who, when, what, the state before and after, a note.
CREATE TABLE ventilator_events (
  id {{id}},
  entity TEXT NOT NULL,                  -- 'need', 'pledge', 'stock', 'proposal', 'order'
  entity_id BIGINT NOT NULL,
  action TEXT NOT NULL,                  -- 'create', 'withdraw', 'accept', 'advance', ...
  from_state TEXT NOT NULL DEFAULT '',
  to_state TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL,
  actor_user_id BIGINT NOT NULL DEFAULT 0,
  actor_username TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ventilator_events_by_entity ON ventilator_events(entity, entity_id);
