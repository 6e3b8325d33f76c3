// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/advert_cache.hpp"

#include <algorithm>

namespace xvrrp::policy {

void AdvertCache::set_content(const config::Instance& cfg, const InstancePlan& plan) {
  packet::Advert a;
  a.version = cfg.version;
  a.vrid = cfg.vrid;
  a.advert_int_cs = cfg.advert_int_cs;
  a.auth_type = cfg.version == 2 ? cfg.auth_type : XVRRP_AUTH_NONE;
  if (a.auth_type == XVRRP_AUTH_PASS) a.auth_data = cfg.auth_pass;
  a.addrs = plan.advertised;
  content_ = std::move(a);
  entries_.assign(plan.destinations.size(), Entry{});
}

std::span<const std::uint8_t> AdvertCache::get(std::size_t index, const IpAddress& src,
                                               const IpAddress& dst, std::uint8_t priority) {
  problem_ = nullptr;
  if (index >= entries_.size()) entries_.resize(index + 1);
  Entry& e = entries_[index];
  if (e.len != 0 && e.priority == priority && e.src == src && e.dst == dst)
    return {e.msg.data(), e.len};
  content_.priority = priority;
  ++encodes_;
  const std::size_t need = std::min(packet::encoded_size(content_, src.family), kMaxMessage);
  if (e.msg.size() < need) e.msg.resize(need);
  e.len = packet::encode_into(content_, src, dst, packet::ChecksumMode::Auto, e.msg);
  if (e.len == 0) {
    problem_ = packet::encode_problem(content_, src, dst);
    if (problem_ == nullptr) problem_ = "message longer than the cache holds";
    e.priority = -1;
    return {};
  }
  e.priority = priority;
  e.src = src;
  e.dst = dst;
  return {e.msg.data(), e.len};
}

}  // namespace xvrrp::policy
