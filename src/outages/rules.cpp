#include "outages/rules.hpp"

#include <algorithm>

namespace lianxin::outages {

namespace {

constexpr std::int64_t kHour = 3'600'000;

struct KindCode {
  Kind kind;
  const char* code;
};
constexpr KindCode kKinds[] = {{Kind::planned, "planned"},       {Kind::temporary, "temporary"},   {Kind::fault, "fault"},
                               {Kind::arrears, "arrears"},       {Kind::limitation, "limitation"}, {Kind::transfer, "transfer"}};
struct StatusCode {
  Status status;
  const char* code;
};
constexpr StatusCode kStatuses[] = {{Status::draft, "draft"},           {Status::checked, "checked"},
                                    {Status::approved, "approved"},     {Status::notified, "notified"},
                                    {Status::in_progress, "in_progress"}, {Status::restored, "restored"},
                                    {Status::cancelled, "cancelled"}};

}  // namespace

const char* kind_code(Kind k) {
  for (auto& c : kKinds)
    if (c.kind == k) return c.code;
  return "";
}
const char* status_code(Status s) {
  for (auto& c : kStatuses)
    if (c.status == s) return c.code;
  return "";
}
std::optional<Kind> kind_from(const std::string& code) {
  for (auto& c : kKinds)
    if (code == c.code) return c.kind;
  return std::nullopt;
}
std::optional<Status> status_from(const std::string& code) {
  for (auto& c : kStatuses)
    if (code == c.code) return c.status;
  return std::nullopt;
}

std::optional<std::string> transition_problem(Status from, Status to) {
  auto is = [&](Status a, Status b) { return from == a && to == b; };
  if (is(Status::draft, Status::checked) || is(Status::checked, Status::draft) || is(Status::checked, Status::approved) ||
      is(Status::approved, Status::notified) || is(Status::notified, Status::in_progress) ||
      is(Status::approved, Status::in_progress) || is(Status::in_progress, Status::restored))
    return std::nullopt;
  if (to == Status::cancelled &&
      (from == Status::draft || from == Status::checked || from == Status::approved || from == Status::notified))
    return std::nullopt;
  (void)to;
  return std::string("this step is not allowed for an outage that is ") + status_code(from);
}

std::unordered_set<std::int64_t> sections_out(const Scope& scope, const SectionChildren& children) {
  std::unordered_set<std::int64_t> out;
  std::vector<std::int64_t> stack(scope.sections.begin(), scope.sections.end());
  while (!stack.empty()) {
    const std::int64_t s = stack.back();
    stack.pop_back();
    if (!out.insert(s).second) continue;  // a corrupt cycle ends here
    if (auto it = children.find(s); it != children.end())
      for (auto c : it->second) stack.push_back(c);
  }
  return out;
}

Effect effect_of(std::int64_t account, const std::vector<Source>& sources, const Scope& scope,
                 const std::unordered_set<std::int64_t>& out_sections) {
  if (scope.accounts.count(account)) return Effect::out;
  std::size_t down = 0;
  for (const Source& s : sources) {
    const bool off = scope.lines.count(s.line) || (s.section && out_sections.count(s.section)) || (s.area && scope.areas.count(s.area));
    down += off ? 1 : 0;
  }
  if (down == 0 || sources.empty()) return Effect::none;
  return down == sources.size() ? Effect::out : Effect::one_source;
}

std::int64_t required_lead_ms(Kind kind, bool important, const LeadRules& rules) {
  switch (kind) {
    case Kind::planned: return static_cast<std::int64_t>(rules.planned_days) * 24 * kHour;
    case Kind::temporary: return important ? static_cast<std::int64_t>(rules.temporary_hours) * kHour : 0;
    case Kind::arrears: return static_cast<std::int64_t>(rules.arrears_days) * 24 * kHour;
    case Kind::transfer: return important ? static_cast<std::int64_t>(rules.transfer_hours) * kHour : 0;
    case Kind::fault:
    case Kind::limitation: return 0;
  }
  return 0;
}

std::int64_t lead_shortfall_ms(Kind kind, bool important, std::int64_t start, std::int64_t notify_at, const LeadRules& rules) {
  const std::int64_t need = required_lead_ms(kind, important, rules);
  if (need == 0) return 0;
  return std::max<std::int64_t>(0, need - (start - notify_at));
}

std::vector<TopologyProblem> check_topology(const std::vector<TopologyRow>& rows,
                                            const std::unordered_map<std::string, std::string>& known,
                                            const std::unordered_map<std::string, std::string>& known_section_parents) {
  std::vector<TopologyProblem> problems;
  static const std::unordered_map<std::string, std::vector<std::string>> parents = {
      {"substation", {"org"}}, {"line", {"substation"}}, {"section", {"line", "section"}}, {"area", {"line", "section"}}};
  std::unordered_map<std::string, const TopologyRow*> by_code;
  for (const TopologyRow& r : rows) {
    if (!parents.count(r.kind)) {
      problems.push_back({r.row, "kind", "must be substation, line, section or area"});
      continue;
    }
    if (r.code.empty()) problems.push_back({r.row, "code", "is required"});
    else if (!by_code.emplace(r.code, &r).second) problems.push_back({r.row, "code", "appears twice in the file"});
    else if (auto k = known.find(r.code); k != known.end() && k->second != r.kind)
      problems.push_back({r.row, "code", "is a " + k->second + " already"});
    if (r.name.empty()) problems.push_back({r.row, "name", "is required"});
  }
  for (const TopologyRow& r : rows) {
    auto allowed = parents.find(r.kind);
    if (allowed == parents.end() || r.kind == "substation") continue;  // a substation's parent is its org unit, checked by the store
    if (r.parent.empty()) {
      problems.push_back({r.row, "parent", "is required"});
      continue;
    }
    std::string parent_kind;
    if (auto in_file = by_code.find(r.parent); in_file != by_code.end()) parent_kind = in_file->second->kind;
    else if (auto in_db = known.find(r.parent); in_db != known.end()) parent_kind = in_db->second;
    if (parent_kind.empty()) {
      problems.push_back({r.row, "parent", "unknown code '" + r.parent + "' (neither in the file nor in Lianxin)"});
      continue;
    }
    if (std::find(allowed->second.begin(), allowed->second.end(), parent_kind) == allowed->second.end())
      problems.push_back({r.row, "parent",
                          r.kind == "line" ? "the parent of a line must be a substation"
                                           : "the parent of a " + std::string(r.kind == "area" ? "transformer area" : "section") +
                                                 " must be a line or a section"});
  }
  // Cycles among sections (a section is its own ancestor), the file's parents taking precedence.
  const std::size_t limit = rows.size() + known_section_parents.size() + 1;
  for (const TopologyRow& r : rows) {
    if (r.kind != "section") continue;
    std::string at = r.parent;
    for (std::size_t steps = 0; steps <= limit; ++steps) {
      if (at == r.code) {
        problems.push_back({r.row, "parent", "sections form a cycle through '" + r.code + "'"});
        break;
      }
      if (auto next = by_code.find(at); next != by_code.end()) {
        if (next->second->kind != "section") break;
        at = next->second->parent;
      } else if (auto db = known_section_parents.find(at); db != known_section_parents.end()) {
        at = db->second;
      } else {
        break;
      }
    }
  }
  return problems;
}

std::int64_t latest_notice_time(std::int64_t start, std::int64_t lead_ms, bool working_days_only,
                                const std::function<bool(std::int32_t)>& is_working_day) {
  const std::int64_t latest = start - lead_ms;
  if (!working_days_only || lead_ms <= 0) return latest;
  constexpr std::int64_t kDay = 86'400'000, kShanghai = 8 * 3'600'000;
  const auto day_of = [&](std::int64_t at) {
    const std::int64_t local = at + kShanghai;
    return static_cast<std::int32_t>(local >= 0 ? local / kDay : (local - kDay + 1) / kDay);
  };
  std::int32_t day = day_of(latest);
  if (is_working_day(day)) return latest;
  for (int i = 0; i < 60; ++i) {
    --day;
    if (is_working_day(day)) return std::min<std::int64_t>(latest, static_cast<std::int64_t>(day) * kDay - kShanghai + (17 * 60 + 30) * 60'000);
  }
  return latest;
}

int followup_stage(std::int64_t now, std::int64_t start, int ack_before_hours, int escalate_hours, int current) {
  if (now >= start) return current;
  constexpr std::int64_t kHour = 3'600'000;
  const std::int64_t task_at = start - static_cast<std::int64_t>(ack_before_hours) * kHour;
  const std::int64_t escalate_at = std::max(task_at, start - static_cast<std::int64_t>(escalate_hours) * kHour);
  const int stage = now >= escalate_at ? 2 : now >= task_at ? 1 : 0;
  return std::max(current, stage);
}

Reliability reliability(std::int64_t customers, std::int64_t interruptions, double customer_hours, double period_hours) {
  Reliability r;
  if (customers <= 0) return r;
  r.aihc = customer_hours / static_cast<double>(customers);
  r.saifi = static_cast<double>(interruptions) / static_cast<double>(customers);
  r.rs1 = period_hours > 0 ? 1.0 - r.aihc / period_hours : 1.0;
  return r;
}

}  // namespace lianxin::outages
