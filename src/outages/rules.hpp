#pragma once
// Outages (停电/限电): pure rules. Which accounts an outage cuts, given the supply topology and the
// outage's scope; which lead time a notice needs before the outage (rules_cn §1.1 第二条, §4.2);
// the order of an outage's states; and the checks of a topology file (cycles, orphans, unknown
// references). No I/O.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace lianxin::outages {

// 计划检修, 临时检修, 故障, 欠费停电 (per account), 有序用电/限电, 转供电短时停电 (seconds).
enum class Kind { planned, temporary, fault, arrears, limitation, transfer };
enum class Status { draft, checked, approved, notified, in_progress, restored, cancelled };

const char* kind_code(Kind k);
const char* status_code(Status s);
std::optional<Kind> kind_from(const std::string& code);
std::optional<Status> status_from(const std::string& code);

// draft → checked → approved → notified → in_progress → restored; cancelled from any state before
// in_progress; back to draft from checked (to change the scope). Faults skip planning: they start
// in_progress. Returns why not, or nullopt.
std::optional<std::string> transition_problem(Status from, Status to);

// ---- affected accounts -------------------------------------------------------------------------
// A source of supply resolved to its line, its section (0 = right behind the line's breaker or
// unknown) and its transformer area (0 = fed directly from the line).
struct Source {
  std::int64_t line = 0, section = 0, area = 0;
};

// What an outage switches off: whole lines, sections (with every section downstream of them),
// transformer areas, and single accounts (arrears).
struct Scope {
  std::unordered_set<std::int64_t> lines, sections, areas, accounts;
};

// The sections below each section (parent → children), for the downstream closure.
using SectionChildren = std::unordered_map<std::int64_t, std::vector<std::int64_t>>;

// The sections switched off: the scoped ones and all downstream of them.
std::unordered_set<std::int64_t> sections_out(const Scope& scope, const SectionChildren& children);

enum class Effect { none, out, one_source };
// An account is out when every one of its sources is; running on one source when some are. An
// account named in the scope is out whatever its sources.
Effect effect_of(std::int64_t account, const std::vector<Source>& sources, const Scope& scope,
                 const std::unordered_set<std::int64_t>& out_sections);

// ---- lead time ----------------------------------------------------------------------------------
struct LeadRules {
  int planned_days = 7;       // rules_cn §1.1 第二条 [V]
  int temporary_hours = 24;   // to important customers [V]
  int arrears_days = 3;       // 停电通知书 3–7 days before [S]
  int transfer_hours = 24;    // our choice [U]
};
// The notice needed before an outage of `kind`, in milliseconds, for a customer who is important
// (重要用户: an importance class) or not; 0 = no lead time (faults, limitation by the published
// sequence, temporary maintenance for customers who are not important).
std::int64_t required_lead_ms(Kind kind, bool important, const LeadRules& rules);
// When notices go out at `notify_at` for an outage starting at `start`: the shortfall in
// milliseconds (0 = in time).
std::int64_t lead_shortfall_ms(Kind kind, bool important, std::int64_t start, std::int64_t notify_at, const LeadRules& rules);

// The latest time a notice may go out for an outage starting at `start` that needs `lead_ms` of
// notice. With `working_days_only`, a latest time that falls on a day that is not a working day
// (weekend, official day off) moves back to 17:30 of the working day before — the notice is sent by
// staff at work (our policy, setting outages.notice_on_working_days). `is_working_day` answers for
// a Shanghai date given as days since 1970-01-01; it is asked about at most 60 days back.
std::int64_t latest_notice_time(std::int64_t start, std::int64_t lead_ms, bool working_days_only,
                                const std::function<bool(std::int32_t)>& is_working_day);

// ---- confirmation follow-up ----------------------------------------------------------------------
// The follow-up stage a key account that has not confirmed its notice should be at, at `now`: 0
// none yet, 1 a task for its account manager (from `ack_before_hours` before the start), 2
// escalated to the manager's leaders (from `escalate_hours` before the start). After the start
// the follow-up stops where it is (returns `current`). Never goes back.
int followup_stage(std::int64_t now, std::int64_t start, int ack_before_hours, int escalate_hours, int current);

// ---- reliability --------------------------------------------------------------------------------
// Supply reliability over a period (rules_cn §9, DL/T 836): for `customers` accounts, the number of
// customer interruptions and their summed duration in hours.
//   AIHC-1 (SAIDI) = customer hours / customers, SAIFI = interruptions / customers,
//   RS-1 = 1 − AIHC-1 / period hours.
// With no customers all three are 0 / 0 / 1.
struct Reliability {
  double aihc = 0, saifi = 0, rs1 = 1;
};
Reliability reliability(std::int64_t customers, std::int64_t interruptions, double customer_hours, double period_hours);

// ---- topology file -----------------------------------------------------------------------------
// One row of a topology file after parsing: a node of kind substation, line, section or area with
// its code and its parent's code (a line's substation, a section's line or upstream section, an
// area's line or section). Row numbers for errors.
struct TopologyRow {
  std::int64_t row = 0;
  std::string kind, code, name, parent;
};
struct TopologyProblem {
  std::int64_t row = 0;
  std::string field, message;
};
// Unknown kinds, duplicate codes, parents that are missing (neither in the file nor in `known`,
// the codes already in the database by kind), parents of the wrong kind, and cycles among
// sections (through the file's sections and the database's, whose parents `known_section_parents`
// maps code → parent code). `known` maps a code to its kind.
std::vector<TopologyProblem> check_topology(const std::vector<TopologyRow>& rows,
                                            const std::unordered_map<std::string, std::string>& known,
                                            const std::unordered_map<std::string, std::string>& known_section_parents = {});

}  // namespace lianxin::outages
