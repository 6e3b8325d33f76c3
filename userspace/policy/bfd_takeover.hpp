// SPDX-License-Identifier: GPL-2.0-or-later
// The master_bfd rule (an xvrrpd extension; keepalived's BFD only changes priorities): what a
// BFD session state change means for a vrrp_instance whose `master_bfd` names it. Pure.
//
// While BACKUP, with the session's neighbor as the current master, the session going from Up
// to Down (detection time expired, or the neighbor signalling Down or AdminDown, RFC 5880
// §6.8.6) is Master_Down: take over at once, no Skew_Time. Guard against a partition of BFD
// alone: when an advert from that master arrived after the last BFD packet from it, the master
// is alive and the Down is a contradiction (log it, count it, do not take over).
// While MASTER (or FAULT, INIT) nothing happens.
#pragma once

#include <cstdint>
#include <optional>

#include "common/ip_address.hpp"
#include "core/bfd_packet.hpp"
#include "core/vrrp_instance.hpp"

namespace xvrrp::policy {

struct MasterBfdInput {
  core::State vrrp_state = core::State::Initialize;
  /// core::Instance::master_ip(): the current master, if known.
  std::optional<IpAddress> master_ip;
  /// The bfd_instance's neighbor_ip.
  IpAddress neighbor_ip;
  /// The session's state before and after the change.
  core::bfd::State before = core::bfd::State::Down;
  core::bfd::State after = core::bfd::State::Down;
  /// CLOCK_MONOTONIC ns of the last advert from the master (after folding in the XDP
  /// last-seen record) and of the last BFD packet from the neighbor.
  std::optional<core::Nanos> last_advert_rx_ns;
  std::optional<core::Nanos> last_bfd_rx_ns;
};

enum class MasterBfdVerdict : std::uint8_t {
  Nothing,        ///< not our master, not a Down, or not BACKUP
  TakeOver,       ///< core::Instance::take_over() now
  Contradiction,  ///< the master's adverts still arrive: log, count, stay BACKUP
};

/// "nothing", "take over", "contradiction".
const char* master_bfd_verdict_name(MasterBfdVerdict v);

MasterBfdVerdict master_bfd_verdict(const MasterBfdInput& in);

}  // namespace xvrrp::policy
