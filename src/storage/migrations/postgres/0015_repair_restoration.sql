-- Fault repair (故障报修): when supply was restored, the intake time kept on the claim, and the
-- public commitment's averages (rules_cn §1.1 第三条) as settings. The commitment is about period
-- AVERAGES (到达现场平均时间 / 到达现场后恢复供电平均时间); the per-order on-site clock of the SLA
-- policies stays the per-order alarm.

-- The time supply was restored (the restore step; on or after arrived_at).
ALTER TABLE claims ADD COLUMN restored_at BIGINT;
-- The intake time the clocks start from: the upstream (95598) receipt time given at intake, else the
-- registration time. Until now it lived only in the clocks' started_at; a claim without an SLA policy
-- (no clocks) lost it. Filled from the clocks started at intake, else created_at.
ALTER TABLE claims ADD COLUMN received_at BIGINT;
UPDATE claims SET received_at = COALESCE(
  (SELECT MIN(k.started_at) FROM clocks k
    WHERE k.subject = 'claim' AND k.subject_id = claims.id AND k.name IN ('first_contact','on_site','reply')
      AND k.started_at <= claims.created_at + 60000),
  created_at);
CREATE INDEX claims_repairs ON claims(created_at) WHERE claim_type = 'fault_repair';

INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('claims.repair_arrival_avg_minutes_urban', '45', 'int', 'claims', 'rules_cn §1.1 第三条 (十项承诺 2025): 抢修人员到达现场平均时间一般为城区45分钟 — a period average; each order is also alarmed against it', 'V', 0),
 ('claims.repair_arrival_avg_minutes_rural', '90', 'int', 'claims', 'rules_cn §1.1 第三条: 到达现场平均时间 农村90分钟 — a period average', 'V', 0),
 ('claims.repair_arrival_avg_minutes_remote', '120', 'int', 'claims', 'rules_cn §1.1 第三条: 到达现场平均时间 特殊边远地区2小时 — a period average', 'V', 0),
 ('claims.repair_restore_avg_hours_urban', '3', 'int', 'claims', 'rules_cn §1.1 第三条: 到达现场后恢复供电平均时间一般为城区3小时 — a period average', 'V', 0),
 ('claims.repair_restore_avg_hours_rural', '4', 'int', 'claims', 'rules_cn §1.1 第三条: 到达现场后恢复供电平均时间 农村4小时 — a period average', 'V', 0),
 ('claims.repair_restore_avg_hours_remote', '4', 'int', 'claims', 'rules_cn §1.1 第三条 gives no restoration figure for 特殊边远地区; our choice: the rural 4 hours', 'U', 0);
