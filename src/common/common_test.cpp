#include <gtest/gtest.h>

#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/strings.hpp"

using namespace lianxin;

TEST(Clock, ParsesInstantsWithZones) {
  EXPECT_EQ(parse_iso_instant("1970-01-01T00:00:00Z", "at"), 0);
  EXPECT_EQ(parse_iso_instant("1970-01-01T08:00:00+08:00", "at"), 0);
  EXPECT_EQ(parse_iso_instant("2026-11-22T09:30:00.250+08:00", "at"), parse_iso_instant("2026-11-22T01:30:00.25Z", "at"));
  EXPECT_EQ(format_iso_utc(parse_iso_instant("2024-02-29T23:59:59.999Z", "at")), "2024-02-29T23:59:59.999Z");
}

TEST(Clock, RejectsBadInstantsNamingTheField) {
  for (const char* bad : {"2026-11-22", "2026-13-01T00:00Z", "2026-02-30T00:00Z", "2026-11-22T09:30", "garbage",
                          "2026-11-22T24:00:00Z", "2026-11-22T09:30:00+0800"}) {
    try {
      parse_iso_instant(bad, "from");
      FAIL() << bad;
    } catch (const AppError& e) {
      ASSERT_EQ(e.code(), ErrorCode::validation_failed) << bad;
      ASSERT_EQ(e.issues().at(0).field, "from");
    }
  }
}

TEST(Clock, ShanghaiDateCrossesMidnight) {
  EXPECT_EQ(shanghai_date(parse_iso_instant("2026-11-22T16:00:00Z", "at")), "2026-11-23");
  EXPECT_EQ(shanghai_date(parse_iso_instant("2026-11-22T15:59:59Z", "at")), "2026-11-22");
  EXPECT_TRUE(is_valid_date("2024-02-29"));
  EXPECT_FALSE(is_valid_date("2025-02-29"));
  EXPECT_FALSE(is_valid_date("2025-2-28"));
  EXPECT_EQ(format_shanghai_minute(parse_iso_instant("2026-11-22T16:05:59Z", "at")), "2026-11-23 00:05");
  EXPECT_EQ(format_shanghai_minute(parse_iso_instant("1969-12-31T15:59:00Z", "at")), "1969-12-31 23:59");
}

TEST(Strings, Utf8AndEscaping) {
  EXPECT_TRUE(is_valid_utf8("云南锡业"));
  EXPECT_FALSE(is_valid_utf8(std::string("\xC3\x28", 2)));
  EXPECT_FALSE(is_valid_utf8(std::string("\xE4\xBD", 2)));  // truncated
  EXPECT_FALSE(is_valid_utf8(std::string("\xED\xA0\x80", 3)));  // surrogate
  EXPECT_EQ(json_escape("a\"b\\c\n<script>"), "a\\\"b\\\\c\\n<script>");
  EXPECT_EQ(trim("\xE3\x80\x80 名称 \t"), "名称");
}

TEST(Errors, OneMappingToHttp) {
  EXPECT_EQ(http_status_for(ErrorCode::validation_failed), 422);
  EXPECT_EQ(http_status_for(ErrorCode::payload_too_large), 413);
  EXPECT_EQ(http_status_for(ErrorCode::not_found), 404);
  EXPECT_STREQ(error_code_name(ErrorCode::csrf_failed), "csrf_failed");
}

#include "common/messages.hpp"

TEST(Messages, ChineseWordingKeepsTheVariableParts) {
  EXPECT_EQ(localize("is required", Lang::zh), "必填");
  EXPECT_EQ(localize("is required", Lang::en), "is required");
  EXPECT_EQ(localize("same credit code as row 12", Lang::zh), "与第 12 行的统一社会信用代码重复");
  EXPECT_EQ(localize("2 error(s) in 1 row(s); nothing was imported", Lang::zh), "2 处错误，涉及 1 行；未导入任何数据");
  EXPECT_EQ(localize("3 inserted, 2 updated", Lang::zh), "新增 3 条，更新 2 条");
  EXPECT_EQ(localize("3 inserted, 2 updated, 1 row(s) with errors skipped", Lang::zh), "新增 3 条，更新 2 条，跳过有错误的 1 行");
  EXPECT_EQ(localize("unknown org unit 'DC09'", Lang::zh), "单位编码“DC09”不存在");
  EXPECT_EQ(localize("unknown org unit", Lang::zh), "单位不存在");
  EXPECT_EQ(localize("something new", Lang::zh), "something new");
  EXPECT_EQ(localize("a callback needs a closed claim (it is accepted)", Lang::zh), "工单办结后才能回访（当前：处理中）");
  EXPECT_EQ(localize("must be one of V, S, U, P", Lang::zh), "须为 V、S、U、P 之一");
  EXPECT_EQ(localize("current version is 7", Lang::zh), "当前版本为 7");
  EXPECT_EQ(localize("a reason is required to escalate", Lang::zh), "提级须填写原因");
  EXPECT_EQ(lang_from_header("zh-CN,zh;q=0.9"), Lang::zh);
  EXPECT_EQ(lang_from_header("en-US"), Lang::en);
  EXPECT_EQ(lang_from_header(""), Lang::en);
}
