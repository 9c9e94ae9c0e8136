-- The customer's progress notice of a business-expansion application (业扩办理进度告知), sent by
-- SMS to the contacts who take expansion notices (notice type "expansion").
INSERT INTO notification_templates(kind, channel, template_code, subject, body) VALUES
('expansion_progress', 'sms', 'LX_EXPANSION_PROGRESS', '',
 '【连心】{customer}：您的业扩申请{number}（{title}）{progress}如有疑问请联系客户经理{lead}{phone}。');
