#include "curves/codec.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>

namespace lianxin::curves {

namespace {

constexpr unsigned char kMagic0 = 'L', kMagic1 = 'C';
constexpr int kDecimals = 3;
constexpr int kSlots = 96;
constexpr std::size_t kHeaderBytes = 6, kChecksumBytes = 4;
constexpr double kMaxAbsKw = 9e12;  // × 1000 stays far inside int64 and its differences
constexpr std::size_t kMaxSlots = 31 * kSlots;
constexpr std::size_t kBlock = 32;  // differences per bit-packed block
// Header, runs (≤ 2 bytes each), the first value, blocks of up to 32 × 64 bits, checksum, slack.
constexpr std::size_t kMaxBlobBytes = kHeaderBytes + 10 + (kMaxSlots + 1) * 3 + 10 + (kMaxSlots / kBlock + 1) * (1 + kBlock * 8) + kChecksumBytes + 16;
enum Presence : unsigned char { all_present = 0, none_present = 1, runs = 2 };

constexpr double kScale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
constexpr double kInverse[] = {1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6};

[[noreturn]] void corrupt(const char* what) { throw std::invalid_argument(std::string("corrupt load-curve blob: ") + what); }

constexpr bool kLittleEndian = std::endian::native == std::endian::little;

// Writes a varint. Values below 2^28 (every difference of a real curve) are spread into four bytes
// with shifts and written at once, with no branch on their length; the buffer has slack for that.
inline unsigned char* put_varint(unsigned char* p, std::uint64_t v) {
  if (kLittleEndian && v < (1u << 28)) {
    const auto x = static_cast<std::uint32_t>(v);
    std::uint32_t bytes = (x & 0x7Fu) | ((x << 1) & 0x7F00u) | ((x << 2) & 0x7F0000u) | ((x << 3) & 0x7F000000u);
    const int length = 1 + (x >= (1u << 7)) + (x >= (1u << 14)) + (x >= (1u << 21));
    bytes |= 0x00808080u & ((1u << (8 * (length - 1))) - 1);  // continuation bits on all but the last
    std::memcpy(p, &bytes, 4);
    return p + length;
  }
  while (v >= 0x80) {
    *p++ = static_cast<unsigned char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<unsigned char>(v);
  return p;
}

inline std::uint64_t zigzag(std::int64_t v) { return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63); }
inline std::int64_t unzigzag(std::uint64_t v) { return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1); }

// Reads one varint; `end` bounds it. (Varints only carry the header's runs and the first value:
// a varint's length is known only after reading it, which chains every value to the one before
// and made a varint value stream three times slower to decode than the bit-packed blocks.)
std::uint64_t get_varint(const unsigned char*& p, const unsigned char* end) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p == end) corrupt("truncated");
    const unsigned char b = *p++;
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
  }
  corrupt("varint too long");
}

// v × 10^3 rounded half away from zero. For a float v the product is exact in double (24 + 10
// significant bits) and so is adding ±0.5 (at most 35 bits between the highest bit and the lowest
// of the sum), so truncating gives the correctly rounded result with no libm call (llround is one).
inline std::int64_t quantise(float v, double scale) {
  const double y = static_cast<double>(v) * scale;
  return static_cast<std::int64_t>(y + std::copysign(0.5, y));  // copysign: bit operations, no branch
}

// Whether any reading is missing and the largest magnitude of the others, four at a time (GCC/Clang
// vector extensions, SSE on x86-64): the encoder's check before its branch-free main loop.
typedef float v4f __attribute__((vector_size(16)));
typedef std::int32_t v4i __attribute__((vector_size(16)));
struct Scan {
  bool missing;
  float largest;
};
Scan scan(const float* p, std::size_t n) {
  v4i missing = {};
  v4f largest = {};
  const v4i magnitude_bits = {0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    v4f v;
    std::memcpy(&v, p + i, sizeof v);
    missing |= v != v;
    const v4f magnitude = reinterpret_cast<v4f>(reinterpret_cast<v4i>(v) & magnitude_bits);
    const v4i larger = magnitude > largest;  // false for NaN
    largest = reinterpret_cast<v4f>((reinterpret_cast<v4i>(magnitude) & larger) | (reinterpret_cast<v4i>(largest) & ~larger));
  }
  Scan out{false, 0};
  for (int k = 0; k < 4; ++k) out.missing |= missing[k] != 0, out.largest = largest[k] > out.largest ? largest[k] : out.largest;
  for (; i < n; ++i) {
    out.missing |= p[i] != p[i];
    const float magnitude = std::fabs(p[i]);
    out.largest = magnitude > out.largest ? magnitude : out.largest;
  }
  return out;
}

inline void store64(unsigned char* p, std::uint64_t v) {
  if constexpr (kLittleEndian) {
    std::memcpy(p, &v, 8);
  } else {
    for (int k = 0; k < 8; ++k) p[k] = static_cast<unsigned char>(v >> (8 * k));
  }
}
inline std::uint64_t load64(const unsigned char* p) {
  std::uint64_t v = 0;
  if constexpr (kLittleEndian) {
    std::memcpy(&v, p, 8);
  } else {
    for (int k = 0; k < 8; ++k) v |= static_cast<std::uint64_t>(p[k]) << (8 * k);
  }
  return v;
}

// A full block of 32 values of W bits, packed into 4 × W bytes, with every shift a constant: the
// compiler unrolls it into independent shifts and ors held in registers. (A loop with a running
// bit count chains each value to the one before through variable shifts: 2.5 times slower.)
template <int W, std::size_t K>
inline void put_bits(std::uint64_t* words, std::uint64_t v) {
  constexpr std::size_t position = K * W, word = position / 64, offset = position % 64;
  words[word] |= v << offset;
  if constexpr (offset + W > 64) words[word + 1] |= v >> (64 - offset);
}
template <int W>
void pack_block32(const std::uint64_t* z, unsigned char* out) {
  std::uint64_t words[W / 2 + 1] = {};
  [&]<std::size_t... K>(std::index_sequence<K...>) { (put_bits<W, K>(words, z[K]), ...); }(std::make_index_sequence<kBlock>{});
  if constexpr (kLittleEndian) {
    std::memcpy(out, words, 4 * W);
  } else {
    for (std::size_t k = 0; k < 4 * W; ++k) out[k] = static_cast<unsigned char>(words[k / 8] >> (8 * (k % 8)));
  }
}
using PackBlock = void (*)(const std::uint64_t*, unsigned char*);
template <std::size_t... W>
constexpr std::array<PackBlock, sizeof...(W)> pack_table(std::index_sequence<W...>) {
  return {&pack_block32<static_cast<int>(W)>...};
}
constexpr auto kPackBlock = pack_table(std::make_index_sequence<33>{});  // widths 0–32

// Packs count (≤ 32) values of `width` bits each, least significant bit first, into
// ceil(count × width / 8) bytes at out (writing up to 8 bytes past them: the buffer has the slack).
unsigned char* pack(const std::uint64_t* z, std::size_t count, int width, unsigned char* out) {
  if (width == 0) return out;
  const std::size_t bytes = (count * static_cast<std::size_t>(width) + 7) / 8;
  if (width <= 32) {
    if (count == kBlock) {
      kPackBlock[static_cast<std::size_t>(width)](z, out);
    } else {  // the last block: padded with zeros, only its own bytes kept
      std::uint64_t padded[kBlock] = {};
      std::copy_n(z, count, padded);
      unsigned char packed[4 * 32];
      kPackBlock[static_cast<std::size_t>(width)](padded, packed);
      std::memcpy(out, packed, bytes);
    }
    return out + bytes;
  }
  std::uint64_t acc = 0;
  int bits = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const std::uint64_t v = z[k];
    acc |= v << bits;
    bits += width;
    if (bits >= 64) {
      store64(out, acc);
      out += 8;
      bits -= 64;
      acc = bits ? v >> (width - bits) : 0;
    }
  }
  store64(out, acc);
  return out + (bits + 7) / 8;
}

// The k-th value of `width` bits at in; reads up to 16 bytes from the value's first byte. Widths
// above 56 bits (never seen on real curves) may straddle 9 bytes and need a second word.
template <bool kWide>
inline std::uint64_t unpack_one(const unsigned char* in, std::size_t k, int width, std::uint64_t mask) {
  const std::size_t position = k * static_cast<std::size_t>(width);
  const unsigned char* at = in + (position >> 3);
  const int shift = static_cast<int>(position & 7);
  std::uint64_t v = load64(at) >> shift;
  if (kWide && shift) v |= load64(at + 8) << (64 - shift);
  return v & mask;
}

// Large working arrays per thread rather than on the stack (tens of KB: too much for the small
// stacks of coroutines).
struct EncodeScratch {
  std::uint64_t zig[kMaxSlots];
  std::uint32_t run_lengths[kMaxSlots + 1];
  unsigned char buffer[kMaxBlobBytes];
};
struct DecodeScratch {
  std::uint32_t run_lengths[kMaxSlots + 1];
  float values[kMaxSlots];
};
thread_local EncodeScratch encode_scratch;
thread_local DecodeScratch decode_scratch;

// Fletcher-style sums over 64-bit words: one add each, so it costs far less than the varints.
std::uint32_t checksum(const unsigned char* p, std::size_t n) {
  std::uint64_t a = 0x9E3779B97F4A7C15ull, b = n;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    a += w;
    b += a;
  }
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i < n; ++i, ++k) tail |= static_cast<std::uint64_t>(p[i]) << (8 * k);
  a += tail;
  b += a;
  const std::uint64_t h = (a ^ (b << 29 | b >> 35)) * 0xFF51AFD7ED558CCDull;
  return static_cast<std::uint32_t>(h >> 32);
}

void put_u32(unsigned char* p, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) p[k] = static_cast<unsigned char>(v >> (8 * k));
}
std::uint32_t get_u32(const unsigned char* p) {
  std::uint32_t v = 0;
  for (int k = 0; k < 4; ++k) v |= static_cast<std::uint32_t>(p[k]) << (8 * k);
  return v;
}

struct BlobHeader {
  int days = 0, decimals = 0;
  unsigned char presence = 0;
};

BlobHeader read_header(std::string_view blob) {
  if (blob.size() < kHeaderBytes + kChecksumBytes) corrupt("too short");
  const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
  if (p[0] != kMagic0 || p[1] != kMagic1) corrupt("wrong magic");
  if (p[2] != kCodecVersion) corrupt("unknown version");
  BlobHeader h{p[3], p[4], p[5]};
  if (h.days < 1 || h.days > 31) corrupt("days outside 1-31");
  if (h.decimals > 6) corrupt("decimals outside 0-6");
  if (h.presence > runs) corrupt("unknown presence mode");
  return h;
}

}  // namespace

std::string encode_month(const std::vector<float>& kw, int days) {
  if (days < 1 || days > 31) throw std::invalid_argument("encode_month: days outside 1-31");
  const std::size_t n = static_cast<std::size_t>(days) * kSlots;
  if (kw.size() != n) throw std::invalid_argument("encode_month: expected days × 96 readings");

  // The present values as integers of 0.001 kW, zigzagged: zig[0] the first, zig[k] the difference
  // of the k-th to the one before. Without gaps (the usual month) the loop has no branch.
  std::uint64_t* zig = encode_scratch.zig;
  std::uint32_t* run_lengths = encode_scratch.run_lengths;
  const Scan checked = scan(kw.data(), n);
  if (!(checked.largest <= kMaxAbsKw)) throw std::invalid_argument("encode_month: reading infinite or out of range");
  // Readings exported with fewer decimals (metering exports often carry two) are stored at that
  // precision: the same values in fewer bits.
  int decimals = kDecimals;
  {
    std::int64_t rest10 = 0, rest100 = 0, rest1000 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const float v = kw[i];
      if (v != v) continue;
      const std::int64_t q = quantise(v, kScale[kDecimals]);
      rest10 |= q % 10;
      rest100 |= q % 100;
      rest1000 |= q % 1000;
    }
    decimals = rest1000 == 0 ? 0 : rest100 == 0 ? 1 : rest10 == 0 ? 2 : 3;
  }
  const double scale = kScale[decimals];
  std::size_t present = n, run_count = 0;
  std::int64_t previous = 0;
  if (!checked.missing) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t q = quantise(kw[i], scale);
      zig[i] = zigzag(q - previous);
      previous = q;
    }
  } else {
    present = 0;
    bool state = true;
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const float v = kw[i];
      const bool here = v == v;
      if (here != state) {
        run_lengths[run_count++] = length;
        state = here, length = 0;
      }
      ++length;
      if (!here) continue;
      const std::int64_t q = quantise(v, scale);
      zig[present++] = zigzag(q - previous);
      previous = q;
    }
    run_lengths[run_count++] = length;
  }

  unsigned char* buffer = encode_scratch.buffer;
  unsigned char* out = buffer;
  *out++ = kMagic0;
  *out++ = kMagic1;
  *out++ = kCodecVersion;
  *out++ = static_cast<unsigned char>(days);
  *out++ = static_cast<unsigned char>(decimals);
  if (present == n) {
    *out++ = all_present;
  } else if (present == 0) {
    *out++ = none_present;
  } else {
    *out++ = runs;
    out = put_varint(out, run_count);
    for (std::size_t r = 0; r < run_count; ++r) out = put_varint(out, run_lengths[r]);
  }
  if (present > 0) {
    out = put_varint(out, zig[0]);
    const std::size_t deltas = present - 1;
    for (std::size_t b = 0; b < deltas; b += kBlock) {
      const std::size_t count = std::min(kBlock, deltas - b);
      std::uint64_t all = 0;
      for (std::size_t k = 0; k < count; ++k) all |= zig[1 + b + k];
      const int width = static_cast<int>(std::bit_width(all));
      *out++ = static_cast<unsigned char>(width);
      out = pack(zig + 1 + b, count, width, out);
    }
  }
  put_u32(out, checksum(buffer, static_cast<std::size_t>(out - buffer)));
  out += kChecksumBytes;
  return std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(out - buffer));
}

int blob_days(std::string_view blob) { return read_header(blob).days; }

void decode_month_into(std::string_view blob, std::vector<float>& out) {
  const BlobHeader h = read_header(blob);
  const auto* begin = reinterpret_cast<const unsigned char*>(blob.data());
  const unsigned char* blob_end = begin + blob.size();
  const unsigned char* end = blob_end - kChecksumBytes;  // where the values end
  if (get_u32(end) != checksum(begin, blob.size() - kChecksumBytes)) corrupt("checksum mismatch");
  const std::size_t n = static_cast<std::size_t>(h.days) * kSlots;
  out.resize(n);
  float* dst = out.data();
  const unsigned char* p = begin + kHeaderBytes;
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();

  std::uint32_t* run_lengths = decode_scratch.run_lengths;
  std::size_t run_count = 0, present = n;
  if (h.presence == none_present) {
    present = 0;
  } else if (h.presence == runs) {
    const std::uint64_t count = get_varint(p, end);
    if (count < 2 || count > n + 1) corrupt("bad run count");
    run_count = static_cast<std::size_t>(count);
    std::uint64_t total = 0;
    present = 0;
    for (std::size_t r = 0; r < run_count; ++r) {
      const std::uint64_t length = get_varint(p, end);
      if ((length == 0 && r > 0) || length > n) corrupt("bad run length");
      total += length;
      if (total > n) corrupt("runs exceed the month");
      run_lengths[r] = static_cast<std::uint32_t>(length);
      if (r % 2 == 0) present += length;
    }
    if (total != n) corrupt("runs do not cover the month");
  }

  // The present values, in order: into dst itself when every slot has one.
  float* values = h.presence == all_present ? dst : decode_scratch.values;
  if (present > 0) {
    const double inverse = kInverse[h.decimals];
    std::uint64_t value = static_cast<std::uint64_t>(unzigzag(get_varint(p, end)));  // unsigned: a corrupt blob must not overflow
    values[0] = static_cast<float>(static_cast<double>(static_cast<std::int64_t>(value)) * inverse);
    const std::size_t deltas = present - 1;
    unsigned char padded[kBlock * 8 + 16];
    for (std::size_t b = 0; b < deltas; b += kBlock) {
      const std::size_t count = std::min(kBlock, deltas - b);
      if (p == end) corrupt("truncated");
      const int width = *p++;
      if (width > 64) corrupt("bad bit width");
      const std::size_t bytes = (count * static_cast<std::size_t>(width) + 7) / 8;
      if (static_cast<std::size_t>(end - p) < bytes) corrupt("truncated");
      const unsigned char* in = p;
      if (static_cast<std::size_t>(blob_end - p) < bytes + 16) {  // near the end: read from a padded copy
        std::memset(padded, 0, sizeof padded);
        std::memcpy(padded, p, bytes);
        in = padded;
      }
      const std::uint64_t mask = width == 64 ? ~0ull : (1ull << width) - 1;
      float* o = values + b + 1;
      if (width <= 56) {
        for (std::size_t k = 0; k < count; ++k) {
          value += static_cast<std::uint64_t>(unzigzag(unpack_one<false>(in, k, width, mask)));
          o[k] = static_cast<float>(static_cast<double>(static_cast<std::int64_t>(value)) * inverse);
        }
      } else {
        for (std::size_t k = 0; k < count; ++k) {
          value += static_cast<std::uint64_t>(unzigzag(unpack_one<true>(in, k, width, mask)));
          o[k] = static_cast<float>(static_cast<double>(static_cast<std::int64_t>(value)) * inverse);
        }
      }
      p += bytes;
    }
  }
  if (p != end) corrupt("trailing bytes");

  if (h.presence == none_present) {
    std::fill(dst, dst + n, nan);
  } else if (h.presence == runs) {
    std::size_t at = 0, from = 0;
    for (std::size_t r = 0; r < run_count; ++r) {
      if (r % 2 == 0) {
        std::memcpy(dst + at, values + from, run_lengths[r] * sizeof(float));
        from += run_lengths[r];
      } else {
        std::fill(dst + at, dst + at + run_lengths[r], nan);
      }
      at += run_lengths[r];
    }
  }
}

std::vector<float> decode_month(std::string_view blob) {
  std::vector<float> out;
  decode_month_into(blob, out);
  return out;
}

}  // namespace lianxin::curves
