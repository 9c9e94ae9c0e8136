#include "audit/audit.hpp"

#include "common/clock.hpp"
#include "common/strings.hpp"

namespace lianxin::audit {

void record(storage::Connection& conn, const auth::Actor& actor, const Entry& e) {
  using storage::text_or_null;
  conn.execute(
      "INSERT INTO audit_log(at, user_id, username, ip, request_id, action, entity, entity_id, org_path, "
      "before_json, after_json) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
      {now_millis(), actor.user_id ? storage::Value(actor.user_id) : storage::null_value(),
       actor.username.empty() ? std::string("system") : actor.username, text_or_null(actor.ip),
       text_or_null(actor.request_id), e.action, e.entity, text_or_null(e.entity_id), text_or_null(e.org_path),
       text_or_null(e.before_json), text_or_null(e.after_json)});
}

}  // namespace lianxin::audit

namespace lianxin::audit {
void record_export(storage::Connection& conn, const auth::Actor& actor, const std::string& entity, std::int64_t rows,
                   const std::string& target) {
  std::string after = "{\"rows\":" + std::to_string(rows) + ",\"request\":\"" + json_escape(target) + "\"}";
  record(conn, actor, {"export", entity, "", "", "", after});
}
}  // namespace lianxin::audit
