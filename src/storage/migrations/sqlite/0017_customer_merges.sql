-- Merges of duplicate customers, kept so that a merge can be undone within a period: which rows of
-- every table that refers to customers were moved from the duplicate to the kept record, and what
-- else changed (credit code, group membership), as JSON.
CREATE TABLE customer_merges (
  id INTEGER PRIMARY KEY,
  keep_id INTEGER NOT NULL REFERENCES customers(id),
  duplicate_id INTEGER NOT NULL REFERENCES customers(id),
  reason TEXT NOT NULL,
  moved_json TEXT NOT NULL,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  undone_by INTEGER REFERENCES users(id),
  undone_at INTEGER,
  undo_reason TEXT
);
CREATE INDEX customer_merges_keep ON customer_merges(keep_id);
CREATE INDEX customer_merges_duplicate ON customer_merges(duplicate_id);

INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('customers.merge_undo_days', '30', 'int', 'customers', 'a merge of duplicate customers can be undone for this many days: issue 8 ("reversible within a period"), our policy', 'P', 0);

-- Data quality: each active customer's name key (simplified, without punctuation and remarks) in
-- its bureau, so that one edited customer is compared with the rest of its bureau by index.
CREATE TABLE quality_name_keys (
  customer_id INTEGER PRIMARY KEY REFERENCES customers(id),
  bureau_id INTEGER NOT NULL,
  name_key TEXT NOT NULL
);
CREATE INDEX quality_name_keys_key ON quality_name_keys(bureau_id, name_key);
