#pragma once
// Commands and queries of the customer archive. Every command runs inside the caller's
// transaction, checks the principal's scope, validates, writes the audit log and the timeline.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"
#include "text/text.hpp"

namespace lianxin::customers {

// PATCH semantics: outer nullopt = not given; inner nullopt = clear the value.
template <class T>
using Patch = std::optional<std::optional<T>>;

struct CustomerFields {
  Patch<std::string> name, credit_code, industry_code, address, importance_class, outage_sensitivity, credit_grade;
  Patch<std::vector<std::string>> tags;
  Patch<std::int64_t> org_unit_id, group_id, manager_id, backup_manager_id;
  Patch<bool> is_group, is_key_account;
  Patch<double> annual_kwh;
};

struct AccountFields {
  Patch<std::string> account_no, name, voltage_level, tariff_category, basic_charge_mode, address, status;
  Patch<std::int64_t> contract_capacity_kva, supply_sources, line_id, transformer_area_id;
  Patch<bool> emergency_power;
};

struct ContactFields {
  Patch<std::string> name, role, mobile, email;
  Patch<std::vector<std::string>> notice_types;
  Patch<bool> active;
};

struct ListFilter {
  std::optional<std::string> q;
  std::optional<std::int64_t> org_unit_id, manager_id;
  std::optional<std::string> importance_class, industry_code, tag, status;
  std::optional<bool> is_key_account, is_group;
  std::int64_t limit = 20, offset = 0;
};

// Appends the caller's customer scope to a WHERE clause on alias `c`.
void append_scope(const auth::Principal& p, storage::Backend backend, std::string& where, storage::Params& params);

// Queries (return JSON ready for the API; they enforce scope and throw not_found outside it).
boost::json::object list_customers(storage::Connection& conn, const auth::Principal& p, const ListFilter& f,
                                   std::int64_t* total);
std::vector<boost::json::object> list_customers_for_export(storage::Connection& conn, const auth::Principal& p,
                                                          ListFilter f, std::size_t max_rows);
boost::json::object customer_360(storage::Connection& conn, const auth::Principal& p, std::int64_t id);
boost::json::object timeline_page(storage::Connection& conn, const auth::Principal& p, std::int64_t id,
                                  std::optional<std::string> kind, std::int64_t limit, std::int64_t offset);
boost::json::object search(storage::Connection& conn, const auth::Principal& p, const std::string& q, std::int64_t limit);
boost::json::object lookup_phone(storage::Connection& conn, const auth::Principal& p, const std::string& phone);

// Commands.
std::int64_t create_customer(storage::Connection& conn, const auth::Principal& p, const CustomerFields& f);
void update_customer(storage::Connection& conn, const auth::Principal& p, std::int64_t id, const CustomerFields& f,
                     std::optional<std::int64_t> expected_version);
void set_customer_status(storage::Connection& conn, const auth::Principal& p, std::int64_t id, bool active,
                         const std::string& reason);
void merge_customers(storage::Connection& conn, const auth::Principal& p, std::int64_t keep_id,
                     std::int64_t duplicate_id, const std::string& reason);
// The merges a customer took part in (kept or folded in), with what moved and until when each can
// be undone (setting customers.merge_undo_days).
boost::json::object list_merges(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id, Millis now);
// Moves every recorded row back to the duplicate, restores its status, credit code and group
// membership; within the period, once, with a reason. Returns the duplicate's id.
std::int64_t undo_merge(storage::Connection& conn, const auth::Principal& p, std::int64_t merge_id, const std::string& reason, Millis now);
std::int64_t create_account(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id,
                            const AccountFields& f);
void update_account(storage::Connection& conn, const auth::Principal& p, std::int64_t account_id, const AccountFields& f);
std::int64_t create_contact(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id,
                            const ContactFields& f);
void update_contact(storage::Connection& conn, const auth::Principal& p, std::int64_t contact_id, const ContactFields& f);
std::int64_t log_interaction(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id,
                             const std::string& kind, const std::string& title, const std::string& body,
                             std::int64_t at, std::optional<std::string> follow_up_due);
void close_follow_up(storage::Connection& conn, const auth::Principal& p, std::int64_t event_id);

// The search document of a customer: the text library's document, plus a marker token for key
// accounts so that search can rank them first without enumerating every match.
inline constexpr const char* kKeyAccountToken = "xkeyaccountx";
std::string search_document(const text::SearchFields& fields, bool key_account);

// Format version of the search documents this binary writes; bump it when the text library's
// token scheme changes, and servers rebuild the index at start-up.
inline constexpr int kSearchDocumentVersion = 2;
// Rebuilds every search document when the stored version differs (in batches, one transaction
// each; returns the number of customers re-indexed, 0 when up to date).
std::int64_t ensure_search_index(storage::Database& db);

// Search documents written after the rows (large imports): the customers' ids are queued in
// ranges (search_backlog) in the import's transaction and indexed in batches afterwards by the
// import job, `lianxin import` and the scheduler's search_backlog task. Until then those
// customers are in the archive but not found by search; search_backlog_size says how many wait.
void queue_search(storage::Connection& conn, std::vector<std::int64_t> ids);
// Indexes up to `limit` queued customers in the caller's transaction; returns how many.
std::int64_t index_search_backlog(storage::Connection& conn, std::int64_t limit);
// Drains the backlog, one transaction per batch, calling `progress` with the customers still
// waiting after each; returns the customers indexed.
std::int64_t drain_search_backlog(storage::Database& db, const std::function<void(std::int64_t)>& progress = {});
// Customers waiting for their search documents (an upper bound: a range may hold removed ids).
std::int64_t search_backlog_size(storage::Connection& conn);

// Rebuilds the search document of one customer (name, 户号, contact phones, credit code).
void refresh_search(storage::Connection& conn, std::int64_t customer_id);
// Raw search-document write (used by bulk import and demo data with prepared documents);
// `fresh` skips removing an old document of a customer that has none yet.
enum class SearchWrite { replace, fresh };
void write_search_document(storage::Connection& conn, std::int64_t customer_id, const std::string& doc,
                           SearchWrite mode = SearchWrite::replace);

// Loads a customer's org path and managers and checks the principal may see it; throws not_found.
struct Visibility {
  std::string org_path;
  std::optional<std::int64_t> manager_id, backup_manager_id;
  std::string status;
};
Visibility require_visible(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id);

}  // namespace lianxin::customers
