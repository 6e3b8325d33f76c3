// SPDX-License-Identifier: GPL-2.0-or-later
// AdvertCache: the encoded advert of one instance, per destination, so the
// master's steady state re-sends bytes without encoding or allocating. An
// entry is re-encoded when the priority, the source or the content changes
// (VRRPv3's checksum covers a pseudo-header with the destination, hence one
// entry per destination). Pure; not thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/ip_address.hpp"
#include "core/packet.hpp"
#include "policy/instance_plan.hpp"

namespace xvrrp::policy {

class AdvertCache {
 public:
  /// Largest message held (bytes of the VRRP message, without IP header).
  static constexpr std::size_t kMaxMessage = 1400;

  /// Sets what every advert carries (version, VRID, interval, authentication,
  /// addresses) from the instance's plan; drops every cached message.
  void set_content(const config::Instance& cfg, const InstancePlan& plan);

  /// The message to `dst` (the `index`-th destination) at `priority` from
  /// `src`. Empty when it cannot be encoded; problem() then says why.
  std::span<const std::uint8_t> get(std::size_t index, const IpAddress& src, const IpAddress& dst,
                                    std::uint8_t priority);
  /// Why the last get() returned empty (static text), or nullptr.
  [[nodiscard]] const char* problem() const { return problem_; }
  /// Encodings done so far (tests: the steady state encodes nothing).
  [[nodiscard]] std::uint64_t encodes() const { return encodes_; }

 private:
  struct Entry {
    // Sized to the message on its first encoding (tens of bytes, not kMaxMessage: a
    // thousand instances keep one each); re-encodings of the same content reuse it.
    std::vector<std::uint8_t> msg;
    std::size_t len = 0;
    int priority = -1;
    IpAddress src;
    IpAddress dst;
  };
  packet::Advert content_;
  std::vector<Entry> entries_;
  const char* problem_ = nullptr;
  std::uint64_t encodes_ = 0;
};

}  // namespace xvrrp::policy
