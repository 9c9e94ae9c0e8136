#include "curves/codec.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "curves/rules.hpp"

namespace lianxin::curves {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::string read_curve_file(const std::string& name) {
  const char* env = std::getenv("LIANXIN_SHARED_DATA");
  const std::filesystem::path path = std::filesystem::path(env && *env ? env : LIANXIN_SHARED_DATA) / "load-curves" / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Decoded equals original to 0.001 kW rounded: |d − o| ≤ 0.0005 + the float's rounding; NaN stays NaN.
void expect_round_trip(const std::vector<float>& original, const std::vector<float>& decoded) {
  ASSERT_EQ(original.size(), decoded.size());
  for (std::size_t i = 0; i < original.size(); ++i) {
    if (std::isnan(original[i])) {
      ASSERT_TRUE(std::isnan(decoded[i])) << i;
    } else {
      const double tolerance = 0.0005 + 2 * std::abs(static_cast<double>(original[i])) * std::numeric_limits<float>::epsilon();
      ASSERT_LE(std::abs(static_cast<double>(decoded[i]) - original[i]), tolerance) << i << ": " << original[i] << " → " << decoded[i];
    }
  }
}

std::vector<float> ramp_month(int days) {
  std::vector<float> kw(static_cast<std::size_t>(days) * 96);
  for (std::size_t i = 0; i < kw.size(); ++i) kw[i] = static_cast<float>(1000 + 400 * std::sin(i * 0.07) + (i % 13) * 0.0371);
  return kw;
}

}  // namespace

TEST(CurvesCodec, RoundTripsRealMonths) {
  const std::string text = read_curve_file("dgb2016_Area1_Load.csv");
  if (text.empty()) FAIL() << "shared data not found";
  const ParseResult r = parse_curves(text, {.default_account = "A1"});
  ASSERT_TRUE(r.ok());
  std::size_t bytes = 0, full = 0;
  for (const MonthCurve& c : r.curves) {
    const std::string blob = encode_month(c.kw, c.days());
    EXPECT_EQ(blob_days(blob), c.days());
    expect_round_trip(c.kw, decode_month(blob));
    if (c.days() * 96 == static_cast<int>(std::count_if(c.kw.begin(), c.kw.end(), [](float v) { return !std::isnan(v); }))) {
      bytes += blob.size();
      ++full;
      EXPECT_LT(blob.size(), c.kw.size() * 3 + 32);  // under 3 bytes a reading (raw floats take 4)
    }
  }
  ASSERT_EQ(full, 36u);
  std::printf("[ info ] Area1: %zu full months, average blob %zu bytes (raw floats %d)\n", full, bytes / full, 30 * 96 * 4);
  // January 2015 covers 10 days: the 21 missing days cost a few bytes of runs.
  const MonthCurve& last = r.curves.back();
  const std::string blob = encode_month(last.kw, last.days());
  EXPECT_LT(blob.size(), 10u * 96 * 3 + 32);
  expect_round_trip(last.kw, decode_month(blob));
}

TEST(CurvesCodec, GapsAllMissingAllPresent) {
  std::vector<float> kw = ramp_month(30);
  expect_round_trip(kw, decode_month(encode_month(kw, 30)));
  kw[0] = kNaN;  // a gap at the start, in the middle and at the end
  std::fill(kw.begin() + 500, kw.begin() + 700, kNaN);
  kw[1000] = kNaN;
  kw.back() = kNaN;
  kw[200] = 0;
  kw[201] = -12.5f;
  kw[202] = -0.0004f;  // rounds to 0
  kw[203] = 150000.123f;
  const std::string blob = encode_month(kw, 30);
  const std::vector<float> decoded = decode_month(blob);
  expect_round_trip(kw, decoded);
  EXPECT_EQ(decoded[202], 0.0f);

  const std::vector<float> none(31 * 96, kNaN);
  const std::string empty_blob = encode_month(none, 31);
  EXPECT_LE(empty_blob.size(), 10u);
  const std::vector<float> back = decode_month(empty_blob);
  ASSERT_EQ(back.size(), none.size());
  for (float v : back) ASSERT_TRUE(std::isnan(v));

  // Every other reading missing: the worst case of runs still round-trips.
  std::vector<float> alternate = ramp_month(28);
  for (std::size_t i = 0; i < alternate.size(); i += 2) alternate[i] = kNaN;
  expect_round_trip(alternate, decode_month(encode_month(alternate, 28)));

  // decode_month_into reuses the buffer.
  std::vector<float> buffer;
  decode_month_into(blob, buffer);
  expect_round_trip(kw, buffer);
}

TEST(CurvesCodec, RoundsHalfAwayFromZero) {
  std::vector<float> kw(28 * 96, 1.0f);
  kw[0] = 0.0625f;   // ×1000 = 62.5 exactly
  kw[1] = -0.0625f;
  kw[2] = 0.0615f;
  const std::vector<float> d = decode_month(encode_month(kw, 28));
  EXPECT_FLOAT_EQ(d[0], 0.063f);
  EXPECT_FLOAT_EQ(d[1], -0.063f);
  EXPECT_FLOAT_EQ(d[2], 0.062f);
}

TEST(CurvesCodec, RefusesBadInputAndCorruptBlobs) {
  EXPECT_THROW(encode_month(std::vector<float>(100, 1.0f), 30), std::invalid_argument);
  EXPECT_THROW(encode_month(std::vector<float>(0), 0), std::invalid_argument);
  std::vector<float> inf(30 * 96, 1.0f);
  inf[7] = std::numeric_limits<float>::infinity();
  EXPECT_THROW(encode_month(inf, 30), std::invalid_argument);

  std::vector<float> kw = ramp_month(30);
  std::fill(kw.begin() + 10, kw.begin() + 20, kNaN);
  const std::string blob = encode_month(kw, 30);
  EXPECT_THROW(decode_month(""), std::invalid_argument);
  EXPECT_THROW(decode_month("LC"), std::invalid_argument);
  EXPECT_THROW(decode_month(blob.substr(0, blob.size() - 1)), std::invalid_argument);
  EXPECT_THROW(decode_month(blob.substr(0, blob.size() / 2)), std::invalid_argument);
  EXPECT_THROW(decode_month(blob + '\0'), std::invalid_argument);
  for (std::size_t at : {std::size_t{0}, std::size_t{2}, std::size_t{3}, std::size_t{5}, std::size_t{7}, blob.size() / 2, blob.size() - 1}) {
    std::string bad = blob;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    EXPECT_THROW(decode_month(bad), std::invalid_argument) << "byte " << at;
  }
  std::string days = blob;
  days[3] = 32;
  EXPECT_THROW(blob_days(days), std::invalid_argument);
  // Garbage of every length must throw, never crash.
  std::string garbage;
  for (int i = 0; i < 300; ++i) {
    garbage += static_cast<char>((i * 37) & 0xFF);
    EXPECT_THROW(decode_month(garbage), std::invalid_argument);
  }
}

}  // namespace lianxin::curves
