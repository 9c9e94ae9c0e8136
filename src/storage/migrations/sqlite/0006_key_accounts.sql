-- Key-account identification: yearly (or on demand) runs of the rules, the proposal reviewed item
-- by item, and the history of who was a key account when and why.
CREATE TABLE key_account_runs (
  id INTEGER PRIMARY KEY,
  org_unit_id INTEGER NOT NULL REFERENCES org_units(id),   -- the part of the tree the run covers
  org_path TEXT NOT NULL,
  year INTEGER NOT NULL,
  rules_json TEXT NOT NULL,                                 -- the rules as applied, for the record
  status TEXT NOT NULL CHECK (status IN ('review','applied','discarded')),
  candidates INTEGER NOT NULL,
  added INTEGER NOT NULL,
  removed INTEGER NOT NULL,
  kept INTEGER NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  applied_by INTEGER REFERENCES users(id),
  applied_at INTEGER
);
CREATE INDEX key_account_runs_org ON key_account_runs(org_path, created_at);

CREATE TABLE key_account_proposals (
  run_id INTEGER NOT NULL REFERENCES key_account_runs(id),
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  change TEXT NOT NULL CHECK (change IN ('add','remove','keep')),
  reasons TEXT NOT NULL,                -- top_consumption,important_class,listed_kind,value_score
  rank_in_bureau INTEGER NOT NULL,
  score REAL NOT NULL,
  listed_kind TEXT,
  decision TEXT NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending','accepted','rejected')),
  decision_reason TEXT,
  decided_by INTEGER REFERENCES users(id),
  decided_at INTEGER,
  PRIMARY KEY (run_id, customer_id)
);

CREATE TABLE key_account_history (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  action TEXT NOT NULL CHECK (action IN ('added','removed')),
  reason TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('identification','manual')),
  run_id INTEGER REFERENCES key_account_runs(id),
  decided_by INTEGER REFERENCES users(id),
  approved_by INTEGER REFERENCES users(id),
  at INTEGER NOT NULL
);
CREATE INDEX key_account_history_customer ON key_account_history(customer_id, at);

INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('keyaccounts.top_n', '20', 'int', 'keyaccounts', 'domain capability 2 / seed 001: the top 20 customers of a bureau by annual consumption', 'S', 0),
 ('keyaccounts.score_top_n', '20', 'int', 'keyaccounts', 'the best N of a bureau by value score are proposed (with at least the threshold): our policy choice', 'P', 0),
 ('keyaccounts.score_threshold', '60', 'int', 'keyaccounts', 'value score (0-100) a customer needs to be proposed by score: our policy choice', 'P', 0),
 ('keyaccounts.listed_min_kva', '315', 'int', 'keyaccounts', 'listed kinds (government, hospitals, emergency command) are proposed from this contract capacity: the two-part tariff size of rules_cn §4.4, our choice', 'P', 0),
 ('keyaccounts.weights', '40,20,20,20', 'list', 'keyaccounts', 'value score weights in percent: consumption, growth, payment credit, contract capacity — our policy choice', 'P', 0);
