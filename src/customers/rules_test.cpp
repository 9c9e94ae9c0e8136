#include <gtest/gtest.h>

#include "customers/rules.hpp"

using namespace lianxin::customers;

TEST(CreditCode, CheckCharacter) {
  // Built with the GB 32100-2015 weights: every valid code's 18th character is the check.
  std::string base = "91530100MA6K8L3X2";
  char check = credit_code_check_char(base);
  EXPECT_EQ(credit_code_problem(base + check), "");
  // Changing any one character breaks the check.
  std::string wrong = base + (check == '0' ? '1' : '0');
  EXPECT_EQ(credit_code_problem(wrong), "check character is wrong");
}

TEST(CreditCode, KnownPublishedCodes) {
  // The example code of the GB 32100-2015 explanatory material.
  EXPECT_EQ(credit_code_problem("91350100M000100Y43"), "");
  EXPECT_EQ(credit_code_problem("91350100M000100Y44"), "check character is wrong");
}

TEST(CreditCode, RejectsShapeErrors) {
  EXPECT_NE(credit_code_problem("123"), "");
  EXPECT_NE(credit_code_problem("91530100MA6K8L3XI0"), "");  // I is not allowed
  EXPECT_NE(credit_code_problem("91ABCDEFMA6K8L3X20"), "");  // division code must be digits
}

TEST(Mobile, NormalisesCommonForms) {
  EXPECT_EQ(normalize_mobile("13812345678"), "13812345678");
  EXPECT_EQ(normalize_mobile("+86 138-1234-5678"), "13812345678");
  EXPECT_EQ(normalize_mobile("8613812345678"), "13812345678");
  EXPECT_FALSE(normalize_mobile("12812345678"));
  EXPECT_FALSE(normalize_mobile("1381234567"));
  EXPECT_FALSE(normalize_mobile("138123456ab"));
}

TEST(Formats, EmailAccountTags) {
  EXPECT_TRUE(valid_email("a@b.cn"));
  EXPECT_FALSE(valid_email("a@b"));
  EXPECT_FALSE(valid_email("<script>@x.cn x"));
  EXPECT_TRUE(valid_account_no("0530001234"));
  EXPECT_FALSE(valid_account_no("05300"));
  EXPECT_FALSE(valid_account_no("0530-001234"));
  EXPECT_EQ(normalize_tags({" 冶金, 高耗能 ,冶金", ""}), (std::vector<std::string>{"冶金", "高耗能"}));
}

TEST(CodeLists, ImportanceClassesFollowGBT29328) {
  EXPECT_TRUE(is_code_in(importance_classes(), "special"));
  EXPECT_TRUE(is_code_in(importance_classes(), "temporary"));
  EXPECT_FALSE(is_code_in(importance_classes(), "third"));
}
