// SPDX-License-Identifier: GPL-2.0-or-later
// LinkMonitor: follows the kernel's links and IPv4/IPv6 addresses through rtnetlink
// (libnl-route-3) so the daemon knows which interfaces are up (RFC 5798 §6.4: a tracked
// interface going down moves the instance to keepalived's FAULT) and which primary address
// to send adverts from.
//
// Ownership and threading: owns two netlink sockets (a non-blocking event socket subscribed
// to RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR, and a request socket used for
// dumps). Single-threaded: call everything from the daemon's event loop. The sockets belong to
// the network namespace that was current when the object was constructed.
//
// Event flow: register fd() with epoll (EPOLLIN); when readable call on_readable(), which
// drains every pending message without blocking and calls on_link / on_address for each
// *change* of the cached state (repeated RTM_NEWLINK messages that change nothing we track are
// not reported). The constructor dumps the current state silently; query it with find().
//
// Overrun: if the kernel drops notifications (recv fails with ENOBUFS because the socket
// buffer overflowed), the overrun is logged and the full link and address state is dumped
// again; callbacks are emitted for every difference between the old cache and the new dump
// (links that vanished are reported with exists=false, addresses that vanished with
// added=false).
//
// An interface that does not exist yet simply has no entry (find() returns nullopt; treat it
// as down). When it is created, on_link reports it with exists=true.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/ip_address.hpp"
#include "net/netlink_util.hpp"

namespace xvrrp::net {

struct LinkState {
  int ifindex = 0;
  std::string name;
  /// Hardware address (IFLA_ADDRESS); all zero for links without a 6-byte MAC.
  std::array<uint8_t, 6> mac{};
  /// IFF_UP.
  bool admin_up = false;
  /// IFF_LOWER_UP (physical carrier; a veth whose peer is down has none).
  bool carrier = false;
  /// IFF_NOARP (a dummy device: GARPs sent there never leave the host).
  bool noarp = false;
  /// False in the report for a link that was deleted (RTM_DELLINK or gone after a resync).
  bool exists = false;

  /// Usable for VRRP: administratively up and with carrier.
  [[nodiscard]] bool up() const { return exists && admin_up && carrier; }

  friend bool operator==(const LinkState&, const LinkState&) = default;
};

/// One address as the kernel reports it (RTM_NEWADDR).
struct InterfaceAddress {
  int ifindex = 0;
  IpAddress addr;
  uint8_t prefix_len = 0;
  /// RT_SCOPE_* (0 universe, 253 link, 254 host).
  uint8_t scope = 0;
  /// IFA_F_* flags (IFA_F_SECONDARY, IFA_F_TENTATIVE, ...).
  uint32_t flags = 0;
};

class LinkMonitor {
 public:
  using LinkCallback = std::function<void(const LinkState&)>;
  /// ifindex, address, prefix length, true when added / false when removed.
  using AddressCallback =
      std::function<void(int ifindex, const IpAddress& addr, uint8_t prefix_len, bool added)>;

  /// Opens the sockets, subscribes and dumps the current state (no callbacks for it).
  /// `rcvbuf_bytes` sizes the event socket's receive buffer (SO_RCVBUFFORCE when privileged,
  /// else SO_RCVBUF capped by net.core.rmem_max); 0 keeps the kernel default.
  /// Throws std::system_error when a socket cannot be opened, subscribed or dumped.
  LinkMonitor(LinkCallback on_link, AddressCallback on_address, int rcvbuf_bytes = 1 << 20);
  ~LinkMonitor();
  LinkMonitor(const LinkMonitor&) = delete;
  LinkMonitor& operator=(const LinkMonitor&) = delete;

  /// The event socket, for epoll (EPOLLIN). Non-blocking.
  [[nodiscard]] int fd() const;
  /// Drains and dispatches pending notifications; resyncs on ENOBUFS. Never blocks, never
  /// throws (errors are logged).
  void on_readable();
  /// Dumps links and addresses again and reports every difference (what on_readable() does
  /// after an overrun). Returns false (and logs) when the dump failed; the cache is unchanged.
  bool resync();

  [[nodiscard]] std::optional<LinkState> find(const std::string& name) const;
  [[nodiscard]] std::optional<LinkState> find(int ifindex) const;
  /// The interface's primary address of `family`: for AF_INET the first address without
  /// IFA_F_SECONDARY in kernel order; for AF_INET6 the first link-local (fe80::/10) address
  /// that is not tentative (VRRPv3 adverts must come from it, RFC 5798 §5.1.2.1).
  [[nodiscard]] std::optional<IpAddress> primary_address(int ifindex, int family) const;
  /// All cached addresses of the interface, in kernel order.
  [[nodiscard]] std::vector<InterfaceAddress> addresses(int ifindex) const;
  /// Every cached address as (ifindex, address), sorted: one copy for many membership
  /// tests (std::binary_search), where addresses() per test would be quadratic.
  [[nodiscard]] std::vector<std::pair<int, IpAddress>> address_index() const;
  /// Number of ENOBUFS overruns seen (each followed by a resync).
  [[nodiscard]] uint64_t overruns() const { return overruns_; }

  /// Internal: libnl's message callback (public only so the C trampoline can reach it).
  void handle_message(struct nl_msg* msg);

 private:
  using LinkMap = std::map<int, LinkState>;
  using AddrList = std::vector<InterfaceAddress>;
  bool dump(LinkMap& links, AddrList& addrs);
  void apply_link(const LinkState& state);
  void apply_address(const InterfaceAddress& addr, bool added);

  LinkCallback on_link_;
  AddressCallback on_address_;
  NlSockPtr events_;
  NlSockPtr requests_;
  LinkMap links_;
  AddrList addrs_;
  uint64_t overruns_ = 0;
};

}  // namespace xvrrp::net
