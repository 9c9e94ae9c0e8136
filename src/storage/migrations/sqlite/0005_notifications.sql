-- Notification outbox: rows written in the same transaction as the business change, delivered by
-- a worker (src/notify). Users get an optional e-mail address for the e-mail channel.
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the id is the receivers' idempotency key
  user_id INTEGER REFERENCES users(id),     -- staff recipient; NULL for an outside address
  address TEXT,                             -- mobile (sms) or e-mail address the row goes to
  channel TEXT NOT NULL CHECK (channel IN ('in_app','email','sms')),
  kind TEXT NOT NULL,                       -- claim_reminder, claim_breach … ([a-z_])
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  template_code TEXT,                       -- SMS gateway template id
  params_json TEXT NOT NULL DEFAULT '{}',   -- template parameters as a JSON object
  ref_entity TEXT,
  ref_id TEXT,
  urgent INTEGER NOT NULL DEFAULT 0,        -- ignores quiet hours
  status TEXT NOT NULL CHECK (status IN ('pending','sent','failed','dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,         -- epoch ms; pending/failed rows are due from then on
  lease_until INTEGER,                      -- a worker holds the row until then
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  read_at INTEGER,                          -- in-app: when the recipient read it
  dedupe_key TEXT NOT NULL UNIQUE,          -- notice key + ':' + channel: enqueue twice = one row
  CHECK (user_id IS NOT NULL OR address IS NOT NULL)
);
-- The worker's query: due rows waiting for an attempt (sent and dead rows are not in the index).
CREATE INDEX notifications_due ON notifications(next_attempt_at) WHERE status IN ('pending','failed');
-- The inbox, newest first, and its unread badge.
CREATE INDEX notifications_inbox ON notifications(user_id, channel, created_at);
CREATE INDEX notifications_unread ON notifications(user_id) WHERE channel = 'in_app' AND read_at IS NULL;
CREATE INDEX notifications_ref ON notifications(ref_entity, ref_id);

CREATE TABLE notification_preferences (
  user_id INTEGER NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,
  channels TEXT NOT NULL,                   -- comma list: 'in_app,sms'
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, kind)
);

CREATE TABLE notification_templates (
  kind TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('in_app','email','sms')),
  template_code TEXT,                       -- the SMS gateway's registered template id
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,                       -- with {holes}
  PRIMARY KEY (kind, channel)
);

-- Staff quiet hours: minutes after local midnight, Asia/Shanghai (22:00–08:00 spans midnight).
CREATE TABLE notification_quiet_hours (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1439),
  enabled INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL DEFAULT 0
);
INSERT INTO notification_quiet_hours(id, start_minute, end_minute, enabled, updated_at) VALUES (1, 1320, 480, 1, 0);

INSERT INTO notification_templates(kind, channel, template_code, subject, body) VALUES
('claim_reminder', 'in_app', NULL, '工单{claim_no}{clock}时限即将到期',
 '工单{claim_no}「{title}」（{customer}）{clock}时限将于{due}到期，已用{share}，请及时处理。'),
('claim_reminder', 'sms', 'LX_CLAIM_REMINDER', '',
 '【连心】工单{claim_no}「{title}」{clock}时限将于{due}到期，已用{share}，请及时处理。'),
('claim_reminder', 'email', NULL, '【连心】工单{claim_no}{clock}时限即将到期',
 '您好：

工单{claim_no}「{title}」（{customer}）{clock}时限将于{due}到期，已用{share}，请及时处理。

查看工单：{url}

——连心客户服务系统（自动发送，请勿回复）'),
('claim_breach', 'in_app', NULL, '工单{claim_no}{clock}已超期',
 '工单{claim_no}「{title}」（{customer}）{clock}时限已于{due}到期，现已超期，请立即处理。'),
('claim_breach', 'sms', 'LX_CLAIM_BREACH', '',
 '【连心】工单{claim_no}「{title}」{clock}时限已于{due}超期，请立即处理。'),
('claim_breach', 'email', NULL, '【连心】工单{claim_no}{clock}已超期',
 '您好：

工单{claim_no}「{title}」（{customer}）{clock}时限已于{due}到期，现已超期，请立即处理。

查看工单：{url}

——连心客户服务系统（自动发送，请勿回复）'),
('claim_escalated', 'in_app', NULL, '工单{claim_no}已升级至第{level}级',
 '工单{claim_no}「{title}」（{customer}）已升级至第{level}级，原因：{reason}。请尽快处理。'),
('claim_escalated', 'sms', 'LX_CLAIM_ESCALATED', '',
 '【连心】工单{claim_no}「{title}」已升级至第{level}级，原因：{reason}。请尽快处理。'),
('claim_escalated', 'email', NULL, '【连心】工单{claim_no}已升级至第{level}级',
 '您好：

工单{claim_no}「{title}」（{customer}）已升级至第{level}级，原因：{reason}。请尽快处理。

查看工单：{url}

——连心客户服务系统（自动发送，请勿回复）'),
('claim_dispatched', 'in_app', NULL, '新工单{claim_no}已派发给您',
 '工单{claim_no}「{title}」（{customer}）已派发给您，{clock}时限至{due}。'),
('claim_dispatched', 'sms', 'LX_CLAIM_DISPATCHED', '',
 '【连心】工单{claim_no}「{title}」已派发给您，{clock}时限至{due}，请及时处理。'),
('claim_dispatched', 'email', NULL, '【连心】新工单{claim_no}已派发给您',
 '您好：

工单{claim_no}「{title}」（{customer}）已派发给您，{clock}时限至{due}。

查看工单：{url}

——连心客户服务系统（自动发送，请勿回复）'),
('claim_chased', 'in_app', NULL, '工单{claim_no}被催办',
 '工单{claim_no}「{title}」（{customer}）被催办：{reason}。{clock}时限至{due}，请尽快处理。'),
('claim_chased', 'sms', 'LX_CLAIM_CHASED', '',
 '【连心】工单{claim_no}「{title}」被催办：{reason}。{clock}时限至{due}，请尽快处理。'),
('claim_chased', 'email', NULL, '【连心】工单{claim_no}被催办',
 '您好：

工单{claim_no}「{title}」（{customer}）被催办：{reason}。{clock}时限至{due}，请尽快处理。

查看工单：{url}

——连心客户服务系统（自动发送，请勿回复）'),
('claim_returned', 'in_app', NULL, '工单{claim_no}被退回',
 '工单{claim_no}「{title}」（{customer}）被退回，原因：{reason}。请重新处理。'),
('claim_returned', 'sms', 'LX_CLAIM_RETURNED', '',
 '【连心】工单{claim_no}「{title}」被退回，原因：{reason}。请重新处理。'),
('claim_returned', 'email', NULL, '【连心】工单{claim_no}被退回',
 '您好：

工单{claim_no}「{title}」（{customer}）被退回，原因：{reason}。请重新处理。

查看工单：{url}

——连心客户服务系统（自动发送，请勿回复）');
