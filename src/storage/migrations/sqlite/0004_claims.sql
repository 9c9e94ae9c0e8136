-- Claims (诉求/工单) on the working-day deadline engine: settings, stored calendars, durable clocks,
-- SLA policies, routing rules, claims with their history, attachments, escalations, service
-- recovery and accountability.

-- Configurable rules of every module, with the source of each default and how well it is verified
-- (V verified, S secondary, U unverified, P our policy choice); the settings page shows both.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  value_type TEXT NOT NULL CHECK (value_type IN ('int','text','bool','list')),
  module TEXT NOT NULL,
  source TEXT NOT NULL,
  verification TEXT NOT NULL CHECK (verification IN ('V','S','U','P')),
  updated_at INTEGER NOT NULL,
  updated_by INTEGER REFERENCES users(id)
);
INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('claims.rule_set', 'sgcc_95598_internal', 'text', 'claims', 'rules_cn §3.3: the SGCC internal 95598 limits are the default rule-set', 'P', 0),
 ('claims.repeat_window_days', '30', 'int', 'claims', 'rules_cn §3.4 重复诉求: default N = 30 calendar days', 'U', 0),
 ('claims.chase_escalation_count', '2', 'int', 'claims', 'rules_cn §3.4 升级: a second 催办 escalates', 'U', 0),
 ('claims.escalation_max_level', '3', 'int', 'claims', 'escalation ladder: department → county bureau → city bureau → company', 'P', 0),
 ('claims.callback_types', 'complaint,report,fault_repair,service_request', 'list', 'claims', 'rules_cn §3.4 回访: required for complaints, reports, repairs and service applications', 'U', 0),
 ('claims.auto_dispatch', 'true', 'bool', 'claims', 'dispatch by routing rules at intake when one matches', 'P', 0),
 ('claims.top_level_marks', 'injury,media', 'list', 'claims', 'rules_cn §3.4: major events go straight to leadership (第一时间上报, Jiangsu page)', 'S', 0),
 ('claims.max_attachment_bytes', '10485760', 'int', 'claims', 'attachment size limit (10 MiB)', 'P', 0);

-- Working-day calendars stored in the database. The national calendar (code CN) is filled from the
-- shipped schedules at start-up; an override calendar for a company or region (org_unit_id)
-- inherits its base calendar's days and years and adds or replaces single days.
CREATE TABLE calendars (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  base_id INTEGER REFERENCES calendars(id),
  org_unit_id INTEGER UNIQUE REFERENCES org_units(id),
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
);
CREATE TABLE calendar_years (
  calendar_id INTEGER NOT NULL REFERENCES calendars(id),
  year INTEGER NOT NULL,
  source TEXT NOT NULL,           -- the notice it was taken from, or 'shipped'
  imported_at INTEGER NOT NULL,
  imported_by INTEGER REFERENCES users(id),
  PRIMARY KEY (calendar_id, year)
);
CREATE TABLE calendar_days (
  calendar_id INTEGER NOT NULL REFERENCES calendars(id),
  date TEXT NOT NULL,             -- YYYY-MM-DD, Asia/Shanghai
  adjustment TEXT NOT NULL CHECK (adjustment IN ('off_day','makeup_working_day')),
  name TEXT NOT NULL,
  PRIMARY KEY (calendar_id, date)
);

-- Durable deadline clocks (claims now, business-expansion stages later). The scheduler sweeps
-- next_fire_at: a reminder at each share of the allowed time, then the breach. A restart loses no
-- timer because the timer is this row.
CREATE TABLE clocks (
  id INTEGER PRIMARY KEY,
  subject TEXT NOT NULL,          -- 'claim'
  subject_id INTEGER NOT NULL,
  name TEXT NOT NULL,             -- first_contact, on_site, reply, callback
  org_path TEXT NOT NULL DEFAULT '',  -- the subject's region: its calendar is the nearest regional one, else CN
  started_at INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  unit TEXT NOT NULL CHECK (unit IN ('minutes','hours','working_days')),
  end_of_day_minute INTEGER NOT NULL DEFAULT 1440,
  inherited_due INTEGER,          -- an upstream (95598) deadline, used as given
  due_at INTEGER,                 -- NULL while an open pause holds the clock
  reminder_permille TEXT NOT NULL DEFAULT '',   -- '500,750': reminders at 50% and 75% of the time
  escalate_on_breach INTEGER NOT NULL DEFAULT 1,
  stage INTEGER NOT NULL DEFAULT 0,             -- reminders and breach already fired
  next_fire_at INTEGER,
  state TEXT NOT NULL CHECK (state IN ('running','paused','met','cancelled')),
  paused_since INTEGER,
  met_at INTEGER,
  breached_at INTEGER,
  policy_code TEXT,
  source TEXT,
  verification TEXT
);
CREATE UNIQUE INDEX clocks_subject ON clocks(subject, subject_id, name);
CREATE INDEX clocks_next_fire ON clocks(next_fire_at) WHERE next_fire_at IS NOT NULL;
CREATE INDEX clocks_open_working_days ON clocks(org_path) WHERE state IN ('running','paused') AND unit = 'working_days';
CREATE TABLE clock_pauses (
  clock_id INTEGER NOT NULL REFERENCES clocks(id),
  paused_from INTEGER NOT NULL,
  paused_to INTEGER,
  reason TEXT NOT NULL,
  PRIMARY KEY (clock_id, paused_from)
);

-- SLA policies as data: conditions (NULL = any), the clocks they start, validity dates.
CREATE TABLE sla_policies (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  rule_set TEXT NOT NULL,
  claim_type TEXT,
  sub_type TEXT,
  channel TEXT,
  key_account INTEGER,
  importance_class TEXT,
  area_type TEXT,
  org_unit_id INTEGER REFERENCES org_units(id),
  priority INTEGER NOT NULL DEFAULT 0,
  valid_from TEXT,                -- YYYY-MM-DD
  valid_to TEXT,
  enabled INTEGER NOT NULL DEFAULT 1,
  source TEXT NOT NULL,
  verification TEXT NOT NULL CHECK (verification IN ('V','S','U','P')),
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
);
CREATE TABLE sla_policy_clocks (
  policy_id INTEGER NOT NULL REFERENCES sla_policies(id),
  clock TEXT NOT NULL CHECK (clock IN ('first_contact','on_site','reply','callback')),
  amount INTEGER NOT NULL,
  unit TEXT NOT NULL CHECK (unit IN ('minutes','hours','working_days')),
  pause_on TEXT NOT NULL DEFAULT '',          -- statuses that pause it, comma-separated
  reminder_permille TEXT NOT NULL DEFAULT '500,750',
  escalate_on_breach INTEGER NOT NULL DEFAULT 1,
  source TEXT NOT NULL,
  verification TEXT NOT NULL CHECK (verification IN ('V','S','U','P')),
  PRIMARY KEY (policy_id, clock)
);

-- Default policies from rules_cn §1.1, §3.3 and §10. Three rule-sets: the SGCC internal 95598
-- limits (active by default), the public commitment (十项承诺), and the 2009 regulator floor.
INSERT INTO sla_policies(id, code, name, rule_set, claim_type, sub_type, channel, area_type, priority, source, verification, updated_at) VALUES
 (1, 'complaint', '投诉', 'sgcc_95598_internal', 'complaint', NULL, NULL, NULL, 0, 'rules_cn §3.3: SGCC Jiangsu (Huai''an) 2021-09-25 — contact ≤24 h, handle and reply ≤4 working days', 'S', 0),
 (2, 'report', '举报', 'sgcc_95598_internal', 'report', NULL, NULL, NULL, 0, 'rules_cn §3.3: report ≤9 working days (SGCC Jiangsu page)', 'S', 0),
 (3, 'opinion', '意见', 'sgcc_95598_internal', 'opinion', NULL, NULL, NULL, 0, 'rules_cn §3.3: 意见/建议 commonly 9 working days', 'U', 0),
 (4, 'suggestion', '建议', 'sgcc_95598_internal', 'suggestion', NULL, NULL, NULL, 0, 'rules_cn §3.3: 意见/建议 commonly 9 working days', 'U', 0),
 (5, 'consultation', '咨询（转办）', 'sgcc_95598_internal', 'consultation', NULL, NULL, NULL, 0, 'rules_cn §3.3: transferred 业务咨询 commonly 4 working days', 'U', 0),
 (6, 'repair_urban', '故障报修（城区）', 'sgcc_95598_internal', 'fault_repair', NULL, NULL, 'urban', 0, 'GB/T 28583-2012《供电服务规范》: arrival ≤60 min in cities (rules_cn §3.3)', 'V', 0),
 (7, 'repair_rural', '故障报修（农村）', 'sgcc_95598_internal', 'fault_repair', NULL, NULL, 'rural', 0, 'GB/T 28583-2012: arrival ≤120 min in rural areas', 'V', 0),
 (8, 'repair_remote', '故障报修（边远）', 'sgcc_95598_internal', 'fault_repair', NULL, NULL, 'remote', 0, 'GB/T 28583-2012: arrival ≤240 min in remote areas', 'V', 0),
 (9, 'reconnect', '欠费复电登记', 'sgcc_95598_internal', 'service_request', 'reconnect_after_arrears', NULL, NULL, 0, 'rules_cn §3.3: restore power ≤24 h (SGCC question bank 2023-09)', 'S', 0),
 (10, 'appliance_damage', '电器损坏', 'sgcc_95598_internal', 'service_request', 'appliance_damage', NULL, NULL, 0, 'rules_cn §3.3: on site ≤24 h (SGCC question bank 2023-09)', 'S', 0),
 (11, 'meter_abnormal', '电能表异常', 'sgcc_95598_internal', 'service_request', 'meter_abnormal', NULL, NULL, 0, 'rules_cn §3.3: handle and reply ≤4 working days', 'S', 0),
 (12, 'reading_anomaly', '抄表数据异常', 'sgcc_95598_internal', 'service_request', 'reading_anomaly', NULL, NULL, 0, 'rules_cn §3.3: verify and reply ≤6 working days (the public promise is 5)', 'S', 0),
 (13, 'ev_charging', '充电预约', 'sgcc_95598_internal', 'service_request', 'ev_charging_appointment', NULL, NULL, 0, 'rules_cn §3.3: arrive within 45 min', 'S', 0),
 (14, 'service_other', '其他服务申请', 'sgcc_95598_internal', 'service_request', NULL, NULL, NULL, 0, 'rules_cn §3.3: other service requests ≤5 working days', 'S', 0),
 (15, 'channel_12398', '12398转办', 'sgcc_95598_internal', NULL, NULL, '12398', NULL, 10, 'rules_cn §3.3: 12398 dispatched order closed ≤10 working days (SGCC Jiangsu page)', 'S', 0),
 (16, 'channel_12345', '12345转办', 'sgcc_95598_internal', NULL, NULL, '12345', NULL, 10, 'rules_cn §3.3: 12345 order closed ≤7 days (calendar days = 168 h)', 'S', 0),
 (17, 'public_complaint', '投诉（十项承诺）', 'sgcc_public_commitment', 'complaint', NULL, NULL, NULL, 0, 'rules_cn §1.1 第九条: contact ≤24 h, reply ≤5 working days', 'S', 0),
 (18, 'public_repair_urban', '故障报修（十项承诺，城区）', 'sgcc_public_commitment', 'fault_repair', NULL, NULL, 'urban', 0, 'rules_cn §1.1 第三条: average arrival 45 min in cities — an average, used here as a per-order alarm', 'V', 0),
 (19, 'public_repair_rural', '故障报修（十项承诺，农村）', 'sgcc_public_commitment', 'fault_repair', NULL, NULL, 'rural', 0, 'rules_cn §1.1 第三条: average arrival 90 min in rural areas', 'V', 0),
 (20, 'regulator_complaint', '投诉（监管底线）', 'regulator_2009', 'complaint', NULL, NULL, NULL, 0, 'rules_cn §3.3: 《供电监管办法》(2009) reply ≤10 working days', 'S', 0);

INSERT INTO sla_policy_clocks(policy_id, clock, amount, unit, pause_on, reminder_permille, source, verification) VALUES
 (1, 'first_contact', 24, 'hours', '', '500,750', 'rules_cn §3.3 complaint contact ≤24 h', 'S'),
 (1, 'reply', 4, 'working_days', 'waiting_customer', '500,750', 'rules_cn §3.3 complaint internal ≤4 WD', 'S'),
 (1, 'callback', 1, 'working_days', '', '500', 'rules_cn §3.3 callback commonly ≤1 WD', 'U'),
 (2, 'reply', 9, 'working_days', 'waiting_customer', '500,750', 'rules_cn §3.3 report ≤9 WD', 'S'),
 (2, 'callback', 1, 'working_days', '', '500', 'rules_cn §3.3 callback commonly ≤1 WD', 'U'),
 (3, 'reply', 9, 'working_days', 'waiting_customer', '500,750', 'rules_cn §3.3 opinion commonly 9 WD', 'U'),
 (4, 'reply', 9, 'working_days', 'waiting_customer', '500,750', 'rules_cn §3.3 suggestion commonly 9 WD', 'U'),
 (5, 'reply', 4, 'working_days', 'waiting_customer', '500,750', 'rules_cn §3.3 consultation commonly 4 WD', 'U'),
 (6, 'on_site', 60, 'minutes', '', '500,750', 'GB/T 28583-2012 urban ≤60 min', 'V'),
 (6, 'callback', 24, 'hours', '', '500', 'rules_cn §3.3 repair callback commonly ≤24 h', 'U'),
 (7, 'on_site', 120, 'minutes', '', '500,750', 'GB/T 28583-2012 rural ≤120 min', 'V'),
 (7, 'callback', 24, 'hours', '', '500', 'rules_cn §3.3 repair callback commonly ≤24 h', 'U'),
 (8, 'on_site', 240, 'minutes', '', '500,750', 'GB/T 28583-2012 remote ≤240 min', 'V'),
 (8, 'callback', 24, 'hours', '', '500', 'rules_cn §3.3 repair callback commonly ≤24 h', 'U'),
 (9, 'reply', 24, 'hours', 'waiting_customer', '500,750', 'rules_cn §3.3 restore ≤24 h', 'S'),
 (9, 'callback', 1, 'working_days', '', '500', 'rules_cn §3.3 callback commonly ≤1 WD', 'U'),
 (10, 'on_site', 24, 'hours', '', '500,750', 'rules_cn §3.3 appliance damage on site ≤24 h', 'S'),
 (10, 'callback', 1, 'working_days', '', '500', 'rules_cn §3.3 callback commonly ≤1 WD', 'U'),
 (11, 'reply', 4, 'working_days', 'waiting_customer', '500,750', 'rules_cn §3.3 meter abnormal ≤4 WD', 'S'),
 (11, 'callback', 1, 'working_days', '', '500', 'rules_cn §3.3 callback commonly ≤1 WD', 'U'),
 (12, 'reply', 6, 'working_days', 'waiting_customer', '500,750', 'rules_cn §3.3 reading anomaly ≤6 WD', 'S'),
 (12, 'callback', 1, 'working_days', '', '500', 'rules_cn §3.3 callback commonly ≤1 WD', 'U'),
 (13, 'on_site', 45, 'minutes', '', '500,750', 'rules_cn §3.3 EV charging arrival ≤45 min', 'S'),
 (14, 'reply', 5, 'working_days', 'waiting_customer', '500,750', 'rules_cn §3.3 other service requests ≤5 WD', 'S'),
 (14, 'callback', 1, 'working_days', '', '500', 'rules_cn §3.3 callback commonly ≤1 WD', 'U'),
 (15, 'reply', 10, 'working_days', 'waiting_customer', '500,750', 'rules_cn §3.3 12398 ≤10 WD', 'S'),
 (15, 'callback', 1, 'working_days', '', '500', 'rules_cn §3.3 callback commonly ≤1 WD', 'U'),
 (16, 'reply', 168, 'hours', 'waiting_customer', '500,750', 'rules_cn §3.3 12345 ≤7 days', 'S'),
 (16, 'callback', 1, 'working_days', '', '500', 'rules_cn §3.3 callback commonly ≤1 WD', 'U'),
 (17, 'first_contact', 24, 'hours', '', '500,750', 'rules_cn §1.1 第九条 contact ≤24 h', 'S'),
 (17, 'reply', 5, 'working_days', 'waiting_customer', '500,750', 'rules_cn §1.1 第九条 reply ≤5 WD', 'S'),
 (17, 'callback', 1, 'working_days', '', '500', 'rules_cn §3.3 callback commonly ≤1 WD', 'U'),
 (18, 'on_site', 45, 'minutes', '', '500,750', 'rules_cn §1.1 第三条 urban average 45 min', 'V'),
 (19, 'on_site', 90, 'minutes', '', '500,750', 'rules_cn §1.1 第三条 rural average 90 min', 'V'),
 (20, 'reply', 10, 'working_days', 'waiting_customer', '500,750', 'rules_cn §3.3 《供电监管办法》 ≤10 WD', 'S');

-- Dispatch routing rules: the most specific enabled rule that matches a claim names its department.
CREATE TABLE claim_routing_rules (
  id INTEGER PRIMARY KEY,
  claim_type TEXT,
  sub_type TEXT,
  complaint_class TEXT,
  org_unit_id INTEGER REFERENCES org_units(id),   -- region: matches claims of this subtree
  key_account INTEGER,
  department_id INTEGER NOT NULL REFERENCES org_units(id),
  priority INTEGER NOT NULL DEFAULT 0,
  enabled INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
);

CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
-- Version of the claims rules (settings, SLA policies, routing rules): every change bumps it, and
-- servers reload their cached copy when it differs.
INSERT INTO counters(name, value) VALUES ('claims_rules', 1);

CREATE TABLE claims (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  upstream_no TEXT,
  channel TEXT NOT NULL,
  claim_type TEXT NOT NULL,
  sub_type TEXT,
  complaint_class TEXT,
  status TEXT NOT NULL,
  customer_id INTEGER REFERENCES customers(id),
  account_id INTEGER REFERENCES accounts(id),
  caller_name TEXT,
  caller_phone TEXT,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  area_type TEXT NOT NULL DEFAULT 'urban',
  org_unit_id INTEGER NOT NULL REFERENCES org_units(id),
  org_path TEXT NOT NULL,
  department_id INTEGER REFERENCES org_units(id),
  department_path TEXT,
  assignee_id INTEGER REFERENCES users(id),
  manager_id INTEGER REFERENCES users(id),        -- the customer's account manager at intake
  key_account INTEGER NOT NULL DEFAULT 0,
  importance_class TEXT NOT NULL DEFAULT 'none',
  sensitive_marks TEXT NOT NULL DEFAULT '',
  policy_id INTEGER REFERENCES sla_policies(id),
  rule_set TEXT,
  parent_id INTEGER REFERENCES claims(id),        -- a chase (催办) points at the claim it chases
  repeat_of INTEGER REFERENCES claims(id),        -- main claim of a repeat group
  repeat_count INTEGER NOT NULL DEFAULT 0,
  chase_count INTEGER NOT NULL DEFAULT 0,
  escalation_level INTEGER NOT NULL DEFAULT 0,
  reopen_count INTEGER NOT NULL DEFAULT 0,
  first_contact_at INTEGER,
  arrived_at INTEGER,
  resolution TEXT,
  root_cause TEXT,
  measures TEXT,
  valid_complaint INTEGER,
  closed_at INTEGER,
  closed_by INTEGER REFERENCES users(id),
  satisfaction TEXT,
  callback_at INTEGER,
  callback_note TEXT,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  -- Kept by triggers on clocks: the nearest due of the open clocks, and whether any reminder has
  -- fired, so queues sort by urgency and boards count overdue claims from an index.
  next_due_at INTEGER,
  reminder_fired INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX claims_upstream ON claims(channel, upstream_no) WHERE upstream_no IS NOT NULL;
CREATE INDEX claims_org_status ON claims(org_path, status);
CREATE INDEX claims_department_status ON claims(department_id, status);
CREATE INDEX claims_assignee_status ON claims(assignee_id, status) WHERE assignee_id IS NOT NULL;
CREATE INDEX claims_customer ON claims(customer_id, created_at);
CREATE INDEX claims_account ON claims(account_id, created_at) WHERE account_id IS NOT NULL;
CREATE INDEX claims_created ON claims(created_at);
CREATE INDEX claims_parent ON claims(parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX claims_repeat ON claims(repeat_of) WHERE repeat_of IS NOT NULL;
CREATE INDEX claims_next_due ON claims(next_due_at) WHERE next_due_at IS NOT NULL;

-- claims.next_due_at / reminder_fired follow the claim's clocks.
CREATE TRIGGER clocks_claim_due_insert AFTER INSERT ON clocks WHEN NEW.subject = 'claim'
BEGIN
  UPDATE claims SET
    next_due_at = (SELECT MIN(k.due_at) FROM clocks k WHERE k.subject = 'claim' AND k.subject_id = NEW.subject_id
                   AND k.state IN ('running','paused')),
    reminder_fired = EXISTS (SELECT 1 FROM clocks k WHERE k.subject = 'claim' AND k.subject_id = NEW.subject_id
                             AND k.state IN ('running','paused') AND k.stage > 0)
  WHERE id = NEW.subject_id;
END;
CREATE TRIGGER clocks_claim_due_update AFTER UPDATE OF due_at, state, stage ON clocks WHEN NEW.subject = 'claim'
BEGIN
  UPDATE claims SET
    next_due_at = (SELECT MIN(k.due_at) FROM clocks k WHERE k.subject = 'claim' AND k.subject_id = NEW.subject_id
                   AND k.state IN ('running','paused')),
    reminder_fired = EXISTS (SELECT 1 FROM clocks k WHERE k.subject = 'claim' AND k.subject_id = NEW.subject_id
                             AND k.state IN ('running','paused') AND k.stage > 0)
  WHERE id = NEW.subject_id;
END;
CREATE TRIGGER clocks_claim_due_delete AFTER DELETE ON clocks WHEN OLD.subject = 'claim'
BEGIN
  UPDATE claims SET
    next_due_at = (SELECT MIN(k.due_at) FROM clocks k WHERE k.subject = 'claim' AND k.subject_id = OLD.subject_id
                   AND k.state IN ('running','paused')),
    reminder_fired = EXISTS (SELECT 1 FROM clocks k WHERE k.subject = 'claim' AND k.subject_id = OLD.subject_id
                             AND k.state IN ('running','paused') AND k.stage > 0)
  WHERE id = OLD.subject_id;
END;

CREATE TABLE claim_events (
  id INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  at INTEGER NOT NULL,
  actor_id INTEGER,
  actor_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  note TEXT,
  internal INTEGER NOT NULL DEFAULT 0,   -- internal events (escalations, reminders) never reach the customer
  data TEXT
);
CREATE INDEX claim_events_claim ON claim_events(claim_id, at);

CREATE TABLE claim_attachments (
  id INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  file_name TEXT NOT NULL,          -- as given, shown to people only; never used as a path
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data BLOB NOT NULL,
  uploaded_by INTEGER REFERENCES users(id),
  uploaded_at INTEGER NOT NULL
);
CREATE INDEX claim_attachments_claim ON claim_attachments(claim_id);

CREATE TABLE claim_escalations (
  id INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  level INTEGER NOT NULL,
  reason TEXT NOT NULL,             -- breach, repeat, chase, unsatisfied, sensitive, manual
  org_unit_id INTEGER REFERENCES org_units(id),
  at INTEGER NOT NULL,
  actor_id INTEGER
);
CREATE INDEX claim_escalations_claim ON claim_escalations(claim_id);

CREATE TABLE claim_recovery_tasks (
  id INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  kind TEXT NOT NULL CHECK (kind IN ('apology','correction','compensation','follow_up_visit')),
  owner_id INTEGER REFERENCES users(id),
  due_date TEXT,
  status TEXT NOT NULL CHECK (status IN ('open','done')),
  note TEXT,
  created_at INTEGER NOT NULL,
  done_at INTEGER
);
CREATE INDEX claim_recovery_claim ON claim_recovery_tasks(claim_id);

CREATE TABLE claim_accountability (
  id INTEGER PRIMARY KEY,
  claim_id INTEGER NOT NULL REFERENCES claims(id),
  responsible_org_id INTEGER NOT NULL REFERENCES org_units(id),
  responsible_person TEXT NOT NULL,
  finding TEXT NOT NULL,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX claim_accountability_claim ON claim_accountability(claim_id);
