-- Outages and power-limitation notices (停电/限电告知), part 1: the full supply topology and the
-- outage events with their scope and the accounts they cut.
--
-- Topology: substations → lines (feeders) → line sections behind switches (a tree per line; a
-- section without parent sits right behind the line's breaker) → transformer areas (台区) →
-- accounts. An account's first source is on the account row (line, section or transformer area);
-- the second and third sources of dual- and triple-supply accounts are in account_sources.
CREATE TABLE line_sections (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  line_id INTEGER NOT NULL REFERENCES lines(id),
  parent_id INTEGER REFERENCES line_sections(id),
  switch_code TEXT
);
CREATE INDEX line_sections_line ON line_sections(line_id);
ALTER TABLE transformer_areas ADD COLUMN section_id INTEGER REFERENCES line_sections(id);
CREATE INDEX transformer_areas_line ON transformer_areas(line_id);
ALTER TABLE accounts ADD COLUMN section_id INTEGER REFERENCES line_sections(id);
CREATE INDEX accounts_area ON accounts(transformer_area_id);
CREATE INDEX accounts_section ON accounts(section_id);

CREATE TABLE account_sources (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  seq INTEGER NOT NULL CHECK (seq >= 2),
  line_id INTEGER NOT NULL REFERENCES lines(id),
  section_id INTEGER REFERENCES line_sections(id),
  transformer_area_id INTEGER REFERENCES transformer_areas(id),
  UNIQUE (account_id, seq)
);
CREATE INDEX account_sources_line ON account_sources(line_id);

-- Every topology import with its report.
CREATE TABLE topology_imports (
  id INTEGER PRIMARY KEY,
  file_name TEXT,
  sha256 TEXT NOT NULL,
  rows_total INTEGER NOT NULL,
  inserted INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);

-- Outage events: planned and temporary maintenance, faults, arrears disconnections (per account),
-- orderly power use / limitation with level and share, and short transfer outages.
CREATE TABLE outages (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('planned','temporary','fault','arrears','limitation','transfer')),
  title TEXT NOT NULL,
  work TEXT NOT NULL DEFAULT '',
  requester TEXT NOT NULL,                      -- construction, maintenance, expansion, marketing, dispatch, other
  department_id INTEGER REFERENCES org_units(id),
  org_unit_id INTEGER NOT NULL REFERENCES org_units(id),
  org_path TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft','checked','approved','notified','in_progress','restored','cancelled')),
  planned_start INTEGER NOT NULL,
  planned_end INTEGER NOT NULL,
  expected_end INTEGER,
  actual_start INTEGER,
  actual_end INTEGER,
  limit_level TEXT,
  limit_share REAL,
  lead_justification TEXT,
  affected_accounts INTEGER NOT NULL DEFAULT 0,
  affected_customers INTEGER NOT NULL DEFAULT 0,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX outages_org ON outages(org_path, planned_start);
CREATE INDEX outages_start ON outages(planned_start);

CREATE TABLE outage_scopes (
  outage_id INTEGER NOT NULL REFERENCES outages(id),
  kind TEXT NOT NULL CHECK (kind IN ('line','section','area','account')),
  ref_id INTEGER NOT NULL,
  PRIMARY KEY (outage_id, kind, ref_id)
);

-- The accounts an outage cuts (out) or leaves on one remaining source (one_source), computed from
-- the topology when the outage is checked and again when its scope changes.
CREATE TABLE outage_affected (
  outage_id INTEGER NOT NULL REFERENCES outages(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  effect TEXT NOT NULL CHECK (effect IN ('out','one_source')),
  PRIMARY KEY (outage_id, account_id)
);
CREATE INDEX outage_affected_customer ON outage_affected(customer_id);

INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('outages.lead_planned_days', '7', 'int', 'outages', 'rules_cn §1.1 第二条 and §4.2: 计划检修停电提前7日通知用户或公告 (SGCC 十项承诺 2023; 供电营业规则)', 'V', 0),
 ('outages.lead_temporary_hours', '24', 'int', 'outages', 'rules_cn §1.1 第二条 and §4.2: 临时检修停电提前24小时通知重要用户', 'V', 0),
 ('outages.lead_arrears_days', '3', 'int', 'outages', 'rules_cn §4.2: 欠费停电 停电通知书 3–7 days before cut-off (1996 procedure [S]; 2024 wording [U]); the minimum is checked', 'S', 0),
 ('outages.lead_transfer_hours', '24', 'int', 'outages', 'short transfer outages (seconds): important customers told in advance; no regulated lead time found, 24 h is our choice', 'U', 0);
