#pragma once
#include <string>

namespace lianxin::auth {

// argon2id (libsodium), 19 MiB and 2 passes; the hash string carries its parameters, so older
// hashes with other parameters still verify.
std::string hash_password(const std::string& password);
bool verify_password(const std::string& hash, const std::string& password);
// Random URL-safe token with `bytes` bytes of entropy.
std::string random_token(std::size_t bytes = 32);
// Hex BLAKE2b of a high-entropy token (session ids and API keys are stored only as hashes).
std::string token_hash(const std::string& token);
// Hex SHA-256 of any bytes (stored files are identified by it).
std::string sha256_hex(const std::string& bytes);
bool constant_time_equal(const std::string& a, const std::string& b);

}  // namespace lianxin::auth
