// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/bfd_runtime.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/abi_convert.hpp"
#include "common/clock.hpp"
#include "common/log.hpp"

namespace xvrrp::daemon {

namespace bfd = core::bfd;

struct BfdRuntime::Entry {
  config::BfdInstance cfg;
  std::unique_ptr<bfd::Session> session;
  UniqueFd tx;
  core::TimerId timer = 0;
  std::uint64_t drops = 0;
  std::uint64_t send_errors = 0;
  bool folded_in_xdp = false;  // registered with the BfdFold
  std::uint64_t replays = 0;   // records replayed at detection expiry
};

namespace {

socklen_t to_sockaddr(const IpAddress& a, std::uint16_t port, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (a.is_v6()) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(port);
    std::memcpy(&s6->sin6_addr, a.bytes.data(), 16);
    return sizeof(sockaddr_in6);
  }
  auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
  s4->sin_family = AF_INET;
  s4->sin_port = htons(port);
  std::memcpy(&s4->sin_addr, a.bytes.data(), 4);
  return sizeof(sockaddr_in);
}

IpAddress from_sockaddr(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET6) {
    const auto* s6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    std::uint8_t b[16];
    std::memcpy(b, &s6->sin6_addr, 16);
    return IpAddress::v6(b);
  }
  const auto* s4 = reinterpret_cast<const sockaddr_in*>(&ss);
  return IpAddress::v4(s4->sin_addr.s_addr);
}

void set_int(int fd, int level, int name, int value, const char* what) {
  if (setsockopt(fd, level, name, &value, sizeof value) != 0)
    throw std::system_error(errno, std::generic_category(), what);
}

IpAddress any_of(int family) {
  IpAddress a;
  a.family = family;
  return a;
}

}  // namespace

namespace {

bfd::SessionParams session_params(const config::BfdInstance& cfg, std::uint32_t discriminator) {
  bfd::SessionParams p;
  p.name = cfg.name;
  p.desired_min_tx_us = cfg.min_tx_us;
  p.required_min_rx_us = cfg.min_rx_us;
  p.idle_tx_us = cfg.idle_tx_us;
  p.detect_mult = cfg.multiplier;
  p.passive = cfg.passive;
  p.local_discriminator = discriminator;
  return p;
}

// What a running session cannot change: its socket and the peer it talks to.
bool same_transport(const config::BfdInstance& a, const config::BfdInstance& b) {
  return a.neighbor_ip == b.neighbor_ip && a.source_ip == b.source_ip && a.ttl == b.ttl;
}

}  // namespace

std::unique_ptr<BfdRuntime::Entry> BfdRuntime::make_entry(
    const config::BfdInstance& cfg, const std::vector<std::unique_ptr<Entry>>& also) {
  auto e = std::make_unique<Entry>();
  e->cfg = cfg;
  const int family = cfg.neighbor_ip.family;
  std::uint32_t discriminator = 0;
  auto taken = [&](std::uint32_t d) {
    return by_discriminator(d) != nullptr ||
           std::any_of(also.begin(), also.end(),
                       [&](const auto& o) { return o->session->local_discriminator() == d; });
  };
  do {
    discriminator = static_cast<std::uint32_t>(rng_());
  } while (discriminator == 0 || taken(discriminator));
  e->session = std::make_unique<bfd::Session>(
      session_params(cfg, discriminator), [this] { return static_cast<std::uint32_t>(rng_()); });

  e->tx.reset(::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!e->tx) throw std::system_error(errno, std::generic_category(), "bfd send socket");
  if (family == AF_INET6)
    set_int(e->tx.get(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, cfg.ttl, "IPV6_UNICAST_HOPS");
  else
    set_int(e->tx.get(), IPPROTO_IP, IP_TTL, cfg.ttl, "IP_TTL");
  // RFC 5881 §4: source port 49152..65535, the same for the session's lifetime.
  std::uniform_int_distribution<int> port(bfd::kSourcePortMin, bfd::kSourcePortMax);
  const IpAddress src = cfg.source_ip.value_or(any_of(family));
  int err = 0;
  for (int attempt = 0; attempt < 64; ++attempt) {
    sockaddr_storage ss{};
    const socklen_t len = to_sockaddr(src, static_cast<std::uint16_t>(port(rng_)), ss);
    if (::bind(e->tx.get(), reinterpret_cast<sockaddr*>(&ss), len) == 0) {
      err = 0;
      break;
    }
    err = errno;
    if (err != EADDRINUSE) break;
  }
  if (err != 0)
    throw std::system_error(err, std::generic_category(),
                            "bfd_instance " + cfg.name + ": bind " + src.to_string());
  e->timer = loop_.add_callback_timer([this, raw = e.get()](std::int64_t now) {
    replay_folded(*raw, now);
    const bfd::State before = raw->session->state();
    handle(*raw, raw->session->on_timer(now), before, now);
  });
  return e;
}

BfdRuntime::BfdRuntime(EventLoop& loop, const std::vector<config::BfdInstance>& config,
                       ChangeHandler on_change, BfdFold* fold)
    : loop_(loop), on_change_(std::move(on_change)), fold_(fold), rng_(std::random_device{}()) {
  bool v4 = false, v6 = false;
  for (const auto& cfg : config) {
    (cfg.neighbor_ip.family == AF_INET6 ? v6 : v4) = true;
    sessions_.push_back(make_entry(cfg, {}));
  }
  if (v4) open_rx(AF_INET);
  if (v6) open_rx(AF_INET6);
  for (auto& e : sessions_) register_fold(*e);
}

void BfdRuntime::register_fold(Entry& e) {
  if (fold_ == nullptr) return;
  xvrrp_bfd_seen entry{};
  entry.family = to_abi_family(e.cfg.neighbor_ip.family);
  to_abi(e.cfg.neighbor_ip, entry.neighbor);
  // bfd::ttl_acceptable(): received + max_hops >= ttl.
  entry.min_ttl = e.cfg.max_hops == 255 || e.cfg.max_hops >= e.cfg.ttl
                      ? 0
                      : static_cast<std::uint8_t>(e.cfg.ttl - e.cfg.max_hops);
  try {
    e.folded_in_xdp = fold_->add_bfd_session(e.session->local_discriminator(), entry);
  } catch (const std::exception& ex) {
    XLOG_WARN("(bfd %s) repeats not folded in XDP: %s", e.cfg.name.c_str(), ex.what());
  }
}

void BfdRuntime::unregister_fold(Entry& e) {
  if (fold_ == nullptr || !e.folded_in_xdp) return;
  try {
    fold_->remove_bfd_session(e.session->local_discriminator());
  } catch (const std::exception& ex) {
    XLOG_WARN("(bfd %s) %s", e.cfg.name.c_str(), ex.what());
  }
  e.folded_in_xdp = false;
}

// Repeats dropped in XDP left only their timestamp: the last one counts as received then.
// A record that differs from what the socket delivered is a change the socket lost.
void BfdRuntime::replay_folded(Entry& e, std::int64_t now) {
  if (!e.folded_in_xdp || now < e.session->detection_deadline()) return;
  std::optional<xvrrp_bfd_seen> seen;
  try {
    seen = fold_->bfd_seen(e.session->local_discriminator());
  } catch (const std::exception& ex) {
    XLOG_WARN("(bfd %s) %s", e.cfg.name.c_str(), ex.what());
    return;
  }
  if (!seen || seen->valid == 0) return;
  const auto ts = static_cast<std::int64_t>(seen->ts_ns);
  if (const auto last = e.session->last_rx_ns(); last && ts <= *last) return;
  const bfd::Decoded d = bfd::decode(std::span<const std::uint8_t>(
      seen->packet + (XVRRP_BFD_RECORD_LEN - XVRRP_BFD_PACKET_LEN), XVRRP_BFD_PACKET_LEN));
  if (!d.packet) return;
  ++e.replays;
  const bfd::State before = e.session->state();
  handle(e, e.session->on_packet(*d.packet, ts, now), before, now);
}

struct BfdRuntime::Plan {
  EventLoop* loop = nullptr;
  std::vector<config::BfdInstance> next;
  std::vector<std::unique_ptr<Entry>> fresh;  // sessions to start, by name
  UniqueFd rx4, rx6;
  Plan() = default;
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;
  ~Plan() {
    for (auto& e : fresh)
      if (e) loop->remove_callback_timer(e->timer);
  }
};

void BfdRuntime::PlanDeleter::operator()(Plan* plan) const { delete plan; }

BfdRuntime::PlanPtr BfdRuntime::prepare(const std::vector<config::BfdInstance>& next) {
  PlanPtr plan(new Plan());
  plan->loop = &loop_;
  plan->next = next;
  for (const auto& cfg : next) {
    const auto it = std::find_if(sessions_.begin(), sessions_.end(),
                                 [&](const auto& e) { return e->cfg.name == cfg.name; });
    if (it != sessions_.end() && same_transport((*it)->cfg, cfg)) continue;
    plan->fresh.push_back(make_entry(cfg, plan->fresh));
    const int family = cfg.neighbor_ip.family;
    if (family == AF_INET6 && !rx6_ && !plan->rx6) plan->rx6 = make_rx(AF_INET6);
    if (family == AF_INET && !rx4_ && !plan->rx4) plan->rx4 = make_rx(AF_INET);
  }
  return plan;
}

void BfdRuntime::commit(PlanPtr plan, std::int64_t now) {
  // Gone or replaced: AdminDown first, so the neighbor sees no failure (RFC 5880 §6.8.16).
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    Entry& e = **it;
    const auto n = std::find_if(plan->next.begin(), plan->next.end(),
                                [&](const auto& c) { return c.name == e.cfg.name; });
    if (n != plan->next.end() && same_transport(e.cfg, *n)) {
      const bool params_changed = n->min_tx_us != e.cfg.min_tx_us ||
                                  n->min_rx_us != e.cfg.min_rx_us ||
                                  n->idle_tx_us != e.cfg.idle_tx_us ||
                                  n->multiplier != e.cfg.multiplier || n->passive != e.cfg.passive;
      e.cfg = *n;
      if (params_changed) {
        XLOG_INFO("(bfd %s) new timers: min_tx %u us, min_rx %u us, multiplier %u",
                  e.cfg.name.c_str(), e.cfg.min_tx_us, e.cfg.min_rx_us,
                  static_cast<unsigned>(e.cfg.multiplier));
        const bfd::State before = e.session->state();
        handle(e, e.session->set_params(session_params(*n, e.session->local_discriminator()), now),
               before, now);
      }
      ++it;
      continue;
    }
    XLOG_INFO("(bfd %s) %s", e.cfg.name.c_str(),
              n == plan->next.end() ? "removed by the reload"
                                    : "neighbor_ip, source_ip or ttl changed: session restarted");
    const bfd::Actions a = e.session->admin_down(now);
    if (a.send) send(e, *a.send);
    unregister_fold(e);
    loop_.remove_callback_timer(e.timer);
    it = sessions_.erase(it);
  }
  for (auto* rx : {&plan->rx4, &plan->rx6}) {
    if (!*rx) continue;
    const int raw = rx->get();
    loop_.add_fd(raw, EPOLLIN, [this, raw](std::uint32_t) { on_readable(raw); });
    (rx == &plan->rx6 ? rx6_ : rx4_) = std::move(*rx);
  }
  for (auto& e : plan->fresh) {
    Entry& added = *e;
    sessions_.push_back(std::move(e));
    XLOG_INFO("(bfd %s) added by the reload", added.cfg.name.c_str());
    register_fold(added);
    const bfd::State before = added.session->state();
    handle(added, admin_down_ ? added.session->admin_down(now) : added.session->start(now), before,
           now);
  }
  plan->fresh.clear();
}

BfdRuntime::~BfdRuntime() {
  for (auto& e : sessions_) loop_.remove_callback_timer(e->timer);
  if (rx4_) loop_.remove_fd(rx4_.get());
  if (rx6_) loop_.remove_fd(rx6_.get());
}

void BfdRuntime::open_rx(int family) {
  UniqueFd fd = make_rx(family);
  const int raw = fd.get();
  loop_.add_fd(raw, EPOLLIN, [this, raw](std::uint32_t) { on_readable(raw); });
  (family == AF_INET6 ? rx6_ : rx4_) = std::move(fd);
}

UniqueFd BfdRuntime::make_rx(int family) {
  UniqueFd fd(::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) throw std::system_error(errno, std::generic_category(), "bfd receive socket");
  set_int(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
  if (family == AF_INET6) {
    set_int(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
    set_int(fd.get(), IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
  } else {
    set_int(fd.get(), IPPROTO_IP, IP_RECVTTL, 1, "IP_RECVTTL");
  }
  sockaddr_storage ss{};
  const socklen_t len = to_sockaddr(any_of(family), bfd::kControlPort, ss);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0)
    throw std::system_error(
        errno, std::generic_category(),
        std::string("bfd: bind UDP port 3784 (") + (family == AF_INET6 ? "IPv6" : "IPv4") + ")");
  return fd;
}

BfdRuntime::Entry* BfdRuntime::by_discriminator(std::uint32_t d) {
  for (auto& e : sessions_)
    if (e->session->local_discriminator() == d) return e.get();
  return nullptr;
}

BfdRuntime::Entry* BfdRuntime::by_neighbor(const IpAddress& src) {
  for (auto& e : sessions_)
    if (e->cfg.neighbor_ip == src) return e.get();
  return nullptr;
}

void BfdRuntime::on_readable(int fd) {
  // A bounded batch per wakeup: a flood cannot starve the other fds.
  for (int i = 0; i < 64; ++i) {
    std::uint8_t buf[128];
    alignas(cmsghdr) std::uint8_t control[128];
    sockaddr_storage from{};
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        XLOG_WARN("bfd: recvmsg: %s", std::strerror(errno));
      return;
    }
    const std::int64_t now = clock::monotonic_ns();
    int ttl = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
          (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT))
        std::memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
    }
    const IpAddress src = from_sockaddr(from);
    const bfd::Decoded d =
        bfd::decode(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)));
    if (!d.packet) {
      ++counters_.malformed;
      XLOG_DEBUG("bfd: packet from %s discarded: %s", src.to_string().c_str(), d.error);
      continue;
    }
    Entry* e = d.packet->your_discriminator != 0 ? by_discriminator(d.packet->your_discriminator)
                                                 : by_neighbor(src);
    if (e == nullptr || e->cfg.neighbor_ip != src) {
      ++counters_.no_session;
      continue;
    }
    if (!bfd::ttl_acceptable(static_cast<std::uint8_t>(std::clamp(ttl, 0, 255)), e->cfg.ttl,
                             e->cfg.max_hops)) {
      ++counters_.gtsm;
      ++e->drops;
      continue;
    }
    const bfd::State before = e->session->state();
    const bfd::Actions a = e->session->on_packet(*d.packet, now, now);
    if (a.discarded) ++e->drops;
    handle(*e, a, before, now);
  }
}

void BfdRuntime::handle(Entry& e, const bfd::Actions& a, bfd::State before, std::int64_t now) {
  if (a.send) send(e, *a.send);
  loop_.timers().reschedule(e.timer, e.session->next_deadline());
  if (a.entered && *a.entered != before) {
    XLOG_INFO("(bfd %s) %s -> %s: %s (remote %s, diag %s)", e.cfg.name.c_str(),
              bfd::state_name(before), bfd::state_name(*a.entered), a.reason ? a.reason : "",
              bfd::state_name(e.session->remote_state()), bfd::diag_name(e.session->local_diag()));
    if (on_change_)
      on_change_({e.cfg.name, before, *a.entered, e.session->local_diag(), a.reason}, now);
  }
}

void BfdRuntime::send(Entry& e, const bfd::ControlPacket& p) {
  const auto bytes = bfd::encode(p);
  sockaddr_storage ss{};
  const socklen_t len = to_sockaddr(e.cfg.neighbor_ip, bfd::kControlPort, ss);
  if (::sendto(e.tx.get(), bytes.data(), bytes.size(), MSG_DONTWAIT,
               reinterpret_cast<sockaddr*>(&ss), len) < 0)
    ++e.send_errors;
}

void BfdRuntime::start(std::int64_t now_ns) {
  for (auto& e : sessions_) {
    const bfd::State before = e->session->state();
    handle(*e, e->session->start(now_ns), before, now_ns);
  }
}

void BfdRuntime::admin_down_all(std::int64_t now_ns) {
  if (admin_down_) return;
  admin_down_ = true;
  for (auto& e : sessions_) {
    const bfd::State before = e->session->state();
    handle(*e, e->session->admin_down(now_ns), before, now_ns);
  }
}

const bfd::Session* BfdRuntime::session(const std::string& name) const {
  for (const auto& e : sessions_)
    if (e->cfg.name == name) return e->session.get();
  return nullptr;
}

bool BfdRuntime::up(const std::string& name) const {
  const bfd::Session* s = session(name);
  return s != nullptr && s->state() == bfd::State::Up;
}

std::vector<BfdSessionStatus> BfdRuntime::status(std::int64_t now_ns) const {
  std::vector<BfdSessionStatus> out;
  for (const auto& e : sessions_) {
    const bfd::Session& s = *e->session;
    BfdSessionStatus st;
    st.name = e->cfg.name;
    st.neighbor = e->cfg.neighbor_ip.to_string();
    st.source = e->cfg.source_ip ? e->cfg.source_ip->to_string() : "";
    st.state = bfd::state_name(s.state());
    st.remote_state = bfd::state_name(s.remote_state());
    st.local_diag = bfd::diag_name(s.local_diag());
    st.remote_diag = bfd::diag_name(s.remote_diag());
    st.local_discriminator = s.local_discriminator();
    st.remote_discriminator = s.remote_discriminator();
    st.tx_interval_us = s.tx_interval_us();
    st.rx_interval_us = s.rx_interval_us();
    st.detect_mult = s.params().detect_mult;
    st.remote_detect_mult = s.remote_detect_mult();
    st.detection_time_ms = static_cast<double>(s.detection_time()) / 1e6;
    std::optional<std::int64_t> last = s.last_rx_ns();
    if (e->folded_in_xdp) {
      try {
        if (const auto seen = fold_->bfd_seen(s.local_discriminator()); seen && seen->valid) {
          st.packets_folded = seen->folded;
          last = std::max(last.value_or(0), static_cast<std::int64_t>(seen->ts_ns));
        }
      } catch (const std::exception&) {
        // The socket's view alone.
      }
    }
    st.folded_in_xdp = e->folded_in_xdp;
    st.replays = e->replays;
    // A repeat folded after now_ns was read is newer than the reading: age 0, not negative.
    if (last)
      st.last_packet_age_ms = static_cast<double>(std::max<std::int64_t>(now_ns - *last, 0)) / 1e6;
    st.polling = s.polling();
    st.passive = e->cfg.passive;
    st.packets_sent = s.packets_sent();
    st.packets_received = s.packets_received();
    st.drops = e->drops;
    st.send_errors = e->send_errors;
    st.transitions = s.transitions();
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace xvrrp::daemon
