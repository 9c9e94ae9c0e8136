-- The Zhejiang time-of-use periods of rules_cn §8.3 (浙发改价格〔2024〕21号 [S]); the price ratios
-- are not known ([U]), so they stay 0 and a Zhejiang table carries its own period prices.
INSERT INTO tou_schedules(code, name, province, source, verification, bands, sharp_ratio, peak_ratio, valley_ratio, deep_ratio, notes, updated_at) VALUES
('zhejiang_2024', '浙江省分时电价时段（浙发改价格〔2024〕21号）', 'zhejiang', 'rules_cn §8.3 浙发改价格〔2024〕21号 (periods only)', 'S',
 '[{"months":[2,3,4,5,6,9,10,11],"start":"08:00","end":"11:00","period":"peak"},{"months":[2,3,4,5,6,9,10,11],"start":"13:00","end":"17:00","period":"peak"},{"months":[1,2,3,4,5,6,7,8,9,10,11,12],"start":"00:00","end":"08:00","period":"valley"},{"months":[1,2,3,4,5,6,7,8,9,10,11,12],"start":"11:00","end":"13:00","period":"valley"},{"months":[1,7,8,12],"start":"09:00","end":"11:00","period":"sharp"},{"months":[1,7,8,12],"start":"15:00","end":"17:00","period":"sharp"},{"months":[1,7,8,12],"start":"08:00","end":"09:00","period":"peak"},{"months":[1,7,8,12],"start":"17:00","end":"23:00","period":"peak"}]',
 0, 0, 0, 0, 'price ratios unverified (rules_cn §8.3): 0 here; 深谷 10:00–14:00 on 春节, 劳动节 and 国庆 not modelled', 0);
