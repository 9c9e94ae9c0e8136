-- Search ranks exact names first (index below) and key accounts next (a marker token in their
-- search documents). Search documents are rebuilt by the server when their format version,
-- kept in app_state, differs from the one the binary writes (customers::ensure_search_index).
CREATE INDEX customers_name ON customers(name);
CREATE TABLE app_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
