#pragma once
// What outages did: every interruption kept per account (count and duration) with the customer's
// timeline entry at restoration, and supply reliability per line and per bureau (rules_cn §9:
// AIHC-1 hours per customer, SAIFI interruptions per customer, RS-1). Plus the XLSX exports of the
// outage lists.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/fwd.hpp>

#include "auth/model.hpp"
#include "common/clock.hpp"
#include "storage/db.hpp"

namespace lianxin::outages {

// At restoration: one timeline entry per customer cut ("停电恢复", how long it lasted).
void record_restoration(storage::Connection& conn, const auth::Actor& actor, std::int64_t outage_id, Millis now);

// A customer's interruptions (outages that cut one of its accounts and began), newest first, with
// totals and per account, and the outages still to come: {from, to, totals: {interruptions,
// minutes, planned, unplanned}, accounts: [...], items: [...], upcoming: [...]}. Period: the
// actual start between from and to (YYYY-MM-DD; default the last 365 days).
boost::json::object customer_interruptions(storage::Connection& conn, const auth::Principal& p, std::int64_t customer_id,
                                           const std::optional<std::string>& from, const std::optional<std::string>& to, Millis now);

struct ReliabilityQuery {
  std::string from, to;  // YYYY-MM-DD inclusive
  std::string group_by = "bureau";  // bureau or line
};
ReliabilityQuery reliability_query(const std::optional<std::string>& from, const std::optional<std::string>& to,
                                   const std::optional<std::string>& group_by, Millis now);
// Per line or bureau in the caller's scope: accounts, customer interruptions, customer hours
// (durations clipped to the period; an outage not yet restored counts until now), AIHC-1, SAIFI,
// RS-1 and RS-3 (without orderly-power-use limitation).
boost::json::object reliability_report(storage::Connection& conn, const auth::Principal& p, const ReliabilityQuery& q, Millis now);
std::string reliability_xlsx(const boost::json::object& report, bool zh);

// The XLSX of an outage list page and of an outage's affected accounts (the JSON the list routes give).
std::string outages_xlsx(const boost::json::object& list, bool zh);
std::string affected_xlsx(const boost::json::object& detail, const boost::json::object& list, bool zh);

}  // namespace lianxin::outages
