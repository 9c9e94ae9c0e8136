-- Search documents written after the rows: a large customer import commits its customers and
-- queues their ids here in ranges; the import job, `lianxin import` and the scheduler's
-- search_backlog task then build the documents in batches (customers::index_search_backlog).
CREATE TABLE search_backlog (
  id INTEGER PRIMARY KEY,
  first_id INTEGER NOT NULL,   -- customer ids first_id..last_id
  last_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
