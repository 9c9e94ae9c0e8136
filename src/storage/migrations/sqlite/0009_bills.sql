-- Monthly bills and payments imported from the billing system (one import, shared by the group
-- settlement and the electricity-use analysis), and per-customer yearly aggregates kept by the
-- import (by deltas, in the import's transaction) so the key-account identification reads one row
-- per customer and year.
CREATE TABLE bill_batches (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL CHECK (source IN ('csv','xlsx','api')),
  file_name TEXT,
  sha256 TEXT NOT NULL,
  rows_total INTEGER NOT NULL,
  inserted INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  unchanged INTEGER NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);

CREATE TABLE bills (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  period TEXT NOT NULL,                  -- YYYY-MM
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  kwh_sharp REAL NOT NULL DEFAULT 0,     -- kWh by time-of-use period (峰平谷, sharp = 尖峰)
  kwh_peak REAL NOT NULL DEFAULT 0,
  kwh_flat REAL NOT NULL DEFAULT 0,
  kwh_valley REAL NOT NULL DEFAULT 0,
  kwh_total REAL NOT NULL,
  kvarh REAL,
  max_demand_kw REAL,
  amount_fen INTEGER NOT NULL,           -- billed, in fen
  paid_fen INTEGER NOT NULL,
  arrears_fen INTEGER NOT NULL,
  batch_id INTEGER NOT NULL REFERENCES bill_batches(id),
  -- The customer's group (集团) when the bill was imported or last changed: the reconciliation finds
  -- bills of customers that have left a group since.
  group_id INTEGER REFERENCES customers(id),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, period)
);
CREATE INDEX bills_customer ON bills(customer_id, period);
CREATE INDEX bills_period ON bills(period);
CREATE INDEX bills_group ON bills(group_id, period) WHERE group_id IS NOT NULL;

CREATE TABLE customer_year_usage (
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  year INTEGER NOT NULL,
  kwh REAL NOT NULL,
  amount_fen INTEGER NOT NULL,
  paid_fen INTEGER NOT NULL,
  arrears_fen INTEGER NOT NULL,
  months INTEGER NOT NULL,               -- account-months billed
  PRIMARY KEY (customer_id, year)
);
-- The identification reads one year of every customer in customer order from this index alone.
CREATE INDEX customer_year_usage_year ON customer_year_usage(year, customer_id, kwh, amount_fen, paid_fen);
