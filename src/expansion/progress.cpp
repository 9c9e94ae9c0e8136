#include "expansion/progress.hpp"

#include <boost/json.hpp>

#include "audit/audit.hpp"
#include "auth/rules.hpp"
#include "common/errors.hpp"
#include "common/json.hpp"
#include "expansion/rules.hpp"
#include "expansion/service.hpp"
#include "io/pdf.hpp"
#include "notify/notify.hpp"
#include "timeline/timeline.hpp"

namespace lianxin::expansion {

namespace bj = boost::json;
using storage::Connection;

namespace {

std::string str(const bj::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// "2026-11-22 14:30" in Asia/Shanghai, or "" for null.
std::string minute_of(const bj::value& v) {
  if (!v.is_string()) return "";
  return format_shanghai_minute(parse_iso_instant(std::string(v.as_string()), "at"));
}
std::string date_of(const bj::value& v) { return minute_of(v).substr(0, 10); }

// What the customer has to do to start a stage that waits for them.
const char* customer_action(const std::string& stage, bool zh) {
  if (stage == "design_review")
    return zh ? "请提交受电工程设计文件，我们收到后即开始设计审查。" : "Please submit the design of your installation; the review starts when we receive it.";
  if (stage == "mid_inspection")
    return zh ? "隐蔽工程施工完成后，请申请中间检查。" : "When the concealed works are finished, please ask for the mid-construction inspection.";
  if (stage == "completion_inspection")
    return zh ? "受电工程竣工后，请报验，我们随即组织竣工检验。" : "When your installation is finished, please report it; we then inspect it.";
  return zh ? "请按客户经理的说明办理。" : "Please follow your account manager's instructions.";
}

std::string status_text(const std::string& status, bool zh) {
  if (status == "done") return zh ? "已完成" : "Done";
  if (status == "running") return zh ? "办理中" : "In progress";
  if (status == "waiting") return zh ? "待客户办理" : "Waiting for you";
  return zh ? "未开始" : "Not started";
}

}  // namespace

bj::object progress(Connection& conn, const auth::Principal& p, std::int64_t id, Millis now) {
  const bj::object d = detail(conn, p, id, now);
  const std::string status = str(d, "status");
  const std::string current = str(d, "current_stage");
  std::string next;  // the customer's next step, in plain Chinese (the SMS and the printed notice)
  bj::array stages;
  std::string due;
  for (auto& v : d.at("stages").as_array()) {
    auto& s = v.as_object();
    stages.push_back(bj::object{{"stage", s.at("stage")},
                                {"status", s.at("status")},
                                {"started_at", s.at("started_at")},
                                {"finished_at", s.at("finished_at")},
                                {"due", s.contains("due") ? s.at("due") : bj::value(nullptr)}});
    if (str(s, "stage") == current && s.contains("due")) due = minute_of(s.at("due"));
  }
  std::string open_pause;
  for (auto& v : d.at("pauses").as_array())
    if (v.as_object().at("to").is_null()) open_pause = str(v.as_object(), "reason");
  if (status == "completed") {
    next = "已于" + date_of(d.at("completed_at")) + "完成装表接电，业扩办结。";
  } else if (status == "cancelled") {
    next = "已撤销。";
  } else if (!open_pause.empty()) {
    next = "目前暂停办理（" + open_pause + "），待您处理完毕后即恢复办理。";
  } else if (str(d, "holder") == "customer") {
    next = std::string("目前待您办理：") + customer_action(current, true);
  } else {
    next = "正在办理" + stage_label(current) + (due.empty() ? "。" : "，预计" + due + "前完成。");
  }
  bj::value contact = nullptr;
  if (auto r = conn.query_one("SELECT u.display_name, u.mobile FROM expansion_applications a JOIN users u ON u.id = a.lead_id WHERE a.id = ?",
                              {id}))
    contact = bj::object{{"name", r->str(0)}, {"phone", json::nullable(r->opt_str(1))}};
  std::string lead, phone;
  if (contact.is_object()) {
    lead = str(contact.as_object(), "name");
    phone = str(contact.as_object(), "phone");
  }
  const std::string sms = "【连心】" + str(d, "customer_name") + "：您的业扩申请" + str(d, "number") + "（" + str(d, "title") + "）" +
                          next + (lead.empty() ? "" : "如有疑问请联系客户经理" + lead + (phone.empty() ? "" : "（" + phone + "）") + "。");
  return bj::object{{"id", id},
                    {"number", d.at("number")},
                    {"customer_name", d.at("customer_name")},
                    {"title", d.at("title")},
                    {"kind", d.at("kind")},
                    {"category", d.at("category")},
                    {"status", status},
                    {"accepted_at", d.at("accepted_at")},
                    {"completed_at", d.at("completed_at")},
                    {"current_stage", d.at("current_stage")},
                    {"holder", d.at("holder")},
                    {"paused", !open_pause.empty()},
                    {"next_step", next},
                    {"stages", std::move(stages)},
                    {"contact", contact},
                    {"sms_text", sms}};
}

std::string progress_pdf(const bj::object& pr, bool zh) {
  io::PdfTable t;
  t.landscape = false;
  t.font_size = 10;
  t.title = zh ? "业扩报装办理进度告知单" : "Business expansion: progress notice";
  const std::string accepted = minute_of(pr.at("accepted_at"));
  t.subtitle = {(zh ? "客户：" : "Customer: ") + str(pr, "customer_name"),
                (zh ? "申请编号：" : "Application: ") + str(pr, "number") + (zh ? "　项目：" : "   Project: ") + str(pr, "title"),
                (zh ? "受理时间：" : "Accepted: ") + accepted,
                (zh ? "办理进度：" : "Progress: ") + str(pr, "next_step")};
  if (auto* c = pr.if_contains("contact"); c && c->is_object())
    t.subtitle.push_back((zh ? "客户经理：" : "Account manager: ") + str(c->as_object(), "name") + "  " + str(c->as_object(), "phone"));
  t.columns = {{zh ? "环节" : "Stage", 2}, {zh ? "状态" : "Status", 1.3}, {zh ? "开始" : "Started", 1.6},
               {zh ? "完成" : "Finished", 1.6}, {zh ? "预计完成" : "Expected by", 1.6}};
  for (auto& v : pr.at("stages").as_array()) {
    auto& s = v.as_object();
    t.rows.push_back({{stage_label(str(s, "stage"), zh), status_text(str(s, "status"), zh), minute_of(s.at("started_at")),
                       minute_of(s.at("finished_at")), minute_of(s.at("due"))}});
  }
  t.notes = {zh ? "说明：待客户办理及客户原因暂停的时间不计入供电企业办理时限。" : "Time the file is with you (waiting or paused for your reasons) "
                                                                                  "does not count against our time limits.",
             (zh ? "打印时间：" : "Printed: ") + format_shanghai_minute(now_millis())};
  if (!zh) t.page_label = "Page {page} of {pages}";
  return io::write_pdf(t);
}

bj::object send_progress_sms(Connection& conn, const auth::Principal& p, std::int64_t id, Millis now) {
  auth::require_permission(p, auth::Permission::expansion_work);
  const bj::object pr = progress(conn, p, id, now);
  auto app = conn.query_one("SELECT customer_id, version, org_path FROM expansion_applications WHERE id = ?", {id});
  const std::int64_t customer = app->i64(0);
  std::string progress_text = str(pr, "next_step");
  std::string lead, phone;
  if (auto* c = pr.if_contains("contact"); c && c->is_object()) {
    lead = str(c->as_object(), "name");
    phone = str(c->as_object(), "phone");
  }
  bj::array recipients;
  int queued = 0;
  for (auto& r : conn.query("SELECT id, name, mobile, notice_types FROM contacts WHERE customer_id = ? AND active = 1 AND mobile IS NOT NULL "
                            "AND mobile <> '' ORDER BY id",
                            {customer})) {
    bool takes = false;
    const std::string types = "," + r.str(3) + ",";
    takes = types.find(",expansion,") != std::string::npos;
    if (!takes) continue;
    notify::ExternalNotice n;
    n.channel = notify::Channel::sms;
    n.address = r.str(2);
    n.kind = "expansion_progress";
    n.params = {{"customer", str(pr, "customer_name")}, {"number", str(pr, "number")}, {"title", str(pr, "title")},
                {"progress", progress_text},          {"lead", lead},
                {"phone", phone.empty() ? "" : "（" + phone + "）"}};
    n.ref_entity = "expansion_application";
    n.ref_id = std::to_string(id);
    n.dedupe_key = "expansion_progress:" + std::to_string(id) + ":v" + std::to_string(app->i64(1)) + ":c" + std::to_string(r.i64(0));
    queued += notify::enqueue_external(conn, n, now);
    recipients.push_back(bj::object{{"name", r.str(1)}, {"mobile", r.str(2)}});
  }
  if (recipients.empty())
    throw AppError(ErrorCode::conflict, "no contact of the customer takes business-expansion notices (notice type expansion) on a mobile number");
  if (queued > 0) {
    timeline::Event ev;
    ev.customer_id = customer;
    ev.at = now;
    ev.kind = "message";
    ev.source = "expansion";
    ev.title = "业扩申请" + str(pr, "number") + "：短信告知办理进度";
    ev.body = progress_text;
    ev.ref_entity = "expansion_application";
    ev.ref_id = std::to_string(id);
    timeline::add(conn, p.actor(), ev);
    audit::Entry e;
    e.action = "send_progress";
    e.entity = "expansion_application";
    e.entity_id = std::to_string(id);
    e.org_path = app->str(2);
    e.after_json = json::serialize(bj::object{{"recipients", recipients.size()}, {"queued", queued}});
    audit::record(conn, p.actor(), e);
  }
  return bj::object{{"queued", queued}, {"recipients", std::move(recipients)}};
}

}  // namespace lianxin::expansion
