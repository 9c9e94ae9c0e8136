-- Outages part 3: control of repeated outages and coordination of works, guaranteed-supply
-- periods (保供电), delays and cancellations told to the customers, follow-up of missing
-- confirmations, and the photo of an on-site posting.

-- A planned outage over a blocker (the yearly limit of planned interruptions of an account, a
-- guaranteed-supply period) is approved only with a leader's recorded reason.
ALTER TABLE outages ADD COLUMN override_reason TEXT;
ALTER TABLE outages ADD COLUMN override_by INTEGER REFERENCES users(id);
ALTER TABLE outages ADD COLUMN cancel_reason TEXT;
CREATE INDEX outage_affected_account ON outage_affected(account_id);

-- Guaranteed-supply periods: for one customer (its production, an inspection) or an event over an
-- org subtree (an exam, a summit): no planned outage there then, unless a leader overrides.
CREATE TABLE supply_guarantees (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('customer','event')),
  customer_id INTEGER REFERENCES customers(id),
  org_unit_id INTEGER NOT NULL REFERENCES org_units(id),
  org_path TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX supply_guarantees_time ON supply_guarantees(starts_at, ends_at);

-- Each delay of a restoration: the new expected end, why, and how many customers were told.
CREATE TABLE outage_delays (
  id INTEGER PRIMARY KEY,
  outage_id INTEGER NOT NULL REFERENCES outages(id),
  previous_end INTEGER NOT NULL,
  expected_end INTEGER NOT NULL,
  reason TEXT NOT NULL,
  customers_told INTEGER NOT NULL DEFAULT 0,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX outage_delays_outage ON outage_delays(outage_id);

-- What a notice is about: the outage, a delay of the restoration, or its cancellation.
ALTER TABLE outage_notices ADD COLUMN purpose TEXT NOT NULL DEFAULT 'notice' CHECK (purpose IN ('notice','delay','cancel'));

-- A key account that has not confirmed by the set time before the start: a task for its account
-- manager (stage 1), then the manager's leaders (stage 2). Kept in the database so the follow-up
-- survives restarts and runs once across several servers.
CREATE TABLE outage_ack_followups (
  outage_id INTEGER NOT NULL REFERENCES outages(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  stage INTEGER NOT NULL,
  tasked_at INTEGER NOT NULL,
  escalated_at INTEGER,
  PRIMARY KEY (outage_id, customer_id)
);

CREATE TABLE outage_posting_photos (
  notice_id INTEGER PRIMARY KEY REFERENCES outage_notices(id),
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data BLOB NOT NULL,
  uploaded_by INTEGER NOT NULL REFERENCES users(id),
  uploaded_at INTEGER NOT NULL
);

INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('outages.coordination_window_days', '60', 'int', 'outages', 'works of other departments on the same accounts within this many days are flagged with a proposal to merge them: issue 5 default, our policy', 'P', 0),
 ('outages.yearly_planned_limit', '3', 'int', 'outages', 'planned and temporary interruptions of one account per calendar year before approval needs a leader''s override; no regulated figure found (anchors.md: repeated-outage budget), 3 is our choice', 'U', 0),
 ('outages.ack_escalate_hours', '24', 'int', 'outages', 'a key account still unconfirmed this many hours before the start is escalated to the account manager''s leaders: our policy', 'P', 0),
 ('outages.notice_on_working_days', 'true', 'bool', 'outages', 'the latest time for a notice that falls on a weekend or holiday moves back to the end of the working day before (working-day calendar), so the notice is sent by staff at work: our policy', 'P', 0);

INSERT INTO notification_templates(kind, channel, template_code, subject, body) VALUES
('outage_delay', 'sms', 'LX_OUTAGE_DELAY', '', '【连心】{text}'),
('outage_cancel', 'sms', 'LX_OUTAGE_CANCEL', '', '【连心】{text}'),
('outage_ack_task', 'in_app', NULL, '停电告知未确认：{customer}',
 '停电{number}将于{start}开始，{customer}尚未确认收到停电通知。请电话联系客户并在系统中登记确认。'),
('outage_ack_escalation', 'in_app', NULL, '停电告知未确认（升级）：{customer}',
 '停电{number}将于{start}开始，{customer}（客户经理：{manager}）仍未确认收到停电通知，请督办。'),
('outage_delay_task', 'in_app', NULL, '停电延时：{customer}',
 '停电{number}预计延至{end}恢复送电（原预计{previous}），原因：{reason}。已短信告知客户联系人，请电话向客户说明并关注其生产安全。'),
('outage_cancel_task', 'in_app', NULL, '停电取消：{customer}',
 '停电{number}（{start}至{end}）已取消，原因：{reason}。已短信告知客户联系人；若已张贴停电公告，请到现场撤除。');
