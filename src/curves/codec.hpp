#pragma once
// The compact form of one account-month of 15-minute readings (负荷曲线) as stored in the database:
// one blob per account and month, not one row per reading. Pure, no I/O.
//
// Blob layout (version 1), little-endian, varint = unsigned LEB128, zigzag maps 0, −1, 1, −2 … to
// 0, 1, 2, 3 …:
//   0  'L' 'C'       magic
//   2  1             version
//   3  days          1–31; the month has days × 96 slots
//   4  decimals      values are stored as integers of 10^-decimals kW: 3 (0.001 kW), or fewer when
//                    every reading of the month has fewer (an export with two decimals: 2)
//   5  presence      0 = every slot has a reading, 1 = none has, 2 = runs follow:
//                    varint count, then that many varint run lengths alternating present, missing,
//                    present, … starting with present (only the first run may be 0); they sum to
//                    days × 96
//   …  values        when any is present: the zigzag varint of the first present value, then the
//                    differences of each present value to the previous one (zigzagged), in blocks
//                    of 32 (the last block shorter): one byte `width` (bits, 0–64), then the block's
//                    values packed in `width` bits each, least significant bit first, in
//                    ceil(count × width / 8) bytes
//   -4 checksum      32 bits over every byte before it (Fletcher-style over 64-bit words)
// Values are rounded half away from zero to 0.001 kW, so a decoded value is within 0.0005 kW (plus
// the float's own rounding) of the original; NaN (missing) stays NaN.
//
// Why bit-packed blocks and not one varint per difference: a varint's length is known only once it
// is read, which chains every value to the one before it; a block's width is known up front, so
// each value's place is a multiplication and the blocks pack and unpack with constant shifts. On
// the 2-core build machine a full month measured (encode / decode): varints ≈ 19 / 10 µs, blocks
// ≈ 7 / 3.5 µs. The blob is smaller too: a 15-minute difference of a large account takes 17–20
// bits, 2.4 bytes packed against ≈ 2.85 as a varint. A full month of the dgb2016 Area1 curve takes
// ≈ 7.7 KB (2,976 readings; raw floats 11.9 KB).
#include <string>
#include <string_view>
#include <vector>

namespace lianxin::curves {

inline constexpr int kCodecVersion = 1;

// `kw` holds days × 96 readings (NaN = missing). Throws std::invalid_argument when the size does
// not match, days is outside 1–31, or a reading is infinite or beyond ±9 × 10^12 kW.
std::string encode_month(const std::vector<float>& kw, int days);

// Throws std::invalid_argument on a blob that is not a valid version-1 blob (wrong magic or version,
// truncated, trailing bytes, runs or values that do not add up, checksum mismatch).
std::vector<float> decode_month(std::string_view blob);
// The same into a caller's buffer (resized to days × 96; no allocation once it is large enough).
void decode_month_into(std::string_view blob, std::vector<float>& out);
// The days of a blob from its header alone (throws like decode_month on a bad header).
int blob_days(std::string_view blob);

}  // namespace lianxin::curves
