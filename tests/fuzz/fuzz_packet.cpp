// SPDX-License-Identifier: GPL-2.0-or-later
// The receive validator (whole Ethernet frames and raw-socket IP packets) against the receive
// case table's instances, and the VRRP decoder in both families. Invariant: a decoded advert
// encodes again, and decoding that gives the same advert.
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/packet.hpp"
#include "fuzz_util.hpp"
#include "support/receive_cases.hpp"

namespace {

using namespace xvrrp;

// The receive case table's instances (tests/support/receive_cases.hpp), on its
// interface and on a second one where nothing is configured.
const packet::MapTables& tables() {
  static const packet::MapTables t = [] {
    packet::MapTables m;
    for (const auto& inst : test_support::case_instances()) {
      m.set_vrid(inst.key, inst.cfg);
      for (const auto& [key, value] : inst.peers) m.add_peer(key, value);
    }
    return m;
  }();
  return t;
}

void round_trip(std::span<const std::uint8_t> msg, int family) {
  const auto advert = packet::decode(msg, family);
  if (!advert) return;
  const IpAddress src = test_support::ip(family == AF_INET ? "192.0.2.6" : "fe80::6");
  const IpAddress dst =
      family == AF_INET ? packet::vrrp_multicast_v4() : packet::vrrp_multicast_v6();
  if (packet::encode_problem(*advert, src, dst) != nullptr) return;
  const auto again = packet::decode(packet::encode(*advert, src, dst), family);
  fuzz::check(again.has_value(), "an encoded advert does not decode");
  fuzz::check(*again == *advert, "decode(encode(decode(x))) != decode(x)");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  for (std::uint32_t ifindex : {test_support::kCaseIfindex, test_support::kCaseIfindex + 1}) {
    const auto f = packet::validate_frame(in, ifindex, 1, tables());
    const auto i = packet::validate_ip(in, ifindex, 1, tables());
    for (const auto* v : {&f, &i}) {
      if (v->kind == packet::Verdict::Kind::Rejected)
        fuzz::check(packet::reject_reason_name(v->reason) != std::string_view("invalid"),
                    "a rejection without a named reason");
    }
  }
  round_trip(in, AF_INET);
  round_trip(in, AF_INET6);
  (void)packet::addr_hash(in);
  return 0;
}
