// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/bfd_takeover.hpp"

namespace xvrrp::policy {

const char* master_bfd_verdict_name(MasterBfdVerdict v) {
  switch (v) {
    case MasterBfdVerdict::Nothing:
      return "nothing";
    case MasterBfdVerdict::TakeOver:
      return "take over";
    case MasterBfdVerdict::Contradiction:
      return "contradiction";
  }
  return "?";
}

MasterBfdVerdict master_bfd_verdict(const MasterBfdInput& in) {
  // A session that never came Up says nothing about the master; our own AdminDown (stop) is
  // not the master going away.
  if (in.before != core::bfd::State::Up || in.after != core::bfd::State::Down)
    return MasterBfdVerdict::Nothing;
  if (in.vrrp_state != core::State::Backup) return MasterBfdVerdict::Nothing;
  if (!in.master_ip || *in.master_ip != in.neighbor_ip) return MasterBfdVerdict::Nothing;
  if (in.last_advert_rx_ns && in.last_bfd_rx_ns && *in.last_advert_rx_ns > *in.last_bfd_rx_ns)
    return MasterBfdVerdict::Contradiction;
  return MasterBfdVerdict::TakeOver;
}

}  // namespace xvrrp::policy
