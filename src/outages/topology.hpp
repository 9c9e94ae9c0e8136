#pragma once
// The supply topology in the database: its import from the CSV/XLSX a GIS or dispatch system
// exports (substations, lines, sections behind switches, transformer areas, and the accounts'
// sources), browsing it, and the accounts an outage scope cuts. Commands run in the caller's
// transaction.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "outages/rules.hpp"
#include "storage/db.hpp"

namespace lianxin::outages {

// One row per node: 类型 (substation/变电站, line/线路, section/分段, area/台区, account/户号),
// 编码, 名称, 上级编码 (a line's substation, a section's line or upstream section, an area's line
// or section, an account's line, section or area), 电压等级kV, 所属单位 (org code of a
// substation), 开关编号 (the switch at a section's head), 容量kVA (an area's), 电源序号 (an
// account's source 1–3). New codes are added, known ones updated; the whole file is checked first
// (unknown kinds and references, cycles, parents of the wrong kind, accounts that do not exist,
// substations outside the caller's org subtree) and any problem writes nothing: every problem is
// reported with its row and column.
boost::json::object import_topology(storage::Connection& conn, const auth::Principal& p, const std::string& bytes,
                                    const std::string& file_name, Millis now);
std::string topology_template_csv();

// Substations with their lines in the caller's subtree; for one line its sections as a tree with
// their transformer areas and the number of accounts fed.
boost::json::object list_substations(storage::Connection& conn, const auth::Principal& p);
boost::json::object line_tree(storage::Connection& conn, const auth::Principal& p, std::int64_t line_id);

struct AffectedAccount {
  std::int64_t account_id = 0, customer_id = 0;
  Effect effect = Effect::none;
};
// The accounts the scope cuts or leaves on one source, from the topology (ids of lines, sections,
// areas and accounts).
std::vector<AffectedAccount> affected_accounts(storage::Connection& conn, const Scope& scope);

}  // namespace lianxin::outages
