#pragma once
// The append-only audit log: every write records who, when, from where, what, before → after,
// in the same transaction as the change. The table refuses UPDATE and DELETE (triggers).
#include <string>

#include "auth/model.hpp"
#include "storage/db.hpp"

namespace lianxin::audit {

struct Entry {
  std::string action;     // create, update, delete, login, merge, import, ...
  std::string entity;     // customer, account, contact, user, org_unit, api_key, session, ...
  std::string entity_id;
  std::string org_path;   // scope of the record, for auditors of a subtree; empty = company level
  std::string before_json;
  std::string after_json;
};

void record(storage::Connection& conn, const auth::Actor& actor, const Entry& entry);

}  // namespace lianxin::audit

namespace lianxin::audit {
// Exports are not writes, but who took which data out of the system matters: record them too.
void record_export(storage::Connection& conn, const auth::Actor& actor, const std::string& entity, std::int64_t rows,
                   const std::string& target);
}  // namespace lianxin::audit
