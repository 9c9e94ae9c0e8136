#include "customers/export.hpp"

#include <boost/json.hpp>

#include "customers/rules.hpp"
#include "io/xlsx.hpp"

namespace lianxin::customers {
namespace {

std::string label(const std::vector<CodeLabel>& list, const boost::json::value& code, bool zh) {
  if (!code.is_string()) return {};
  for (auto& c : list)
    if (code.as_string() == c.code) return zh ? c.zh : c.en;
  return std::string(code.as_string());
}

std::string text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_bool()) return v.as_bool() ? "1" : "0";
  return {};
}

}  // namespace

std::string customers_xlsx(const std::vector<boost::json::object>& rows, const std::string& lang) {
  bool zh = lang != "en";
  io::Sheet sheet;
  sheet.name = zh ? "客户档案" : "Customers";
  sheet.header = zh ? std::vector<std::string>{"客户编号", "客户名称", "统一社会信用代码", "行业", "所属单位", "地址",
                                               "重要等级", "停电敏感度", "信用等级", "标签", "大客户", "集团",
                                               "客户经理", "备用客户经理", "户数", "年用电量(kWh)", "状态", "更新时间"}
                    : std::vector<std::string>{"ID", "Name", "Credit code", "Industry", "Org unit", "Address",
                                               "Importance class", "Outage sensitivity", "Credit grade", "Tags",
                                               "Key account", "Group", "Account manager", "Backup manager",
                                               "Accounts", "Annual kWh", "Status", "Updated at"};
  const std::string yes = zh ? "是" : "yes", no = zh ? "否" : "no";
  for (const auto& c : rows) {
    std::string tags;
    for (auto& t : c.at("tags").as_array()) {
      if (!tags.empty()) tags += ",";
      tags += t.as_string();
    }
    std::vector<io::Cell> row;
    row.emplace_back(c.at("id").as_int64());
    row.emplace_back(text(c.at("name")));
    row.emplace_back(text(c.at("credit_code")));
    row.emplace_back(text(c.at("industry_name")));
    row.emplace_back(text(c.at("org_unit_name")));
    row.emplace_back(text(c.at("address")));
    row.emplace_back(label(importance_classes(), c.at("importance_class"), zh));
    row.emplace_back(label(outage_sensitivities(), c.at("outage_sensitivity"), zh));
    row.emplace_back(text(c.at("credit_grade")));
    row.emplace_back(tags);
    row.emplace_back(c.at("is_key_account").as_bool() ? yes : no);
    row.emplace_back(text(c.at("group_name")));
    row.emplace_back(text(c.at("manager_name")));
    row.emplace_back(text(c.at("backup_manager_name")));
    row.emplace_back(c.at("account_count").as_int64());
    row.emplace_back(c.at("annual_kwh").to_number<double>());
    row.emplace_back(label(customer_statuses(), c.at("status"), zh));
    row.emplace_back(text(c.at("updated_at")));
    sheet.rows.push_back(std::move(row));
  }
  return io::write_xlsx({sheet});
}

}  // namespace lianxin::customers
