-- Electricity-use analysis (用电分析), part 2: advice (用电策划) with its yearly saving, accepted into
-- the "五个一" usage plan (its realised saving is computed from the later bills when read); anomalies and theft
-- suspicion as review tasks of the account manager, confirmed theft with its back-billing; the
-- per-customer analysis reports and their batch runs.

CREATE TABLE usage_advice (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL CHECK (kind IN ('basic_charge','tou_shift','pf_correction','capacity_reduction','suspension')),
  title TEXT NOT NULL,
  detail TEXT NOT NULL,
  assumptions TEXT NOT NULL,       -- JSON array of text
  data TEXT NOT NULL,              -- JSON: the figures of the kind and the account's options it was computed against
  saving_fen INTEGER NOT NULL,     -- a year
  saving_kwh REAL NOT NULL DEFAULT 0,
  basis_from TEXT NOT NULL,        -- YYYY-MM: the months it is computed from
  basis_to TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('proposed','accepted','rejected','superseded')),
  plan_id INTEGER REFERENCES usage_plans(id),
  effective_from TEXT,             -- YYYY-MM: the first month its saving is tracked
  decided_by INTEGER REFERENCES users(id),
  decided_at INTEGER,
  decision_note TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX usage_advice_account ON usage_advice(account_id, status);
CREATE INDEX usage_advice_customer ON usage_advice(customer_id, status);

CREATE TABLE usage_anomalies (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  org_path TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('sudden_drop','zero_reading','flat_curve','pf_anomaly','reverse_energy')),
  period TEXT NOT NULL,
  evidence TEXT NOT NULL,
  expected_kwh REAL NOT NULL DEFAULT 0,
  actual_kwh REAL NOT NULL DEFAULT 0,
  severity INTEGER NOT NULL,
  owner_id INTEGER REFERENCES users(id),       -- the account manager who reviews it
  due_date TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','normal','theft_suspected','theft_confirmed','theft_rejected')),
  review_note TEXT,
  reviewed_by INTEGER REFERENCES users(id),
  reviewed_at INTEGER,
  back_kwh REAL,                               -- confirmed theft: the energy billed back
  back_billing_fen INTEGER,                    -- 追补电费
  penalty_fen INTEGER,                         -- 违约使用电费, as the inspection decided
  confirm_note TEXT,
  confirmed_by INTEGER REFERENCES users(id),
  confirmed_at INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, kind, period)
);
CREATE INDEX usage_anomalies_owner ON usage_anomalies(owner_id, status);
CREATE INDEX usage_anomalies_status ON usage_anomalies(status, org_path);

CREATE TABLE report_batches (
  id INTEGER PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('queued','running','done','failed')),
  scope_path TEXT NOT NULL,
  period_to TEXT NOT NULL,         -- YYYY-MM: the last month the reports cover
  total INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  claimed_by TEXT,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
);

CREATE TABLE analysis_reports (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER REFERENCES report_batches(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  period_to TEXT NOT NULL,
  pdf BLOB NOT NULL,
  xlsx BLOB NOT NULL,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX analysis_reports_customer ON analysis_reports(customer_id, created_at);
CREATE INDEX analysis_reports_batch ON analysis_reports(batch_id);

INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('tariff.anomaly_drop_pct', '50', 'int', 'tariff', 'a month below this share of the account''s usual energy is a sudden drop: our assumption', 'P', 0),
 ('tariff.anomaly_review_days', '10', 'int', 'tariff', 'the account manager reviews an anomaly within this many days: our policy', 'P', 0);

INSERT INTO notification_templates(kind, channel, template_code, subject, body) VALUES
('usage_anomaly', 'in_app', NULL, '用电异常待核查：{customer}',
 '{customer}（户号 {account_no}）{period} {kind}：{evidence}。请在 {due} 前现场核查并在“用电分析 - 异常核查”中填写结果。');
