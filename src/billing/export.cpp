// The unified statement as a workbook (io/xlsx) and as a PDF (io/pdf), labelled in Chinese or English.
#include <cstdio>

#include "billing/groups.hpp"
#include "io/pdf.hpp"
#include "io/xlsx.hpp"

namespace lianxin::billing {

namespace {

struct Labels {
  bool zh;
  const char* pick(const char* chinese, const char* english) const { return zh ? chinese : english; }
};

std::vector<std::string> header(const Labels& l) {
  return {l.pick("地区", "Region"),          l.pick("客户名称", "Customer"),       l.pick("户号", "Account no."),
          l.pick("户名", "Account name"),     l.pick("尖峰电量", "Sharp kWh"),     l.pick("峰电量", "Peak kWh"),
          l.pick("平电量", "Flat kWh"),       l.pick("谷电量", "Valley kWh"),      l.pick("总电量(kWh)", "Total kWh"),
          l.pick("应收电费(元)", "Billed (yuan)"), l.pick("实收电费(元)", "Paid (yuan)"), l.pick("欠费(元)", "Arrears (yuan)"),
          l.pick("备注", "Note")};
}

std::string title_of(const GroupStatement& s, const Labels& l) {
  return s.group_name + (l.zh ? " 统一结算单（" + s.period + "）" : " unified statement (" + s.period + ")");
}

std::vector<std::string> about(const GroupStatement& s, const Labels& l) {
  std::vector<std::string> lines;
  const std::string generated = format_shanghai_minute(s.generated_at);
  if (l.zh) {
    lines.push_back("集团：" + s.group_name + (s.credit_code.empty() ? "" : "（统一社会信用代码 " + s.credit_code + "）"));
    lines.push_back("账期：" + s.period + "    成员：" + std::to_string(s.members) + " 户    用电户号：" +
                    std::to_string(s.statement.total.accounts) + " 个（已出账 " + std::to_string(s.statement.total.billed) +
                    " 个）    生成时间：" + generated);
  } else {
    lines.push_back("Group: " + s.group_name + (s.credit_code.empty() ? "" : " (credit code " + s.credit_code + ")"));
    lines.push_back("Period: " + s.period + "    members: " + std::to_string(s.members) + "    accounts: " +
                    std::to_string(s.statement.total.accounts) + " (billed " + std::to_string(s.statement.total.billed) +
                    ")    generated: " + generated);
  }
  return lines;
}

std::vector<std::string> notes(const GroupStatement& s, const Labels& l) {
  std::vector<std::string> out;
  out.push_back(l.pick("金额单位：元；电量单位：千瓦时（kWh）。无本月账单的户号只列出，不计入合计。",
                       "Amounts in yuan, energy in kWh. Accounts without a bill for the month are listed but not summed."));
  if (s.omitted_members > 0)
    out.push_back(l.zh ? "注意：另有 " + std::to_string(s.omitted_members) + " 个成员不在您的数据权限范围内，未列入本结算单。"
                       : "Note: " + std::to_string(s.omitted_members) +
                             " member(s) outside your data scope are not included in this statement.");
  return out;
}

}  // namespace

std::string statement_xlsx(const GroupStatement& s, const std::string& lang) {
  const Labels l{lang != "en"};
  io::Sheet sheet;
  sheet.name = l.pick("统一结算单", "Statement");
  sheet.header = header(l);
  auto totals_row = [&](const std::string& region, const std::string& label, const Totals& t) {
    std::vector<io::Cell> row{region, label, std::string(), std::string(), t.kwh_sharp, t.kwh_peak, t.kwh_flat,
                              t.kwh_valley, t.kwh_total, t.amount_fen / 100.0, t.paid_fen / 100.0, t.arrears_fen / 100.0,
                              std::string(l.zh ? "户号 " + std::to_string(t.accounts) + " 个，已出账 " + std::to_string(t.billed) + " 个"
                                               : std::to_string(t.accounts) + " accounts, " + std::to_string(t.billed) + " billed")};
    sheet.rows.push_back(std::move(row));
  };
  for (const StatementRegion& r : s.statement.regions) {
    for (const StatementLine& line : r.lines) {
      std::vector<io::Cell> row{line.bureau_name, line.customer_name, line.account_no, line.account_name};
      if (line.bill) {
        const BillValues& b = *line.bill;
        for (double v : {b.kwh_sharp, b.kwh_peak, b.kwh_flat, b.kwh_valley, b.kwh_total}) row.emplace_back(v);
        for (std::int64_t v : {b.amount_fen, b.paid_fen, b.arrears_fen}) row.emplace_back(v / 100.0);
        row.emplace_back(std::string());
      } else {
        for (int i = 0; i < 8; ++i) row.emplace_back(std::monostate{});
        row.emplace_back(std::string(l.pick("无本月账单", "no bill for the month")));
      }
      sheet.rows.push_back(std::move(row));
    }
    totals_row(r.bureau_name, l.pick("小计", "Subtotal"), r.subtotal);
  }
  totals_row(l.pick("合计", "Total"), "", s.statement.total);

  io::Sheet info;
  info.name = l.pick("说明", "About");
  info.header = {l.pick("项目", "Item"), l.pick("内容", "Value")};
  info.rows.push_back({std::string(l.pick("集团", "Group")), s.group_name});
  info.rows.push_back({std::string(l.pick("统一社会信用代码", "Credit code")), s.credit_code});
  info.rows.push_back({std::string(l.pick("账期", "Period")), s.period});
  info.rows.push_back({std::string(l.pick("成员数", "Members")), s.members});
  info.rows.push_back({std::string(l.pick("未列入的成员（权限范围外）", "Members left out (outside your scope)")), s.omitted_members});
  info.rows.push_back({std::string(l.pick("生成时间", "Generated at")), format_shanghai_minute(s.generated_at)});
  for (auto& n : notes(s, l)) info.rows.push_back({std::string(l.pick("说明", "Note")), n});
  return io::write_xlsx({sheet, info});
}

std::string statement_pdf(const GroupStatement& s, const std::string& lang) {
  const Labels l{lang != "en"};
  io::PdfTable t;
  t.title = title_of(s, l);
  t.subtitle = about(s, l);
  t.notes = notes(s, l);
  if (!l.zh) t.page_label = "page {page} of {pages}";
  const auto names = header(l);
  // Figures up to hundreds of millions with decimals (14 characters of 0.6 em in Courier) must fit:
  // 6.5-point text, numeric columns wider than names.
  t.font_size = 6.5;
  const std::vector<double> widths = {1.7, 2.4, 1.6, 1.2, 1.9, 1.9, 1.9, 1.9, 2.0, 2.0, 2.0, 2.0, 1.6};
  for (std::size_t i = 0; i < names.size(); ++i)
    t.columns.push_back({names[i], widths[i], i >= 4 && i <= 11 ? io::Align::right : io::Align::left});
  auto totals_row = [&](const std::string& region, const std::string& label, const Totals& totals, io::RowStyle style) {
    t.rows.push_back({{region, label, "", "", format_kwh(totals.kwh_sharp), format_kwh(totals.kwh_peak), format_kwh(totals.kwh_flat),
                       format_kwh(totals.kwh_valley), format_kwh(totals.kwh_total), format_yuan(totals.amount_fen),
                       format_yuan(totals.paid_fen), format_yuan(totals.arrears_fen),
                       l.zh ? "已出账 " + std::to_string(totals.billed) + "/" + std::to_string(totals.accounts)
                            : std::to_string(totals.billed) + "/" + std::to_string(totals.accounts) + " billed"},
                      style});
  };
  for (const StatementRegion& r : s.statement.regions) {
    for (const StatementLine& line : r.lines) {
      io::PdfRow row;
      row.cells = {line.bureau_name, line.customer_name, line.account_no, line.account_name};
      if (line.bill) {
        const BillValues& b = *line.bill;
        for (double v : {b.kwh_sharp, b.kwh_peak, b.kwh_flat, b.kwh_valley, b.kwh_total}) row.cells.push_back(format_kwh(v));
        for (std::int64_t v : {b.amount_fen, b.paid_fen, b.arrears_fen}) row.cells.push_back(format_yuan(v));
        row.cells.push_back("");
      } else {
        for (int i = 0; i < 8; ++i) row.cells.push_back("-");
        row.cells.push_back(l.pick("无本月账单", "no bill"));
      }
      t.rows.push_back(std::move(row));
    }
    totals_row(r.bureau_name, l.pick("小计", "Subtotal"), r.subtotal, io::RowStyle::subtotal);
  }
  totals_row(l.pick("合计", "Total"), "", s.statement.total, io::RowStyle::total);
  return io::write_pdf(t);
}

}  // namespace lianxin::billing
