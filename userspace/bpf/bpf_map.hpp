// SPDX-License-Identifier: GPL-2.0-or-later
// BpfMap<K,V>: typed view of a libbpf map (AOSP BpfMap pattern). The
// constructor checks the kernel map's key/value sizes against sizeof(K) and
// sizeof(V) (per-CPU maps: value_size is one CPU's slot) so an ABI drift fails
// loudly instead of corrupting data. Does not own the map: the bpf_object (or
// skeleton) it comes from must outlive it.
#pragma once

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

namespace xvrrp::bpf {

template <typename K, typename V>
class BpfMap {
  static_assert(std::is_trivially_copyable_v<K> && std::is_trivially_copyable_v<V>);

 public:
  explicit BpfMap(const bpf_map* map) : map_(map) {
    if (map == nullptr) throw std::invalid_argument("BpfMap: null map");
    name_ = bpf_map__name(map);
    if (bpf_map__key_size(map) != sizeof(K) || bpf_map__value_size(map) != sizeof(V)) {
      throw std::runtime_error(
          "BPF map " + name_ + ": key/value size " + std::to_string(bpf_map__key_size(map)) + "/" +
          std::to_string(bpf_map__value_size(map)) + " but ABI says " + std::to_string(sizeof(K)) +
          "/" + std::to_string(sizeof(V)) + " (stale object or pinned map?)");
    }
    type_ = bpf_map__type(map);
    percpu_ = type_ == BPF_MAP_TYPE_PERCPU_ARRAY || type_ == BPF_MAP_TYPE_PERCPU_HASH ||
              type_ == BPF_MAP_TYPE_LRU_PERCPU_HASH;
  }

  [[nodiscard]] int fd() const { return bpf_map__fd(map_); }
  [[nodiscard]] const std::string& name() const { return name_; }

  /// Value for `key`, or nullopt when absent. Not for per-CPU maps.
  [[nodiscard]] std::optional<V> lookup(const K& key) const {
    require_single();
    V value{};
    if (bpf_map_lookup_elem(fd(), &key, &value) != 0) {
      if (errno == ENOENT) return std::nullopt;
      fail("lookup");
    }
    return value;
  }

  /// One value per possible CPU (per-CPU maps only).
  [[nodiscard]] std::vector<V> lookup_percpu(const K& key) const {
    if (!percpu_) throw std::logic_error("BPF map " + name_ + " is not per-CPU");
    int ncpus = libbpf_num_possible_cpus();
    if (ncpus <= 0) throw std::system_error(-ncpus, std::generic_category(), "possible CPUs");
    // The kernel copies round_up(value_size, 8) bytes per CPU.
    static_assert(sizeof(V) % 8 == 0, "per-CPU values must be 8-byte multiples");
    std::vector<V> values(static_cast<std::size_t>(ncpus));
    if (bpf_map_lookup_elem(fd(), &key, values.data()) != 0) fail("lookup");
    return values;
  }

  /// flags: BPF_ANY, BPF_NOEXIST or BPF_EXIST.
  void update(const K& key, const V& value, __u64 flags = BPF_ANY) {
    require_single();
    if (bpf_map_update_elem(fd(), &key, &value, flags) != 0) fail("update");
  }

  /// Returns whether the key existed.
  bool erase(const K& key) {
    if (bpf_map_delete_elem(fd(), &key) == 0) return true;
    if (errno == ENOENT) return false;
    fail("delete");
  }

  /// All keys, collected before the caller acts on them (safe against deletes).
  [[nodiscard]] std::vector<K> keys() const {
    std::vector<K> out;
    K key{};
    K next{};
    const K* prev = nullptr;
    while (bpf_map_get_next_key(fd(), prev, &next) == 0) {
      out.push_back(next);
      key = next;
      prev = &key;
    }
    return out;
  }

 private:
  void require_single() const {
    if (percpu_) throw std::logic_error("BPF map " + name_ + " is per-CPU");
  }
  [[noreturn]] void fail(const char* op) const {
    throw std::system_error(errno, std::generic_category(), "BPF map " + name_ + " " + op);
  }

  const bpf_map* map_;
  std::string name_;
  bpf_map_type type_{};
  bool percpu_ = false;
};

}  // namespace xvrrp::bpf
