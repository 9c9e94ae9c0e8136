-- Manual additions to and removals from the key-account list: a reason, then an approver.
CREATE TABLE key_account_requests (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  org_path TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('add','remove')),
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','approved','rejected')),
  requested_by INTEGER NOT NULL REFERENCES users(id),
  requested_at INTEGER NOT NULL,
  decided_by INTEGER REFERENCES users(id),
  decided_at INTEGER,
  decision_note TEXT
);
CREATE INDEX key_account_requests_status ON key_account_requests(status, requested_at);
CREATE INDEX key_account_requests_customer ON key_account_requests(customer_id);
