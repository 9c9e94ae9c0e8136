-- Electricity-use analysis (用电分析), part 1: tariffs as data and 15-minute load curves.
-- Time-of-use schedules (分时电价时段) and tariff tables (电价表) by province and period of
-- validity; each account's contract demand and power-factor standard; load curves stored as one
-- compact blob per account and month (curves/codec) with their quality flags.

CREATE TABLE tou_schedules (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  province TEXT NOT NULL,
  source TEXT NOT NULL,
  verification TEXT NOT NULL CHECK (verification IN ('V','S','U','P')),
  bands TEXT NOT NULL,            -- JSON [{months:[1..12], start:"HH:MM", end:"HH:MM", period}]
  sharp_ratio INTEGER NOT NULL DEFAULT 0,   -- thousandths of the flat price, 0 = no such period
  peak_ratio INTEGER NOT NULL DEFAULT 0,
  valley_ratio INTEGER NOT NULL DEFAULT 0,
  deep_ratio INTEGER NOT NULL DEFAULT 0,
  notes TEXT,
  updated_by INTEGER REFERENCES users(id),
  updated_at INTEGER NOT NULL
);

CREATE TABLE tariff_tables (
  id INTEGER PRIMARY KEY,
  province TEXT NOT NULL,
  name TEXT NOT NULL,
  valid_from TEXT NOT NULL,       -- YYYY-MM-DD
  valid_to TEXT,                  -- inclusive; NULL: until replaced
  tou_schedule_id INTEGER REFERENCES tou_schedules(id),
  source TEXT NOT NULL,
  verification TEXT NOT NULL CHECK (verification IN ('V','S','U','P')),
  notes TEXT,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX tariff_tables_province ON tariff_tables(province, valid_from);

-- One row per tariff category and group of voltage levels. Energy prices in micro-yuan per kWh
-- (published tables carry six decimals), demand and capacity prices in fen per kW/kVA and month.
CREATE TABLE tariff_rates (
  id INTEGER PRIMARY KEY,
  table_id INTEGER NOT NULL REFERENCES tariff_tables(id) ON DELETE CASCADE,
  category TEXT NOT NULL,         -- accounts.tariff_category
  voltage_levels TEXT NOT NULL,   -- comma-separated accounts.voltage_level codes
  energy_uyuan INTEGER NOT NULL,  -- the price without time of use
  sharp_uyuan INTEGER,
  peak_uyuan INTEGER,
  flat_uyuan INTEGER,
  valley_uyuan INTEGER,
  deep_uyuan INTEGER,
  floating_uyuan INTEGER,         -- the part that floats with time of use (代理购电价 + 线损折价)
  td_uyuan INTEGER,               -- of which transmission and distribution (输配电价)
  funds_uyuan INTEGER NOT NULL DEFAULT 0,   -- of which government funds and surcharges
  demand_fen INTEGER,             -- 需量电价, fen per kW and month
  capacity_fen INTEGER            -- 容量电价, fen per kVA and month
);
CREATE INDEX tariff_rates_table ON tariff_rates(table_id);

-- What the analysis needs of an account beyond the archive: the contract demand (合同最大需量),
-- high-voltage motors counted in the 40 % floor, an explicit power-factor standard.
CREATE TABLE account_energy_profiles (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
  contract_demand_kw REAL,
  motor_kva REAL NOT NULL DEFAULT 0,
  pf_standard TEXT CHECK (pf_standard IN ('0.90','0.85','0.80','none')),
  updated_by INTEGER REFERENCES users(id),
  updated_at INTEGER NOT NULL
);

CREATE TABLE curve_batches (
  id INTEGER PRIMARY KEY,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  layout TEXT NOT NULL CHECK (layout IN ('wide','long')),
  accounts INTEGER NOT NULL,
  months INTEGER NOT NULL,
  readings INTEGER NOT NULL,
  flagged_months INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL
);

-- A month of an account's 15-minute load (kW) as one blob; the summary columns let lists and
-- monthly analyses run without decoding.
CREATE TABLE load_curves (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  period TEXT NOT NULL,           -- YYYY-MM
  data BLOB NOT NULL,
  points INTEGER NOT NULL,        -- readings present
  missing INTEGER NOT NULL,
  negatives INTEGER NOT NULL,
  zeros INTEGER NOT NULL,
  spikes INTEGER NOT NULL,
  flat_points INTEGER NOT NULL,
  duplicate_days INTEGER NOT NULL,
  flags TEXT NOT NULL DEFAULT '', -- comma-separated: gaps,negative,spike,flat,duplicate_day
  kwh REAL NOT NULL,
  max_kw REAL NOT NULL,
  batch_id INTEGER REFERENCES curve_batches(id),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, period)
);

INSERT INTO settings(key, value, value_type, module, source, verification, updated_at) VALUES
 ('tariff.province', 'hubei', 'text', 'tariff', 'the province whose tariff tables and time-of-use periods apply: company choice', 'P', 0),
 ('tariff.over_contract_threshold_pct', '105', 'int', 'tariff', 'rules_cn §4.4 发改办价格〔2016〕1583号: demand above 105 % of the contract is charged double', 'S', 0),
 ('tariff.over_contract_multiplier_pct', '200', 'int', 'tariff', 'rules_cn §4.4 1583号 "加一倍收取"', 'S', 0),
 ('tariff.min_contract_ratio_pct', '40', 'int', 'tariff', 'rules_cn §4.4 1583号: contract demand at least 40 % of transformer + HV motor capacity', 'S', 0),
 ('tariff.demand_discount_kwh_per_kva', '260', 'int', 'tariff', 'rules_cn §4.4 发改价格〔2023〕526号: ≥ 260 kWh/kVA in a month', 'V', 0),
 ('tariff.demand_discount_pct', '90', 'int', 'tariff', 'rules_cn §4.4 526号: that month''s demand price at 90 %', 'V', 0),
 ('tariff.proration_denominator', '30', 'int', 'tariff', 'rules_cn §4.4 1996 rules: 1/30 of the monthly basic charge a day (2024 rules unverified)', 'S', 0),
 ('tariff.method_change_notice_wd', '15', 'int', 'tariff', 'rules_cn §4.4 1583号: the basic-charge mode changes quarterly, applied for 15 working days before', 'S', 0),
 ('tariff.contract_demand_notice_wd', '5', 'int', 'tariff', 'rules_cn §4.4 1583号: the contract demand changes monthly, applied for 5 working days before', 'S', 0),
 ('tariff.pf_excludes_funds', 'true', 'bool', 'tariff', 'rules_cn §5: government funds are usually left out of the power-factor adjustment (provincial practice)', 'S', 0),
 ('tariff.actual_demand_allowed', 'true', 'bool', 'tariff', 'rules_cn §4.4: billing by actual maximum demand without a contract — whether national is unverified', 'U', 0),
 ('tariff.suspension_min_days', '15', 'int', 'tariff', 'rules_cn §4.4 暂停: at least 15 days each time', 'S', 0),
 ('tariff.suspension_max_months', '6', 'int', 'tariff', 'rules_cn §4.4 暂停: at most 6 months a calendar year', 'S', 0),
 ('tariff.pf_target_hundredths', '95', 'int', 'tariff', 'power-factor correction advice aims at 0.95 (issue 6)', 'P', 0),
 ('tariff.tou_shift_pct', '10', 'int', 'tariff', 'time-of-use advice assumes this share of peak and sharp energy can move to valley hours: our assumption', 'P', 0),
 ('tariff.capacity_use_pct', '40', 'int', 'tariff', 'a transformer is under-used when the year''s maximum demand stays below this share of its capacity: our assumption', 'P', 0);

-- Time-of-use schedules of rules_cn §8 (tests compare them with the engine's own definitions).
INSERT INTO tou_schedules(code, name, province, source, verification, bands, sharp_ratio, peak_ratio, valley_ratio, deep_ratio, notes, updated_at) VALUES
('guangdong_2021', '广东省分时电价（粤发改价格〔2021〕331号）', 'guangdong', 'rules_cn §8.1 粤发改价格〔2021〕331号', 'V',
 '[{"months":[1,2,3,4,5,6,7,8,9,10,11,12],"start":"10:00","end":"12:00","period":"peak"},{"months":[1,2,3,4,5,6,7,8,9,10,11,12],"start":"14:00","end":"19:00","period":"peak"},{"months":[1,2,3,4,5,6,7,8,9,10,11,12],"start":"00:00","end":"08:00","period":"valley"},{"months":[7,8,9],"start":"11:00","end":"12:00","period":"sharp"},{"months":[7,8,9],"start":"15:00","end":"17:00","period":"sharp"}]',
 2125, 1700, 380, 0, '尖峰 also on days of ≥ 35 °C forecast in Guangzhou outside July–September: not modelled', 0),
('jiangxi_2025', '江西省分时电价（赣发改价管〔2025〕463号）', 'jiangxi', 'rules_cn §8.2 赣发改价管〔2025〕463号', 'S',
 '[{"months":[1,12],"start":"09:00","end":"12:00","period":"peak"},{"months":[1,12],"start":"18:00","end":"21:00","period":"peak"},{"months":[1,12],"start":"18:00","end":"20:00","period":"sharp"},{"months":[1,12],"start":"00:00","end":"06:00","period":"valley"},{"months":[2],"start":"16:00","end":"22:00","period":"peak"},{"months":[2],"start":"00:00","end":"06:00","period":"valley"},{"months":[7,8,9],"start":"17:00","end":"23:00","period":"peak"},{"months":[7,8],"start":"20:30","end":"22:30","period":"sharp"},{"months":[3,4,5,6,7,8,9,10,11],"start":"01:00","end":"05:00","period":"valley"},{"months":[3,4,5,6,7,8,9,10,11],"start":"11:30","end":"14:30","period":"valley"},{"months":[3,4,5,6,7,8,9,10,11],"start":"12:00","end":"14:00","period":"deep"},{"months":[3,4,5,6,10,11],"start":"16:00","end":"22:00","period":"peak"}]',
 1800, 1600, 400, 300, '12:00–14:00 on 春节, 五一 and 国庆 is 深谷: not modelled', 0),
('hubei_2024', '湖北省分时电价（鄂发改价管〔2024〕77号）', 'hubei', 'rules_cn §8.4 鄂发改价管〔2024〕77号 (periods as quoted with the Jan 2026 table)', 'S',
 '[{"months":[7,8],"start":"20:00","end":"22:00","period":"sharp"},{"months":[1,2,3,4,5,6,9,10,11,12],"start":"18:00","end":"20:00","period":"sharp"},{"months":[7,8],"start":"16:00","end":"20:00","period":"peak"},{"months":[7,8],"start":"22:00","end":"24:00","period":"peak"},{"months":[1,2,3,4,5,6,9,10,11,12],"start":"16:00","end":"18:00","period":"peak"},{"months":[1,2,3,4,5,6,9,10,11,12],"start":"20:00","end":"24:00","period":"peak"},{"months":[1,2,3,4,5,6,7,8,9,10,11,12],"start":"00:00","end":"06:00","period":"valley"},{"months":[1,2,3,4,5,6,7,8,9,10,11,12],"start":"12:00","end":"14:00","period":"valley"}]',
 2000, 1495, 450, 0, '高峰 ratio: the table implies 1.495 (the document rounds to 1.5)', 0);

-- The sample two-part tariff table of rules_cn §8.4: SGCC Hubei 代理购电工商业用户电价表, January 2026.
INSERT INTO tariff_tables(province, name, valid_from, valid_to, tou_schedule_id, source, verification, notes, created_at, updated_at)
SELECT 'hubei', '国网湖北省电力有限公司代理购电工商业用户电价表（2026年1月）', '2026-01-01', '2026-01-31', id,
 'rules_cn §8.4, https://xgszsj.xiaogan.gov.cn/tzxg/tzcb/202601/t20260108_568308.shtml', 'S',
 '代理购电价 0.384470, 上网环节线损折价 0.013643, 系统运行费折价 0.082273, 政府性基金及附加 0.0452', 0, 0
FROM tou_schedules WHERE code = 'hubei_2024';

INSERT INTO tariff_rates(table_id, category, voltage_levels, energy_uyuan, sharp_uyuan, peak_uyuan, flat_uyuan, valley_uyuan, deep_uyuan, floating_uyuan, td_uyuan, funds_uyuan, demand_fen, capacity_fen)
SELECT t.id, r.category, r.voltage_levels, r.energy, r.sharp, r.peak, r.flat, r.valley, NULL, 398113, r.td, 45200, r.demand, r.capacity
FROM tariff_tables t, (
  SELECT 'ci_single' AS category, '0.22kV,0.38kV' AS voltage_levels, 735686 AS energy, 1133999 AS sharp, 930961 AS peak, 735686 AS flat, 516924 AS valley, 210300 AS td, CAST(NULL AS INTEGER) AS demand, CAST(NULL AS INTEGER) AS capacity
  UNION ALL SELECT 'ci_single', '10kV,20kV', 715686, 1113999, 910961, 715686, 496924, 190300, NULL, NULL
  UNION ALL SELECT 'ci_single', '35kV', 695686, 1093999, 890961, 695686, 476924, 170300, NULL, NULL
  UNION ALL SELECT 'ci_two_part', '10kV,20kV', 651886, 1049999, 848961, 651886, 432924, 126300, 4200, 2630
  UNION ALL SELECT 'ci_two_part', '35kV', 632086, 1030199, 827161, 632086, 413124, 106500, 4200, 2630
  UNION ALL SELECT 'ci_two_part', '110kV', 613986, 1012099, 809061, 613986, 395024, 88400, 3900, 2440
  UNION ALL SELECT 'ci_two_part', '220kV', 594986, 993099, 790061, 594986, 376024, 69400, 3900, 2440
) r
WHERE t.province = 'hubei' AND t.valid_from = '2026-01-01';
