-- Outage notices (停电告知), part 2 of outages: the notice plan of every affected customer — an SMS
-- to each contact who takes outage (or limitation) notices, and for important, high-reliability
-- and high-rise customers and every key account also a phone call and an on-site posting — when
-- each is due, whether it went out, and the customer's acknowledgement (a link in the SMS, a call
-- logged by the account manager, or the UI) or the posting's time and place.
CREATE TABLE outage_notices (
  id INTEGER PRIMARY KEY,
  outage_id INTEGER NOT NULL REFERENCES outages(id),
  round INTEGER NOT NULL DEFAULT 1,            -- 1 = the notice; 2, 3 … = delay notices
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  contact_id INTEGER REFERENCES contacts(id),
  channel TEXT NOT NULL CHECK (channel IN ('sms','call','posting')),
  address TEXT,                                -- the mobile number of an SMS
  status TEXT NOT NULL CHECK (status IN ('planned','sent','acknowledged','posted','cancelled')),
  due_at INTEGER NOT NULL,                     -- latest time to send for the lead time (or now when later)
  lead_short INTEGER NOT NULL DEFAULT 0,       -- it cannot reach the customer in time
  text TEXT NOT NULL,
  sent_at INTEGER,
  ack_token TEXT UNIQUE,
  acknowledged_at INTEGER,
  ack_via TEXT CHECK (ack_via IN ('link','call','ui')),
  ack_by INTEGER REFERENCES users(id),
  posted_at INTEGER,
  posted_place TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX outage_notices_outage ON outage_notices(outage_id, status);
CREATE INDEX outage_notices_customer ON outage_notices(customer_id);

INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('outages.ack_before_hours', '48', 'int', 'outages', 'a key account that has not confirmed its notice this many hours before the start becomes a task for its account manager: issue 5 default, our policy', 'P', 0),
 ('outages.high_rise_tag', '高层建筑', 'text', 'outages', 'customers tagged so get a phone call and an on-site posting like important customers: our policy', 'P', 0);

INSERT INTO notification_templates(kind, channel, template_code, subject, body) VALUES
('outage_notice', 'sms', 'LX_OUTAGE_NOTICE', '',
 '【连心】{text}收到请点击确认：{url}'),
('outage_call_task', 'in_app', NULL, '停电告知：请电话通知并张贴公告（{customer}）',
 '停电{number}：{customer}将于{start}至{end}停电（{work}）。请电话告知客户并到现场张贴停电公告，在系统中登记确认。');
