-- Most customers have no account manager, no backup, no group and are not key accounts: index only
-- the rows that have one (partial indexes). Every insert of an ordinary customer then maintains two
-- secondary indexes (org path, name) instead of six, which bulk imports feel most. Queries name the
-- value (manager_id = ?, is_key_account = 1), which implies the index's condition.
DROP INDEX customers_manager;
DROP INDEX customers_backup_manager;
DROP INDEX customers_group;
DROP INDEX customers_key;
CREATE INDEX customers_manager ON customers(manager_id) WHERE manager_id IS NOT NULL;
CREATE INDEX customers_backup_manager ON customers(backup_manager_id) WHERE backup_manager_id IS NOT NULL;
CREATE INDEX customers_group ON customers(group_id) WHERE group_id IS NOT NULL;
CREATE INDEX customers_key ON customers(org_path) WHERE is_key_account = 1;
