-- Key-account service: the account-manager system (tiers, hand-overs, cover during leave, service
-- teams, service packages), the yearly "五个一" programme, visits with their action items,
-- emergency plans (一户一预案) with drills, electricity-use plans and the equipment register.

ALTER TABLE customers ADD COLUMN key_tier TEXT;   -- A, B, C for key accounts (visit frequency by tier)

-- A manager on leave is covered by another for a period: the cover sees and works the accounts.
CREATE TABLE manager_covers (
  id INTEGER PRIMARY KEY,
  manager_id INTEGER NOT NULL REFERENCES users(id),
  cover_id INTEGER NOT NULL REFERENCES users(id),
  starts_on TEXT NOT NULL,              -- YYYY-MM-DD, Asia/Shanghai, inclusive
  ends_on TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  cancelled_at INTEGER
);
CREATE INDEX manager_covers_cover ON manager_covers(cover_id, ends_on);
CREATE INDEX manager_covers_manager ON manager_covers(manager_id, ends_on);

-- Reassignment of a key account's manager, with what moved to the new manager.
CREATE TABLE manager_handovers (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  role TEXT NOT NULL CHECK (role IN ('primary','backup')),
  from_user_id INTEGER REFERENCES users(id),
  to_user_id INTEGER REFERENCES users(id),
  reason TEXT NOT NULL,
  notes TEXT,                            -- the hand-over record: what the new manager must know
  items_moved INTEGER NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX manager_handovers_customer ON manager_handovers(customer_id, created_at);

-- Service team per key account: service, operation and maintenance, safety, energy saving.
CREATE TABLE service_team_members (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  function TEXT NOT NULL CHECK (function IN ('service','operation','safety','energy')),
  user_id INTEGER REFERENCES users(id),
  name TEXT NOT NULL,
  mobile TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX service_team_members_customer ON service_team_members(customer_id);

-- Customised service packages: templates of services with frequencies, assigned per account.
CREATE TABLE service_packages (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
);
CREATE TABLE service_package_items (
  id INTEGER PRIMARY KEY,
  package_id INTEGER NOT NULL REFERENCES service_packages(id),
  service TEXT NOT NULL,
  times_per_year INTEGER NOT NULL CHECK (times_per_year BETWEEN 1 AND 366)
);
CREATE INDEX service_package_items_package ON service_package_items(package_id);
CREATE TABLE customer_service_packages (
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  package_id INTEGER NOT NULL REFERENCES service_packages(id),
  assigned_by INTEGER NOT NULL REFERENCES users(id),
  assigned_at INTEGER NOT NULL,
  PRIMARY KEY (customer_id, package_id)
);

-- The "五个一" programme of a key account for a year, signed off by a leader.
CREATE TABLE programmes (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  year INTEGER NOT NULL,
  org_path TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','signed_off')),
  signed_off_by INTEGER REFERENCES users(id),
  signed_off_at INTEGER,
  sign_off_note TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (customer_id, year)
);
CREATE INDEX programmes_year ON programmes(year, org_path);

CREATE TABLE programme_items (
  id INTEGER PRIMARY KEY,
  programme_id INTEGER NOT NULL REFERENCES programmes(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  kind TEXT NOT NULL CHECK (kind IN ('manager','leader_visit','drill','usage_plan','diagnosis')),
  owner_id INTEGER REFERENCES users(id),
  due_date TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','done')),
  done_at INTEGER,
  done_by INTEGER REFERENCES users(id),
  note TEXT,
  ref_entity TEXT,                      -- the record that completed it: visit, drill, usage_plan, equipment
  ref_id INTEGER,
  overdue_notified_at INTEGER,
  UNIQUE (programme_id, kind)
);
CREATE INDEX programme_items_owner ON programme_items(owner_id, status, due_date);
CREATE INDEX programme_items_due ON programme_items(status, due_date);
CREATE INDEX programme_items_customer ON programme_items(customer_id);

-- Evidence and records attached to programme items, visits, drills and action items.
CREATE TABLE service_attachments (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  entity TEXT NOT NULL CHECK (entity IN ('programme_item','visit','drill','action_item','equipment')),
  entity_id INTEGER NOT NULL,
  file_name TEXT NOT NULL,              -- as given, shown to people only; never used as a path
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data BLOB NOT NULL,
  uploaded_by INTEGER REFERENCES users(id),
  uploaded_at INTEGER NOT NULL
);
CREATE INDEX service_attachments_entity ON service_attachments(entity, entity_id);

-- Visits: the leader visit of the programme, regular (定期回访) and ad-hoc (不定期走访) visits.
CREATE TABLE visits (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  org_path TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('leader','regular','adhoc','introduction')),
  status TEXT NOT NULL CHECK (status IN ('planned','done','cancelled')),
  planned_on TEXT NOT NULL,             -- YYYY-MM-DD
  participants TEXT NOT NULL DEFAULT '',
  purpose TEXT,
  record TEXT,                          -- what was discussed, needs and problems in words
  programme_item_id INTEGER REFERENCES programme_items(id),
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  done_on TEXT,
  done_by INTEGER REFERENCES users(id),
  cancel_reason TEXT
);
CREATE INDEX visits_customer ON visits(customer_id, planned_on);
CREATE INDEX visits_planned ON visits(status, planned_on);

-- Action items: every need or problem from a visit, every drill finding, every equipment
-- recommendation, followed to closure by its owner and shown to the manager until closed.
CREATE TABLE action_items (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  org_path TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('visit','drill','equipment','manual')),
  source_id INTEGER,
  action TEXT,                          -- equipment: replace, overhaul, retrofit
  title TEXT NOT NULL,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  due_date TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','closed')),
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  closed_at INTEGER,
  closed_by INTEGER REFERENCES users(id),
  close_note TEXT,
  resolved_by_plan_id INTEGER,          -- drill findings: the plan revision that answers it
  overdue_notified_at INTEGER
);
CREATE INDEX action_items_customer ON action_items(customer_id, status);
CREATE INDEX action_items_owner ON action_items(owner_id, status, due_date);
CREATE INDEX action_items_due ON action_items(status, due_date);
CREATE INDEX action_items_source ON action_items(source, source_id);

-- 一户一预案: a versioned emergency plan per customer; a revision supersedes the current version.
CREATE TABLE emergency_plans (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('current','superseded')),
  supply_sources TEXT NOT NULL,
  emergency_power TEXT NOT NULL,
  security_load_kw REAL NOT NULL,
  risk_points TEXT NOT NULL,
  contacts TEXT NOT NULL,
  switching_steps TEXT NOT NULL,
  change_note TEXT,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  UNIQUE (customer_id, version)
);

CREATE TABLE drills (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  plan_id INTEGER NOT NULL REFERENCES emergency_plans(id),
  held_on TEXT NOT NULL,
  scenario TEXT NOT NULL,
  participants TEXT NOT NULL,
  summary TEXT,
  programme_item_id INTEGER REFERENCES programme_items(id),
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX drills_customer ON drills(customer_id, held_on);

-- 用电策划: one document per customer and year with recommendations and their expected savings.
CREATE TABLE usage_plans (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  year INTEGER NOT NULL,
  title TEXT NOT NULL,
  summary TEXT,
  recommendations TEXT NOT NULL,        -- JSON array of {text, saving_kwh, saving_fen}
  total_saving_fen INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft','delivered')),
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (customer_id, year)
);

-- The customer's equipment register for the equipment diagnosis (设备诊断).
CREATE TABLE equipment (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  account_id INTEGER REFERENCES accounts(id),
  kind TEXT NOT NULL CHECK (kind IN ('transformer','switchgear','cable','protection','capacitor','other')),
  name TEXT NOT NULL,
  model TEXT,
  rating TEXT,                          -- e.g. 1250 kVA, 10 kV
  commissioned_on TEXT,
  last_test_on TEXT,
  test_result TEXT,
  health_grade TEXT CHECK (health_grade IN ('normal','attention','abnormal','severe')),
  status TEXT NOT NULL DEFAULT 'in_service' CHECK (status IN ('in_service','retired')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX equipment_customer ON equipment(customer_id);

-- The key-account list shows the last value score of each account.
CREATE INDEX key_account_proposals_customer ON key_account_proposals(customer_id, run_id);

INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('keyaccounts.visit_interval_days', 'A:30,B:60,C:90', 'list', 'keyaccounts', 'regular visits (定期回访) every N days by key-account tier: our policy choice, no regulation found', 'P', 0),
 ('keyaccounts.programme_due', 'manager:01-31,leader_visit:06-30,drill:09-30,usage_plan:10-31,diagnosis:11-30', 'list', 'keyaccounts', 'due dates (MM-DD) of the five items of the 五个一 programme in its year: our policy choice after seed 001', 'P', 0),
 ('keyaccounts.programme_new_account_days', '90', 'int', 'keyaccounts', 'an account that becomes key during the year gets at least this many days for each item: our policy choice', 'P', 0);

INSERT INTO notification_templates(kind, channel, template_code, subject, body) VALUES
('programme_item_overdue', 'in_app', NULL, '“五个一”服务事项已逾期',
 '大客户{customer}的{year}年“五个一”事项「{item}」应于{due}完成，现已逾期，负责人：{owner}。'),
('programme_item_overdue', 'sms', 'LX_PROGRAMME_OVERDUE', '',
 '【连心】大客户{customer}“五个一”事项「{item}」应于{due}完成，现已逾期，请尽快办理。'),
('action_item_overdue', 'in_app', NULL, '待办事项已逾期',
 '大客户{customer}的待办事项「{title}」（来源：{source}）应于{due}办结，现已逾期，负责人：{owner}。'),
('action_item_overdue', 'sms', 'LX_ACTION_OVERDUE', '',
 '【连心】大客户{customer}待办事项「{title}」应于{due}办结，现已逾期，请尽快办理。'),
('key_account_handover', 'in_app', NULL, '您已接管大客户{customer}',
 '大客户{customer}已由{from}交接给您（原因：{reason}），随交接转入未办事项{items}项，请查看交接记录。'),
('manager_cover', 'in_app', NULL, '请您在{from}至{to}代管{manager}的大客户',
 '{manager}在{from}至{to}期间休假（{reason}），期间由您代管其大客户并处理其事项。');
