#pragma once
// The org tree read once for a report: names, kinds and the bureau (region) of every unit — its
// nearest county or city ancestor, or the company itself. Reports group stations into their
// bureau and label departments with the unit they belong to.
#include <cstdint>
#include <string>
#include <unordered_map>

#include "storage/db.hpp"

namespace lianxin::org {

class Tree {
 public:
  static Tree load(storage::Connection& conn);
  // The nearest county or city bureau of `id` (or the root when there is none); `id` itself when unknown.
  std::int64_t bureau_of(std::int64_t id) const;
  // "" when unknown.
  const std::string& name(std::int64_t id) const;
  const std::string& kind(std::int64_t id) const;
  std::int64_t parent(std::int64_t id) const;  // 0 for the root or unknown

 private:
  struct Unit {
    std::int64_t parent = 0;
    std::string kind, name;
  };
  std::unordered_map<std::int64_t, Unit> units_;
  mutable std::unordered_map<std::int64_t, std::int64_t> bureau_cache_;
};

}  // namespace lianxin::org
