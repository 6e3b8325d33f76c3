// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/rx_path.hpp"

#include <sys/epoll.h>

#include <map>
#include <set>
#include <utility>

#include "bpf/advert_filter.hpp"
#include "common/abi_convert.hpp"
#include "common/log.hpp"
#include "core/packet.hpp"
#include "daemon/event_loop.hpp"
#include "net/group_membership.hpp"
#include "net/raw_receiver.hpp"

namespace xvrrp::daemon {

namespace {

// The multicast groups both paths hold: one membership per (ifindex, family)
// while some multicast instance of that family lives on the interface.
class Memberships {
 public:
  void set(const xvrrp_vrid_key& key, bool multicast) {
    const std::uint64_t k = pack_vrid_key(key);
    const int ifindex = static_cast<int>(key.ifindex);
    const int family = from_abi_family(key.family);
    if (multicast) {
      auto slot = std::make_pair(ifindex, family);
      if (!joined_.count(slot)) {
        joined_.emplace(slot, std::make_unique<net::GroupMembership>(ifindex, family));
        XLOG_INFO("joined %s on ifindex %d", family == AF_INET6 ? "ff02::12" : "224.0.0.18",
                  ifindex);
      }
      multicast_keys_.insert(k);
    } else {
      multicast_keys_.erase(k);
      sync(ifindex, family);
    }
  }
  void remove(const xvrrp_vrid_key& key) {
    multicast_keys_.erase(pack_vrid_key(key));
    sync(static_cast<int>(key.ifindex), from_abi_family(key.family));
  }
  void release(int ifindex) {
    for (auto it = joined_.begin(); it != joined_.end();)
      it = it->first.first == ifindex ? joined_.erase(it) : std::next(it);
  }
  void release_all() { joined_.clear(); }

 private:
  void sync(int ifindex, int family) {
    for (std::uint64_t k : multicast_keys_) {
      const auto ki = static_cast<int>(k >> 16);
      const int kf = from_abi_family(static_cast<std::uint8_t>((k >> 8) & 0xff));
      if (ki == ifindex && kf == family) return;
    }
    if (joined_.erase(std::make_pair(ifindex, family)) != 0)
      XLOG_INFO("left %s on ifindex %d", family == AF_INET6 ? "ff02::12" : "224.0.0.18", ifindex);
  }
  std::set<std::uint64_t> multicast_keys_;
  std::map<std::pair<int, int>, std::unique_ptr<net::GroupMembership>> joined_;
};

xvrrp_peer_value value_of(const PeerEntry& p) {
  xvrrp_peer_value v{};
  v.min_ttl = p.min_ttl;
  v.max_ttl = p.max_ttl;
  return v;
}

std::vector<std::pair<xvrrp_peer_key, xvrrp_peer_value>> entries_of(
    const std::vector<PeerEntry>& peers) {
  std::vector<std::pair<xvrrp_peer_key, xvrrp_peer_value>> out;
  out.reserve(peers.size());
  for (const PeerEntry& p : peers) out.emplace_back(p.key, value_of(p));
  return out;
}

const std::uint64_t kNoRejects[XVRRP_REJECT_MAX] = {};

class XdpRxPath final : public RxPath {
 public:
  XdpRxPath(EventLoop& loop, const std::string& router_id, AdvertHandler handler,
            const policy::MapSizes& sizes)
      : loop_(loop), filter_(router_id, sizes), handler_(std::move(handler)) {
    loop_.add_fd(filter_.ring_fd(), EPOLLIN, [this](std::uint32_t) {
      filter_.consume([this](const xvrrp_advert_event& ev, std::span<const std::uint8_t> payload) {
        handler_(ev, payload);
      });
    });
  }
  ~XdpRxPath() override {
    loop_.remove_fd(filter_.ring_fd());
    release_all();
  }

  void set_instance(const xvrrp_vrid_key& key, const xvrrp_vrid_config& cfg,
                    const std::vector<PeerEntry>& peers) override {
    xvrrp_vrid_config c = cfg;
    // auth_hmac: every advert is reported, to be verified (abi.h, rule m).
    if ((cfg.flags & XVRRP_CFG_AUTH_HMAC) == 0) c.flags |= XVRRP_CFG_SUPPRESS_DUPS;
    groups_.set(key, (cfg.flags & XVRRP_CFG_UNICAST) == 0);
    filter_.set_instance(key, c, entries_of(peers));
    keys_[pack_vrid_key(key)] = key;
  }
  [[nodiscard]] LastSeenList inherited_last_seen() const override {
    return filter_.inherited_last_seen();
  }
  void set_vips(const xvrrp_vrid_key& key, const std::vector<xvrrp_vip_key>& vips,
                std::uint64_t fence_after_ns) override {
    filter_.set_vips(key, vips, fence_after_ns);
  }
  void mark_alive(std::int64_t now_ns) override { filter_.mark_alive(now_ns); }
  void remove_instance(const xvrrp_vrid_key& key) override {
    try {
      filter_.remove_instance(key);
    } catch (const std::exception& e) {
      XLOG_WARN("removing VRID %u from the XDP filter: %s", unsigned{key.vrid}, e.what());
    }
    groups_.remove(key);
    keys_.erase(pack_vrid_key(key));
  }
  void attach(int ifindex, const std::string& ifname) override {
    (void)ifname;
    filter_.attach(ifindex);
  }
  void release(int ifindex) override {
    filter_.detach(ifindex);
    groups_.release(ifindex);
  }
  void release_all() override {
    filter_.detach_all();
    groups_.release_all();
  }
  const char* mode() const override { return "xdp"; }
  std::string describe() const override {
    std::string s = "xdp";
    for (const auto& a : filter_.attachments())
      s += " " + std::to_string(a.ifindex) + ":" + (a.native ? "native" : "skb") +
           (a.dispatcher ? "/dispatcher" : "/single-program");
    return s;
  }
  bool needs_sys_admin() const override {
    for (const auto& a : filter_.attachments())
      if (a.dispatcher) return true;
    return false;
  }
  bool suppresses_duplicates() const override { return true; }
  std::optional<xvrrp_last_seen> last_seen(const xvrrp_vrid_key& key) const override {
    return filter_.last_seen(key);
  }
  void forget_last_seen(const xvrrp_vrid_key& key) override { filter_.forget_last_seen(key); }
  bool add_bfd_session(std::uint32_t discriminator, const xvrrp_bfd_seen& entry) override {
    return filter_.set_bfd_session(discriminator, entry);
  }
  void remove_bfd_session(std::uint32_t discriminator) override {
    filter_.remove_bfd_session(discriminator);
  }
  std::optional<xvrrp_bfd_seen> bfd_seen(std::uint32_t discriminator) const override {
    return filter_.bfd_seen(discriminator);
  }
  void drain_pending() override {
    if (draining_) return;  // never from inside its own handler
    draining_ = true;
    try {
      filter_.consume([this](const xvrrp_advert_event& ev, std::span<const std::uint8_t> payload) {
        handler_(ev, payload);
      });
    } catch (const std::exception& e) {
      XLOG_WARN("ring buffer: %s", e.what());
    }
    draining_ = false;
  }
  bool all_last_seen(LastSeenList& out) override { return filter_.all_last_seen(out); }
  std::optional<xvrrp_jitter> jitter(const xvrrp_peer_key& peer) const override {
    return filter_.jitter(peer);
  }
  std::uint64_t lost_reports() const override {
    std::uint64_t sum = 0;
    for (const auto& [packed, key] : keys_)
      sum += filter_.counters(key).rejected[XVRRP_REJECT_RINGBUF_FULL];
    return sum;
  }
  std::span<const std::uint64_t> userspace_rejects() const override { return kNoRejects; }

 private:
  EventLoop& loop_;
  bpf::AdvertFilter filter_;
  AdvertHandler handler_;
  Memberships groups_;
  std::map<std::uint64_t, xvrrp_vrid_key> keys_;
  bool draining_ = false;
};

class SocketRxPath final : public RxPath {
 public:
  SocketRxPath(EventLoop& loop, AdvertHandler handler)
      : loop_(loop), handler_(std::move(handler)) {}
  ~SocketRxPath() override { release_all(); }

  void set_instance(const xvrrp_vrid_key& key, const xvrrp_vrid_config& cfg,
                    const std::vector<PeerEntry>& peers) override {
    groups_.set(key, (cfg.flags & XVRRP_CFG_UNICAST) == 0);
    erase_peers(key);
    tables_.set_vrid(key, cfg);
    auto& list = peers_[pack_vrid_key(key)];
    for (const PeerEntry& p : peers) {
      tables_.add_peer(p.key, value_of(p));
      list.push_back(p.key);
    }
  }
  void remove_instance(const xvrrp_vrid_key& key) override {
    erase_peers(key);
    peers_.erase(pack_vrid_key(key));
    tables_.erase_vrid(key);
    groups_.remove(key);
  }
  void attach(int ifindex, const std::string& ifname) override {
    for (const int family : {AF_INET, AF_INET6}) {
      const std::pair<int, int> k{ifindex, family};
      if (receivers_.count(k)) continue;
      auto rx = std::make_unique<net::RawReceiver>(ifindex, ifname, family);
      const int fd = rx->fd();
      receivers_[k] = std::move(rx);
      loop_.add_fd(fd, EPOLLIN, [this, k](std::uint32_t) { drain(k); });
    }
  }
  void release(int ifindex) override {
    for (const int family : {AF_INET, AF_INET6}) {
      auto it = receivers_.find({ifindex, family});
      if (it == receivers_.end()) continue;
      loop_.remove_fd(it->second->fd());
      receivers_.erase(it);
    }
    groups_.release(ifindex);
  }
  void release_all() override {
    while (!receivers_.empty()) release(receivers_.begin()->first.first);
    groups_.release_all();
  }
  const char* mode() const override { return "socket"; }
  std::string describe() const override { return "socket"; }
  std::span<const std::uint64_t> userspace_rejects() const override { return rejects_; }

 private:
  void erase_peers(const xvrrp_vrid_key& key) {
    auto it = peers_.find(pack_vrid_key(key));
    if (it == peers_.end()) return;
    for (const auto& p : it->second) tables_.erase_peer(p);
    it->second.clear();
  }
  void drain(std::pair<int, int> k) {
    auto it = receivers_.find(k);
    if (it == receivers_.end()) return;
    it->second->drain(
        [this](std::span<const std::uint8_t> ip, int rx_ifindex, std::uint64_t rx_ns) {
          const packet::Verdict v =
              packet::validate_ip(ip, static_cast<std::uint32_t>(rx_ifindex), rx_ns, tables_);
          if (v.kind == packet::Verdict::Kind::Accepted) {
            handler_(v.event, v.payload);
          } else if (v.kind == packet::Verdict::Kind::Rejected && v.reason >= 0 &&
                     v.reason < XVRRP_REJECT_MAX) {
            ++rejects_[v.reason];
            XLOG_DEBUG("socket rx: rejected advert on ifindex %d: %s", rx_ifindex,
                       packet::reject_reason_name(v.reason));
          }
        });
  }

  EventLoop& loop_;
  AdvertHandler handler_;
  packet::MapTables tables_;
  std::map<std::uint64_t, std::vector<xvrrp_peer_key>> peers_;
  // By {ifindex, family}: one IPv4 and one IPv6 receiver per interface.
  std::map<std::pair<int, int>, std::unique_ptr<net::RawReceiver>> receivers_;
  Memberships groups_;
  std::uint64_t rejects_[XVRRP_REJECT_MAX] = {};
};

}  // namespace

std::unique_ptr<RxPath> make_xdp_rx_path(EventLoop& loop, const std::string& router_id,
                                         RxPath::AdvertHandler handler,
                                         const policy::MapSizes& sizes) {
  return std::make_unique<XdpRxPath>(loop, router_id, std::move(handler), sizes);
}

std::unique_ptr<RxPath> make_socket_rx_path(EventLoop& loop, RxPath::AdvertHandler handler) {
  return std::make_unique<SocketRxPath>(loop, std::move(handler));
}

}  // namespace xvrrp::daemon
