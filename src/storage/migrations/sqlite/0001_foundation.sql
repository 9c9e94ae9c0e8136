-- Foundation: org tree, users, sessions, API keys, audit log, customer archive, topology, search.
CREATE TABLE org_units (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES org_units(id),
  kind TEXT NOT NULL CHECK (kind IN ('company','city','county','station','department')),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  path TEXT NOT NULL,            -- materialised path '/1/4/9/' for subtree scope checks
  created_at INTEGER NOT NULL
);
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX org_units_path ON org_units(path);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  org_unit_id INTEGER NOT NULL REFERENCES org_units(id),
  department_id INTEGER REFERENCES org_units(id),
  mobile TEXT,
  all_customers_in_scope INTEGER NOT NULL DEFAULT 0, -- account managers: see every customer of the subtree
  active INTEGER NOT NULL DEFAULT 1,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ip TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL UNIQUE,
  key_hash TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),  -- the key acts with this user's role and scope
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  user_id INTEGER,
  username TEXT NOT NULL,
  ip TEXT,
  request_id TEXT,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT,
  org_path TEXT,
  before_json TEXT,
  after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE login_attempts (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL,
  ip TEXT,
  at INTEGER NOT NULL,
  success INTEGER NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts(username, at);

-- Supply topology (the full model with sections and switches comes with the outages issue).
CREATE TABLE substations (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  voltage_kv INTEGER NOT NULL,
  org_unit_id INTEGER NOT NULL REFERENCES org_units(id)
);
CREATE TABLE lines (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  substation_id INTEGER NOT NULL REFERENCES substations(id),
  voltage_kv REAL NOT NULL
);
CREATE TABLE transformer_areas (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  line_id INTEGER NOT NULL REFERENCES lines(id),
  capacity_kva INTEGER
);

CREATE TABLE industries (
  code TEXT PRIMARY KEY,     -- GB/T 4754-2017 section letter or two-digit division
  name TEXT NOT NULL,
  section TEXT NOT NULL
);

CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  credit_code TEXT UNIQUE,
  industry_code TEXT REFERENCES industries(code),
  org_unit_id INTEGER NOT NULL REFERENCES org_units(id),
  org_path TEXT NOT NULL,
  address TEXT,
  importance_class TEXT NOT NULL DEFAULT 'none',
  outage_sensitivity TEXT NOT NULL DEFAULT 'normal',
  credit_grade TEXT,
  tags TEXT NOT NULL DEFAULT '',        -- comma-separated
  group_id INTEGER REFERENCES customers(id),
  is_group INTEGER NOT NULL DEFAULT 0,
  is_key_account INTEGER NOT NULL DEFAULT 0,
  manager_id INTEGER REFERENCES users(id),
  backup_manager_id INTEGER REFERENCES users(id),
  annual_kwh REAL NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active',
  merged_into INTEGER REFERENCES customers(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX customers_org_path ON customers(org_path);
CREATE INDEX customers_manager ON customers(manager_id);
CREATE INDEX customers_backup_manager ON customers(backup_manager_id);
CREATE INDEX customers_group ON customers(group_id);
CREATE INDEX customers_key ON customers(is_key_account, org_path);

CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  account_no TEXT NOT NULL UNIQUE,
  name TEXT,
  voltage_level TEXT NOT NULL,
  contract_capacity_kva INTEGER NOT NULL DEFAULT 0,
  tariff_category TEXT NOT NULL,
  basic_charge_mode TEXT NOT NULL DEFAULT 'none',
  supply_sources INTEGER NOT NULL DEFAULT 1,
  emergency_power INTEGER NOT NULL DEFAULT 0,
  line_id INTEGER REFERENCES lines(id),
  transformer_area_id INTEGER REFERENCES transformer_areas(id),
  address TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX accounts_customer ON accounts(customer_id);
CREATE INDEX accounts_line ON accounts(line_id);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  mobile TEXT,
  email TEXT,
  notice_types TEXT NOT NULL DEFAULT '',  -- comma-separated: outage,limitation,claim,bill,report
  active INTEGER NOT NULL DEFAULT 1,
  confirmed_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX contacts_customer ON contacts(customer_id);
CREATE INDEX contacts_mobile ON contacts(mobile);

-- The customer 360 timeline: every module adds its events here.
CREATE TABLE timeline_events (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers(id),
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,          -- record_change, call, visit, message, ... (modules add theirs)
  source TEXT NOT NULL,        -- module that wrote it: archive, interactions, claims, ...
  actor_id INTEGER,
  actor_name TEXT,
  title TEXT NOT NULL,
  body TEXT,
  ref_entity TEXT,
  ref_id TEXT,
  follow_up_due TEXT,          -- YYYY-MM-DD when a follow-up is required
  follow_up_closed_at INTEGER
);
CREATE INDEX timeline_customer ON timeline_events(customer_id, at);
CREATE INDEX timeline_open_follow_up ON timeline_events(customer_id) WHERE follow_up_due IS NOT NULL AND follow_up_closed_at IS NULL;

-- Search: one document per customer with name, pinyin, initials, traditional forms, numbers.
-- rowid = customers.id; doc is built by text::build_search_document (see src/text).
CREATE VIRTUAL TABLE customer_search USING fts5(doc, tokenize = 'unicode61 remove_diacritics 0');

CREATE TABLE import_jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  format TEXT NOT NULL,
  file_name TEXT,
  mode TEXT NOT NULL,
  status TEXT NOT NULL,           -- queued, validating, importing, succeeded, failed, cancelled
  total_rows INTEGER NOT NULL DEFAULT 0,
  processed_rows INTEGER NOT NULL DEFAULT 0,
  inserted INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  errors_json TEXT,
  message TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
