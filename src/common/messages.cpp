#include "common/messages.hpp"

#include <string_view>
#include <utility>
#include <vector>

namespace lianxin {
namespace {

// Patterns hold at most one "{}" that captures the variable part of the English message.
const std::vector<std::pair<std::string_view, std::string_view>>& catalog() {
  static const std::vector<std::pair<std::string_view, std::string_view>> table = {
      // top-level messages
      {"validation failed", "输入有误"},
      {"please log in", "请先登录"},
      {"wrong username or password", "用户名或密码错误"},
      {"session expired; please log in again", "会话已过期，请重新登录"},
      {"missing or wrong X-CSRF-Token header", "缺少或错误的 X-CSRF-Token 请求头，请刷新页面后重试"},
      {"your role may not do this (needs {})", "您的角色无此权限（需要 {}）"},
      {"too many failed logins; try again after {} or ask an administrator", "登录失败次数过多，请在 {} 之后重试或联系管理员"},
      {"user is unknown or deactivated", "用户不存在或已停用"},
      {"unknown API key", "API 密钥无效"},
      {"API key has been revoked", "API 密钥已被吊销"},
      {"malformed API key", "API 密钥格式错误"},
      {"no route for {}", "不存在的接口：{}"},
      {"{} is not allowed on {}", "{} 请求不适用于 {}"},
      {"customer not found", "客户不存在"},
      {"account not found", "用电户不存在"},
      {"contact not found", "联系人不存在"},
      {"user not found", "用户不存在"},
      {"org unit not found", "单位不存在"},
      {"import job not found", "导入任务不存在"},
      {"timeline event not found", "服务轨迹记录不存在"},
      {"API key not found", "API 密钥不存在"},
      {"request body exceeds {} bytes", "请求内容超过 {} 字节上限"},
      {"JSON body exceeds {} bytes", "JSON 内容超过 {} 字节上限"},
      {"request body is empty; a JSON object is expected", "请求内容为空，应为 JSON 对象"},
      {"request body is not valid UTF-8", "请求内容不是有效的 UTF-8 编码"},
      {"a JSON object is expected", "应为 JSON 对象"},
      {"malformed JSON: {}", "JSON 格式错误：{}"},
      {"invalid query parameter", "查询参数有误"},
      {"someone else changed this customer meanwhile (version {}); reload and try again", "该客户已被他人修改（版本 {}），请刷新后重试"},
      {"someone else changed this customer meanwhile; reload and try again", "该客户已被他人修改，请刷新后重试"},
      {"this customer was merged into another record", "该客户已合并到其他档案"},
      {"account managers cannot reassign managers or org units; ask a marketing manager", "客户经理不能调整客户经理或所属单位，请联系营销管理人员"},
      {"only active customers can be merged", "只能合并正常状态的客户"},
      {"a reason is required", "请填写原因"},
      {"this group still has active members", "该集团仍有正常状态的成员"},
      {"search text is required", "请输入搜索内容"},
      {"phone is required", "请输入电话号码"},
      {"invalid phone number", "电话号码有误"},
      {"username already exists", "用户名已存在"},
      {"org unit code already exists", "单位编码已存在"},
      {"you cannot deactivate yourself or change your own role", "不能停用自己或修改自己的角色"},
      {"the import has already finished ({})", "导入任务已结束（{}）"},
      {"empty upload", "上传内容为空"},
      {"invalid import kind", "导入类型有误"},
      {"invalid mode", "导入模式有误"},
      {"invalid format", "格式有误"},
      {"row outside your scope", "存在超出您权限范围的数据行"},
      {"{} error(s) in {} row(s); nothing was imported", "{} 处错误，涉及 {} 行；未导入任何数据"},
      {"{} inserted, {} updated, {} row(s) with errors skipped", "新增 {} 条，更新 {} 条，跳过有错误的 {} 行"},
      {"{} inserted, {} updated", "新增 {} 条，更新 {} 条"},
      {"cancelled; nothing was imported", "已取消，未导入任何数据"},
      {"the server stopped during the import; nothing was imported", "导入过程中服务器停止，未导入任何数据"},
      {"internal error; quote request id {}", "系统内部错误，请提供请求编号 {} 联系管理员"},
      {"database unavailable: {}", "数据库暂不可用，请稍后重试"},
      {"the working-day calendar does not cover {}; an administrator must import that year's holiday schedule",
       "工作日历未包含 {} 年，请管理员导入该年的节假日安排"},
      {"invalid notice", "通知内容有误"},
      {"notification not found", "通知不存在"},
      {"only failed or dead notifications can be retried", "只能重发发送失败或已放弃的通知"},
      {"this notification is being delivered right now; try again in a minute", "该通知正在发送中，请稍后再试"},
      // claims, SLA, calendars, clocks
      {"claim not found", "工单不存在"},
      {"action not found", "不存在的操作"},
      {"attachment not found", "附件不存在"},
      {"recovery task not found", "服务补救任务不存在"},
      {"SLA policy not found", "时限策略不存在"},
      {"routing rule not found", "派单规则不存在"},
      {"setting not found", "设置项不存在"},
      {"calendar not found", "日历不存在"},
      {"invalid claim", "工单信息有误"},
      {"invalid step", "操作信息有误"},
      {"invalid chase", "催办信息有误"},
      {"invalid dispatch", "派单信息有误"},
      {"invalid attachment", "附件有误"},
      {"invalid rule", "规则有误"},
      {"invalid calendar", "日历信息有误"},
      {"invalid day", "日期设置有误"},
      {"invalid schedule", "节假日安排有误"},
      {"invalid period", "统计期有误"},
      {"invalid reminder shares", "提醒比例有误"},
      {"your role does not allow this", "您的角色无此权限"},
      {"only the handling department can do this", "只有责任部门可以执行此操作"},
      {"the claim's region is outside your scope", "该工单所属单位不在您的权限范围内"},
      {"company-wide rules are changed at company level", "全公司适用的规则只能由公司本部人员修改"},
      {"the national calendar is changed at company level", "全国日历只能由公司本部人员修改"},
      {"this calendar's region is outside your scope", "该日历所属单位不在您的权限范围内"},
      {"this setting belongs to another module", "该设置项属于其他模块"},
      {"this upstream order is already registered", "该上级工单已受理，请勿重复登记"},
      {"registered as claim {}", "已受理为工单 {}"},
      {"the claim was changed by someone else; reload it", "该工单已被他人修改，请刷新后重试"},
      {"the policy was changed by someone else; reload it", "该时限策略已被他人修改，请刷新后重试"},
      {"current version is {}", "当前版本为 {}"},
      {"a chase is a record on the claim it chases; work that claim instead", "催办单是原工单上的记录，请处理原工单"},
      {"the claim is already at the top of the escalation ladder", "该工单已提级至最高级别"},
      {"the first contact is already recorded", "已登记过首次联系"},
      {"the arrival is already recorded", "已登记过到达现场"},
      {"the task is already done", "该任务已完成"},
      {"accountability is recorded for complaints closed as valid", "只有办结时认定为有效的投诉才能登记责任认定"},
      {"only a registered or returned claim can be dispatched (it is {})", "只有已受理或已退单的工单可以派单（当前：{}）"},
      {"only a dispatched or accepted claim can be transferred (it is {})", "只有已派单或处理中的工单可以转派（当前：{}）"},
      {"only a dispatched or accepted claim can be returned (it is {})", "只有已派单或处理中的工单可以退单（当前：{}）"},
      {"only a dispatched claim can be accepted (it is {})", "只有已派单的工单可以接单（当前：{}）"},
      {"only an accepted claim can wait for the customer (it is {})", "只有处理中的工单可以挂起等待客户（当前：{}）"},
      {"only a claim waiting for the customer can resume (it is {})", "只有挂起等待客户的工单可以恢复处理（当前：{}）"},
      {"only an accepted claim, or one waiting for the customer, can be closed (it is {})", "只有处理中或挂起的工单可以办结销号（当前：{}）"},
      {"a callback needs a closed claim (it is {})", "工单办结后才能回访（当前：{}）"},
      {"only a closed or archived claim can be reopened (it is {})", "只有已办结或已归档的工单可以重新处理（当前：{}）"},
      {"the claim is no longer open (it is {})", "该工单已不在办理中（当前：{}）"},
      {"the claim is no longer open (it is {}); reopen it or register a new claim", "该工单已不在办理中（当前：{}），请重新处理或另行受理"},
      {"the file is too large", "文件过大"},
      {"this file type is not accepted", "不接受此类文件"},
      {"the file's content does not match its type", "文件内容与其类型不符"},
      {"this org unit already has its own calendar", "该单位已有自己的日历"},
      {"the national calendar is missing; restart the server to load it", "缺少全国日历，请重启服务以加载"},
      {"a complaint needs its class: one of {}", "投诉须选择类别：{}"},
      {"a service request needs its sub-type: one of {}", "服务申请须选择子类：{}"},
      {"only complaints have a class", "只有投诉有类别"},
      {"only service requests have a sub-type", "只有服务申请有子类"},
      {"a claim from {} keeps its upstream order number", "来自 {} 的工单须填写上级工单号"},
      {"only an upstream order inherits deadlines", "只有上级工单可以继承时限"},
      {"unknown clock; use first_contact, on_site or reply", "未知时限；应为 first_contact、on_site 或 reply"},
      {"the SLA policy of this claim has no such clock", "该工单的时限策略没有这个时限"},
      {"the deadline is in the past", "时限已过"},
      {"is in the past", "不能早于今天"},
      {"is in the future", "不能晚于现在"},
      {"is more than 30 days ago", "不能早于 30 天前"},
      {"is not a phone number", "不是有效的电话号码"},
      {"is outside your scope", "不在您的权限范围内"},
      {"must be a department in your scope", "须为您权限范围内的部门"},
      {"unknown account", "用电户不存在"},
      {"unknown user", "用户不存在"},
      {"belongs to another customer", "属于其他客户"},
      {"is required to close a claim", "办结销号时必填"},
      {"is required to dispatch", "派单时必填"},
      {"is required to transfer", "转派时必填"},
      {"is the current department", "与当前责任部门相同"},
      {"is required (the version you saw, for conflict detection)", "必填（用于检测并发修改的版本号）"},
      {"a reason is required to transfer", "转派须填写原因"},
      {"a reason is required to return a claim", "退单须填写原因"},
      {"a reason is required to wait for the customer", "挂起须填写原因（等待客户的什么）"},
      {"a reason is required to reopen a claim", "重新处理须填写原因"},
      {"a reason is required to escalate", "提级须填写原因"},
      {"say what the customer asked", "请填写客户的催办内容"},
      {"say what was done", "请填写处理情况"},
      {"say whether the complaint was valid (the supplier was responsible)", "请认定投诉是否有效（供电企业是否有责）"},
      {"say why (the holiday or the make-up day it belongs to)", "请填写原因（所属节日或调休）"},
      {"an unsatisfied callback either reopens the claim (reopen) or opens service recovery (recovery)", "回访不满意时须选择重新处理（reopen）或服务补救（recovery）"},
      {"name at least one: {}", "至少选择一项：{}"},
      {"must be an active user of the department", "须为该部门的在职人员"},
      {"must be a department", "须为部门"},
      {"must be a company, bureau or station", "须为公司、供电局或供电所"},
      {"must be a company, bureau or station, not a department", "须为公司、供电局或供电所，不能是部门"},
      {"must be a claim status", "须为工单状态"},
      {"must be an ISO-8601 instant", "须为 ISO-8601 时间"},
      {"must be an object of clock name → ISO-8601 instant", "须为“时限名 → ISO-8601 时间”的对象"},
      {"must be json or ical", "须为 json 或 ical"},
      {"must be one of V, S, U, P", "须为 V、S、U、P 之一"},
      {"must be one of amber, red, overdue", "须为 amber、red、overdue 之一"},
      {"must be urgency or created", "须为 urgency 或 created"},
      {"must not be before valid_from", "不能早于生效日期"},
      {"give at least one clock", "至少设置一个时限"},
      {"appears twice", "重复出现"},
      {"at most 10 levels", "最多 10 级"},
      {"at most {} KiB", "不能超过 {} KiB"},
      {"allowed: pdf, jpg, jpeg, png, docx, xlsx, txt, mp3, m4a, wav", "允许的类型：pdf、jpg、jpeg、png、docx、xlsx、txt、mp3、m4a、wav"},
      {"is empty", "为空"},
      {"use 1-40 of a-z, 0-9 and _", "请使用 1 至 40 个 a-z、0-9 或 _ 字符"},
      {"no enabled SLA policy has this rule-set", "没有启用的时限策略属于该规则集"},
      {"the period is at most three years", "统计期最长三年"},
      {"the file is for {}", "该文件是 {} 年的"},
      {"the calendar does not cover {}; import that year first", "日历未覆盖 {} 年，请先导入该年节假日安排"},
      {"each share is a whole number of thousandths from 1 to 999", "每个比例须为 1 至 999 的千分数"},
      {"shares must be ascending without repeats", "比例须递增且不重复"},
      {"must be between 1 and 1000 thousandths", "须为 1 至 1000 的千分数"},
      {"must be off_day, makeup_working_day or null (removes this calendar's own entry; a regional calendar then follows the national one for that day)", "须为 off_day（休息）、makeup_working_day（调休上班）或 null（删除本日历的设置；地区日历随后沿用全国日历）"},
      // key accounts
      {"key-account request not found", "大客户变更申请不存在"},
      {"the customer is already a key account", "该客户已是大客户"},
      {"the customer is not a key account", "该客户不是大客户"},
      {"a request for this customer is already waiting for approval", "该客户已有待审批的申请"},
      {"the request was already decided ({})", "该申请已处理（{}）"},
      {"the approver must be someone other than the requester", "审批人不能是申请人本人"},
      {"say why the request is rejected", "请填写不同意的原因"},
      {"must be add or remove", "须为 add（列入）或 remove（移出）"},
      {"identification run not found", "识别批次不存在"},
      {"invalid identification run", "识别条件有误"},
      {"invalid decision", "审核信息有误"},
      {"the run is no longer in review (it is {})", "该批次已不在审核中（当前：{}）"},
      {"every proposed change needs a decision before the list is changed ({} pending)", "名单生效前须审核全部拟变更客户（尚有 {} 户待审核）"},
      {"must be a company or bureau in your scope", "须为您权限范围内的公司或供电局"},
      {"is not a year", "不是有效年份"},
      {"is not in this proposal", "不在本批次建议名单中"},
      {"stays a key account; only proposed changes need a decision", "该客户保留在名单中，只有拟变更的客户需要审核"},
      {"must be accepted or rejected", "须为 accepted（批准）或 rejected（不同意）"},
      {"name at least one customer", "请至少选择一个客户"},
      {"must be an array of customer ids", "须为客户编号数组"},
      // field messages
      {"must be a positive whole number", "应为正整数"},
      {"must be one of minutes, hours, working_days", "应为 minutes（分钟）、hours（小时）或 working_days（工作日）"},
      {"is too large: at most {}", "过大：最多 {}"},
      {"must not be before from", "不能早于起算时间"},
      {"is required", "必填"},
      {"must not be empty", "不能为空"},
      {"must be a string", "应为文本"},
      {"must be an integer", "应为整数"},
      {"must be a number", "应为数字"},
      {"must be true or false", "应为 true 或 false"},
      {"must be a list of strings", "应为文本列表"},
      {"must be a list", "应为列表"},
      {"must be an object", "应为对象"},
      {"listed twice", "重复列出"},
      {"use lower-case letters and '_' only (at most 60)", "只能使用小写字母和下划线（最多 60 个字符）"},
      {"is required (null returns to the default)", "必填（填 null 恢复默认设置）"},
      {"must name at least one channel", "至少选择一个通知渠道"},
      {"must be a time HH:MM", "应为时间 HH:MM"},
      {"must differ from start", "不能与开始时间相同"},
      {"must be at least 1", "不能小于 1"},
      {"is not valid UTF-8", "不是有效的 UTF-8 编码"},
      {"is longer than {} bytes", "超过 {} 字节上限"},
      {"must be one of {}", "应为以下之一：{}"},
      {"must be 18 characters (统一社会信用代码)", "统一社会信用代码应为 18 位"},
      {"character {} is not allowed (use 0-9 and capital letters except I, O, S, V, Z)", "第 {} 位字符不合法（只能用数字和除 I、O、S、V、Z 外的大写字母）"},
      {"characters 3 to 8 must be digits (administrative division code)", "第 3 至 8 位应为数字（行政区划码）"},
      {"check character is wrong", "校验位错误"},
      {"another customer already has this credit code", "已有其他客户使用该统一社会信用代码"},
      {"unknown industry code (GB/T 4754-2017)", "行业代码不存在（GB/T 4754-2017）"},
      {"unknown org unit", "单位不存在"},
      {"unknown org unit '{}'", "单位编码“{}”不存在"},
      {"customers belong to a bureau or station, not a department", "客户应归属供电局或供电所，不能归属部门"},
      {"unknown group customer", "集团客户不存在"},
      {"that customer is not a group (集团) customer", "该客户不是集团客户"},
      {"that customer is not a group (集团)", "该客户不是集团客户"},
      {"that customer is not marked as a group (是否集团)", "该客户未标记为集团（是否集团）"},
      {"a customer cannot be its own group", "客户不能以自己为所属集团"},
      {"unknown or inactive user", "用户不存在或已停用"},
      {"user is not an account manager", "该用户不是客户经理"},
      {"must differ from the primary account manager", "不能与主客户经理相同"},
      {"must not be negative", "不能为负数"},
      {"this group still has members; move them first", "该集团仍有成员，请先调整成员"},
      {"must be 6 to 20 digits or capital letters", "应为 6 至 20 位数字或大写字母"},
      {"this 户号 already exists", "户号已存在"},
      {"must be active or inactive", "应为 active 或 inactive"},
      {"must be between 0 and 10,000,000 kVA", "应在 0 至 10,000,000 kVA 之间"},
      {"must be between 1 and 4", "应在 1 至 4 之间"},
      {"unknown line", "线路不存在"},
      {"unknown transformer area", "台区不存在"},
      {"this transformer area is not on the given line", "该台区不在所选线路上"},
      {"must be an 11-digit mainland mobile number such as 13812345678", "应为 11 位手机号，如 13812345678"},
      {"is not a valid e-mail address", "电子邮箱格式不正确"},
      {"unknown notice type '{}", "通知类型“{}”不存在"},
      {"must be call, visit or message", "应为电话、走访或消息"},
      {"must be a date YYYY-MM-DD", "应为日期 YYYY-MM-DD"},
      {"must not be in the future", "不能晚于当前时间"},
      {"this entry has no follow-up", "该记录没有跟进事项"},
      {"is required (the version you edited, for conflict detection)", "必填（用于检测并发修改的版本号）"},
      {"each tag must be at most 60 bytes", "每个标签不超过 60 字节"},
      {"cannot merge a customer into itself", "不能将客户合并到自身"},
      {"unknown customer", "客户不存在"},
      {"both customers must be active", "两个客户都必须为正常状态"},
      {"give at least 5 digits", "至少输入 5 位数字"},
      {"must be at least 10 characters", "至少 10 个字符"},
      {"must be at most 200 characters", "最多 200 个字符"},
      {"must contain letters and digits", "须同时包含字母和数字"},
      {"use 3 to 32 lower-case letters, digits, '.', '_' or '-'", "请使用 3 至 32 位小写字母、数字或 . _ -"},
      {"already exists", "已存在"},
      {"unknown role '{}'", "角色“{}”不存在"},
      {"cannot change your own role or active flag", "不能修改自己的角色或启用状态"},
      {"unknown or inactive user", "用户不存在或已停用"},
      {"a {} cannot be placed under a {}", "{} 类单位不能设在 {} 类单位之下"},
      {"must be one of company, city, county, station, department", "应为 company、city、county、station、department 之一"},
      {"is stale", "已过期"},
      {"you can only create customers you manage", "只能新建由您负责的客户"},
      {"you can only import customers you manage", "只能导入由您负责的客户"},
      {"is required for import (it is the natural key)", "导入时必填（用于识别客户）"},
      {"same credit code as row {}", "与第 {} 行的统一社会信用代码重复"},
      {"same 户号 as row {}", "与第 {} 行的户号重复"},
      {"this 户号 already belongs to another customer ({})", "该户号已属于其他客户（{}）"},
      {"this 户号 belongs to a customer outside your scope", "该户号属于您权限范围外的客户"},
      {"a customer with this credit code exists outside your scope", "该统一社会信用代码的客户在您的权限范围外"},
      {"no customer with this credit code in your scope", "您的权限范围内没有该统一社会信用代码的客户"},
      {"unknown user '{}'", "用户“{}”不存在"},
      {"user '{}' is not an account manager", "用户“{}”不是客户经理"},
      {"must be 是/否 (or 1/0)", "应为 是/否（或 1/0）"},
      {"must be a non-negative number", "应为非负数"},
      {"must be a whole number of kVA", "应为整数（kVA）"},
      {"must be 1 to 4", "应为 1 至 4"},
      {"unknown line '{}'", "线路编码“{}”不存在"},
      {"unknown transformer area '{}'", "台区编码“{}”不存在"},
      {"unknown column; see the template for the column names", "无法识别的列，请参照导入模板的列名"},
      {"required column missing ({})", "缺少必填列（{}）"},
      {"has no header row", "没有表头行"},
      {"more than 2,000,000 rows", "超过 2,000,000 行"},
      {"the file is named .xlsx but is not an XLSX workbook (truncated or another format)", "文件扩展名为 .xlsx，但不是有效的 XLSX 工作簿（可能已损坏或为其他格式）"},
  };
  return table;
}

// Matches a message against a pattern whose "{}" holes capture the variable parts, in order.
bool match(std::string_view pattern, std::string_view message, std::vector<std::string_view>& captured) {
  captured.clear();
  std::vector<std::string_view> literals;
  for (std::size_t start = 0;;) {
    auto hole = pattern.find("{}", start);
    literals.push_back(pattern.substr(start, hole == std::string_view::npos ? std::string_view::npos : hole - start));
    if (hole == std::string_view::npos) break;
    start = hole + 2;
  }
  if (message.substr(0, literals[0].size()) != literals[0]) return false;
  std::size_t pos = literals[0].size();
  for (std::size_t i = 1; i < literals.size(); ++i) {
    bool last = i + 1 == literals.size();
    std::size_t next;
    if (last) {
      if (message.size() < pos + literals[i].size() ||
          message.substr(message.size() - literals[i].size()) != literals[i])
        return false;
      next = message.size() - literals[i].size();
    } else {
      next = literals[i].empty() ? pos : message.find(literals[i], pos);
      if (next == std::string_view::npos) return false;
    }
    captured.push_back(message.substr(pos, next - pos));
    pos = next + literals[i].size();
  }
  return literals.size() > 1 || pos == message.size();
}

}  // namespace

Lang lang_from_header(const std::string& accept_language) {
  return accept_language.rfind("zh", 0) == 0 ? Lang::zh : Lang::en;
}

namespace {

// Status codes that messages carry in their holes ("… (it is dispatched)"): a hole that is exactly
// one of these is shown in Chinese too.
std::string_view term(std::string_view code) {
  static const std::vector<std::pair<std::string_view, std::string_view>> terms = {
      {"registered", "已受理"}, {"dispatched", "已派单"}, {"accepted", "处理中"}, {"waiting_customer", "挂起待客户"},
      {"returned", "已退单"},   {"closed", "已办结"},     {"archived", "已归档"}, {"review", "审核中"},
      {"applied", "已生效"},    {"discarded", "已作废"},  {"approved", "已批准"}, {"rejected", "已驳回"}};
  for (const auto& [en, zh] : terms)
    if (en == code) return zh;
  return code;
}

}  // namespace

std::string localize(const std::string& message, Lang lang) {
  if (lang == Lang::en) return message;
  for (const auto& [pattern, zh] : catalog()) {
    std::vector<std::string_view> captured;
    if (!match(pattern, message, captured)) continue;
    std::string out(zh);
    std::size_t from = 0;
    for (auto part : captured) {
      auto hole = out.find("{}", from);
      if (hole == std::string::npos) break;
      const std::string_view text = term(part);
      out.replace(hole, 2, text);
      from = hole + text.size();
    }
    return out;
  }
  return message;
}

}  // namespace lianxin
