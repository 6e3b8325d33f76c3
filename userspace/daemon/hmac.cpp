// SPDX-License-Identifier: GPL-2.0-or-later
// auth_hmac in the daemon: every instance with an auth_hmac block signs its
// adverts and verifies its peers' before the state machine sees them
// (policy/hmac_advert.hpp). Key material is never logged.
#include <utility>

#include "common/abi_convert.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"

namespace xvrrp::daemon {

namespace ah = core::auth_hmac;

void Daemon::set_hmac(InstanceRuntime& rt) {
  if (!rt.cfg.auth_hmac) {
    rt.hmac.reset();
    return;
  }
  auto next = std::make_unique<ah::Authenticator>(*rt.cfg.auth_hmac, rt.cfg.advert_int_cs);
  if (rt.hmac) next->adopt_state(*rt.hmac);
  rt.hmac = std::move(next);
  XLOG_INFO("(%s) auth_hmac: mode %s, active key %u, %zu key(s), anti_replay %s, window %u s",
            rt.cfg.name.c_str(), ah::mode_name(rt.cfg.auth_hmac->mode),
            unsigned{rt.cfg.auth_hmac->active_key}, rt.cfg.auth_hmac->keys.size(),
            ah::anti_replay_name(rt.cfg.auth_hmac->anti_replay), rt.hmac->time_window());
}

bool Daemon::admit_hmac(InstanceRuntime& rt, const xvrrp_advert_event& ev,
                        std::span<const std::uint8_t> payload) {
  const bool unicast = !rt.plan.peers.empty();
  const policy::HmacVerdict v = policy::admit_hmac_advert(*rt.hmac, ev, payload, unicast,
                                                          clock::realtime_ns(), rt.hmac_counts);
  if (!v.admit && rt.hmac_log.allow(clock::monotonic_ns())) {
    XLOG_WARN("(%s) auth_hmac: advert from %s refused: %s (skew %d s; logged every 10 s)",
              rt.cfg.name.c_str(), source_of(ev).to_string().c_str(), ah::result_name(v.result),
              v.skew_s);
  }
  return v.admit;
}

std::span<const std::uint8_t> Daemon::signed_advert(InstanceRuntime& rt,
                                                    std::span<const std::uint8_t> msg,
                                                    const IpAddress& dst) {
  if (hmac_buf_.empty()) hmac_buf_.resize(net::AdvertSender::kMaxMessage);
  const std::size_t len =
      policy::sign_advert(*rt.hmac, msg, *rt.src_ip, dst, clock::realtime_ns(), hmac_buf_);
  if (len == 0) {
    XLOG_ERROR("(%s) auth_hmac: advert of %zu bytes has no room for its trailer",
               rt.cfg.name.c_str(), msg.size());
    return {};
  }
  return {hmac_buf_.data(), len};
}

}  // namespace xvrrp::daemon
