-- Business expansion (业扩报装): applications, their stages in order with the responsible
-- department and person, the working-day limit of the chosen rule-set, the supplier's days used
-- (customer-held time excluded), and the customer-caused pauses with their reasons.
CREATE TABLE expansion_applications (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  org_unit_id INTEGER NOT NULL REFERENCES org_units(id),
  org_path TEXT NOT NULL,
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  capacity_kva INTEGER NOT NULL DEFAULT 0,
  rule_set TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open','completed','cancelled')),
  current_stage TEXT,
  holder TEXT NOT NULL CHECK (holder IN ('supplier','customer','none')),  -- who holds the file now
  lead_id INTEGER REFERENCES users(id),                                   -- the account manager as project lead
  on_time INTEGER,
  supplier_days REAL NOT NULL DEFAULT 0,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  accepted_at INTEGER NOT NULL,
  completed_at INTEGER,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX expansion_applications_org ON expansion_applications(org_path, status);
CREATE INDEX expansion_applications_lead ON expansion_applications(lead_id, status);
CREATE INDEX expansion_applications_customer ON expansion_applications(customer_id);

CREATE TABLE expansion_stages (
  id INTEGER PRIMARY KEY,
  application_id INTEGER NOT NULL REFERENCES expansion_applications(id),
  seq INTEGER NOT NULL,
  stage TEXT NOT NULL,
  start_event TEXT NOT NULL CHECK (start_event IN ('previous_done','customer_request')),
  status TEXT NOT NULL CHECK (status IN ('pending','waiting','running','done')),
  department_id INTEGER REFERENCES org_units(id),
  assignee_id INTEGER REFERENCES users(id),
  limit_days INTEGER,
  started_at INTEGER,
  finished_at INTEGER,
  supplier_days REAL,
  late INTEGER,
  note TEXT,
  UNIQUE (application_id, stage)
);
CREATE INDEX expansion_stages_status ON expansion_stages(status, stage);

CREATE TABLE expansion_pauses (
  id INTEGER PRIMARY KEY,
  application_id INTEGER NOT NULL REFERENCES expansion_applications(id),
  stage_id INTEGER NOT NULL REFERENCES expansion_stages(id),
  reason TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  created_by INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX expansion_pauses_application ON expansion_pauses(application_id);

INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('expansion.rule_set', 'sgcc_assessment', 'text', 'expansion', 'the limits applications are judged by unless chosen per application: sgcc_commitment (rules_cn §1.1 第六条, V), sgcc_assessment (§4.3(b), S), regulator_2009 (§4.3(a), S)', 'P', 0);

INSERT INTO notification_templates(kind, channel, template_code, subject, body) VALUES
('expansion_reminder', 'in_app', NULL, '业扩申请{number}{stage}环节时限将到',
 '业扩申请{number}（{customer}）{stage}环节将于{due}到期，已用{share}，请及时办理。'),
('expansion_breach', 'in_app', NULL, '业扩申请{number}{stage}环节已超时',
 '业扩申请{number}（{customer}）{stage}环节已于{due}超时，请立即处理并说明原因。'),
('expansion_breach', 'sms', 'LX_EXPANSION_BREACH', '',
 '【连心】业扩申请{number}（{customer}）{stage}环节已超时，请立即处理。');
