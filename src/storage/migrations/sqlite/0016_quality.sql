-- Archive data quality (客户档案数据质量): rules switched on or off per company, the findings of
-- every rule with first- and last-seen dates (closed by themselves when fixed, or dismissed as not
-- a defect with a reason and an approver), weekly score snapshots for the trends, and the runs.
CREATE TABLE quality_rule_settings (
  code TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL DEFAULT 1,
  updated_by INTEGER REFERENCES users(id),
  updated_at INTEGER NOT NULL
);

CREATE TABLE quality_findings (
  id INTEGER PRIMARY KEY,
  rule TEXT NOT NULL,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  account_id INTEGER NOT NULL DEFAULT 0,       -- 0: the customer itself
  contact_id INTEGER NOT NULL DEFAULT 0,
  field TEXT NOT NULL,
  detail TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('high','medium','low')),
  weight INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','dismiss_requested','dismissed','closed')),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  closed_at INTEGER,
  dismiss_reason TEXT,
  dismiss_requested_by INTEGER REFERENCES users(id),
  dismissed_by INTEGER REFERENCES users(id),
  dismissed_at INTEGER
);
-- One live finding per rule and record; closed ones are history.
CREATE UNIQUE INDEX quality_findings_live ON quality_findings(rule, customer_id, account_id, contact_id) WHERE status <> 'closed';
CREATE INDEX quality_findings_customer ON quality_findings(customer_id, status);
CREATE INDEX quality_findings_status ON quality_findings(status, rule);

CREATE TABLE quality_scores (
  week TEXT NOT NULL,                 -- the Monday of the week, YYYY-MM-DD (Asia/Shanghai)
  scope TEXT NOT NULL CHECK (scope IN ('company','bureau','manager','rule')),
  ref TEXT NOT NULL,                  -- org unit id, user id or rule code ('' for the company)
  customers INTEGER NOT NULL,
  score REAL NOT NULL,                -- average customer score; for a rule: its open findings
  open_findings INTEGER NOT NULL,
  PRIMARY KEY (week, scope, ref)
);

CREATE TABLE quality_runs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('full','customers')),
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  customers INTEGER NOT NULL,
  opened INTEGER NOT NULL,
  closed INTEGER NOT NULL,
  open_total INTEGER NOT NULL
);

-- The nightly pass claims its day first, so one server runs it.
CREATE TABLE quality_pass_days (
  day TEXT PRIMARY KEY,
  claimed_at INTEGER NOT NULL
);

INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('quality.contact_confirm_days', '365', 'int', 'quality', 'a key account''s contacts are stale when none was confirmed within this many days: issue 8 (12 months)', 'P', 0),
 ('quality.full_pass_hour', '2', 'int', 'quality', 'the nightly full pass starts after this hour (Asia/Shanghai): our policy', 'P', 0);

INSERT INTO notification_templates(kind, channel, template_code, subject, body) VALUES
('quality_digest', 'in_app', NULL, '档案数据质量周报：待整改 {open} 项',
 '{scope}档案数据质量得分 {score}（上周 {previous}）。待整改问题 {open} 项，其中高风险 {high} 项。请在“数据质量 - 我的待整改”中处理。');
