#include "org/tree.hpp"

namespace lianxin::org {

Tree Tree::load(storage::Connection& conn) {
  Tree t;
  for (auto& r : conn.query("SELECT id, parent_id, kind, name FROM org_units"))
    t.units_[r.i64(0)] = {r.is_null(1) ? 0 : r.i64(1), r.str(2), r.str(3)};
  return t;
}

std::int64_t Tree::bureau_of(std::int64_t id) const {
  if (auto cached = bureau_cache_.find(id); cached != bureau_cache_.end()) return cached->second;
  std::int64_t at = id;
  for (int guard = 0; guard < 64; ++guard) {  // the tree is a few levels deep; the guard stops a corrupt cycle
    auto it = units_.find(at);
    if (it == units_.end() || it->second.kind == "county" || it->second.kind == "city" || !it->second.parent) break;
    at = it->second.parent;
  }
  bureau_cache_[id] = at;
  return at;
}

const std::string& Tree::name(std::int64_t id) const {
  static const std::string none;
  auto it = units_.find(id);
  return it == units_.end() ? none : it->second.name;
}

const std::string& Tree::kind(std::int64_t id) const {
  static const std::string none;
  auto it = units_.find(id);
  return it == units_.end() ? none : it->second.kind;
}

std::int64_t Tree::parent(std::int64_t id) const {
  auto it = units_.find(id);
  return it == units_.end() ? 0 : it->second.parent;
}

}  // namespace lianxin::org
