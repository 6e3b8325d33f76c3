// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/link_monitor.hpp"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/object.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <system_error>

#include "common/log.hpp"

namespace xvrrp::net {
namespace {

// linux/if.h's IFF_LOWER_UP; <net/if.h> does not define it and the two headers clash.
constexpr unsigned kIffLowerUp = 0x10000;

LinkState link_state_from(rtnl_link* link) {
  LinkState s;
  s.ifindex = rtnl_link_get_ifindex(link);
  if (const char* name = rtnl_link_get_name(link)) s.name = name;
  if (nl_addr* hw = rtnl_link_get_addr(link); hw && nl_addr_get_len(hw) == 6) {
    std::memcpy(s.mac.data(), nl_addr_get_binary_addr(hw), 6);
  }
  unsigned flags = rtnl_link_get_flags(link);
  s.admin_up = flags & IFF_UP;
  s.carrier = flags & kIffLowerUp;
  s.noarp = flags & IFF_NOARP;
  s.exists = true;
  return s;
}

std::optional<InterfaceAddress> interface_address_from(rtnl_addr* addr) {
  auto ip = to_ip_address(rtnl_addr_get_local(addr));
  if (!ip) return std::nullopt;
  InterfaceAddress a;
  a.ifindex = rtnl_addr_get_ifindex(addr);
  a.addr = *ip;
  a.prefix_len = static_cast<uint8_t>(rtnl_addr_get_prefixlen(addr));
  a.scope = static_cast<uint8_t>(rtnl_addr_get_scope(addr));
  a.flags = rtnl_addr_get_flags(addr);
  return a;
}

bool same_key(const InterfaceAddress& a, const InterfaceAddress& b) {
  return a.ifindex == b.ifindex && a.addr == b.addr && a.prefix_len == b.prefix_len;
}

struct ParseContext {
  LinkMonitor* monitor;
  int msg_type;
  std::optional<LinkState> link;
  std::optional<InterfaceAddress> addr;
};

void parse_object(nl_object* obj, void* arg) {
  auto* ctx = static_cast<ParseContext*>(arg);
  const char* type = nl_object_get_type(obj);
  if (!type) return;
  if (std::strcmp(type, "route/link") == 0) {
    auto* link = reinterpret_cast<rtnl_link*>(obj);
    // AF_BRIDGE RTM_NEWLINK/RTM_DELLINK describe bridge-port membership, not the device.
    if (rtnl_link_get_family(link) != AF_UNSPEC) return;
    ctx->link = link_state_from(link);
  } else if (std::strcmp(type, "route/addr") == 0) {
    ctx->addr = interface_address_from(reinterpret_cast<rtnl_addr*>(obj));
  }
}

int on_valid_message(nl_msg* msg, void* arg) {
  static_cast<LinkMonitor*>(arg)->handle_message(msg);
  return NL_OK;
}

void set_rcvbuf(int fd, int bytes) {
  if (bytes <= 0) return;
  // SO_RCVBUFFORCE ignores net.core.rmem_max when we hold CAP_NET_ADMIN.
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0) return;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) != 0) {
    XLOG_WARN("netlink: cannot set receive buffer to %d bytes: %s", bytes, std::strerror(errno));
  }
}

}  // namespace

LinkMonitor::LinkMonitor(LinkCallback on_link, AddressCallback on_address, int rcvbuf_bytes)
    : on_link_(std::move(on_link)), on_address_(std::move(on_address)) {
  events_.reset(nl_socket_alloc());
  if (!events_) throw std::system_error(ENOMEM, std::generic_category(), "netlink event socket");
  nl_socket_disable_seq_check(events_.get());
  nl_socket_modify_cb(events_.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid_message, this);
  int err = nl_connect(events_.get(), NETLINK_ROUTE);
  if (err == 0) {
    err = nl_socket_add_memberships(events_.get(), RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
                                    RTNLGRP_IPV6_IFADDR, 0);
  }
  if (err == 0) err = nl_socket_set_nonblocking(events_.get());
  if (err < 0) {
    throw std::system_error(EIO, std::generic_category(),
                            std::string("netlink event socket: ") + nl_geterror(err));
  }
  set_rcvbuf(nl_socket_get_fd(events_.get()), rcvbuf_bytes);

  requests_ = connect_route_socket("netlink request socket");
  // Subscribe first, then dump: a change racing the dump is then seen as an event too.
  if (!dump(links_, addrs_)) {
    throw std::system_error(EIO, std::generic_category(), "netlink: initial link/address dump");
  }
}

LinkMonitor::~LinkMonitor() = default;

int LinkMonitor::fd() const { return nl_socket_get_fd(events_.get()); }

void LinkMonitor::on_readable() {
  bool overrun = false;
  // Bounded so a flood of events cannot starve the rest of the event loop.
  for (int round = 0; round < 4096; ++round) {
    int r = nl_recvmsgs_report(events_.get(), nl_socket_get_cb(events_.get()));
    if (r == -NLE_AGAIN || r == 0) break;
    if (r == -NLE_NOMEM) {
      // The kernel dropped notifications (ENOBUFS). Read what is still queued, then dump.
      overrun = true;
      continue;
    }
    if (r < 0) {
      XLOG_ERROR("netlink: receive failed: %s", nl_geterror(r));
      break;
    }
  }
  if (overrun) {
    ++overruns_;
    XLOG_WARN("netlink: event buffer overrun (ENOBUFS), resynchronising links and addresses");
    resync();
  }
}

void LinkMonitor::handle_message(nl_msg* msg) {
  ParseContext ctx{this, nlmsg_hdr(msg)->nlmsg_type, std::nullopt, std::nullopt};
  int err = nl_msg_parse(msg, parse_object, &ctx);
  if (err < 0) {
    XLOG_DEBUG("netlink: cannot parse message type %d: %s", ctx.msg_type, nl_geterror(err));
    return;
  }
  switch (ctx.msg_type) {
    case RTM_NEWLINK:
      if (ctx.link) apply_link(*ctx.link);
      break;
    case RTM_DELLINK:
      if (ctx.link) {
        ctx.link->exists = false;
        apply_link(*ctx.link);
      }
      break;
    case RTM_NEWADDR:
      if (ctx.addr) apply_address(*ctx.addr, true);
      break;
    case RTM_DELADDR:
      if (ctx.addr) apply_address(*ctx.addr, false);
      break;
    default:
      break;
  }
}

void LinkMonitor::apply_link(const LinkState& state) {
  auto it = links_.find(state.ifindex);
  if (!state.exists) {
    if (it == links_.end()) return;
    LinkState gone = it->second;
    links_.erase(it);
    // Addresses die with the device; report any whose RTM_DELADDR we did not see.
    for (auto a = addrs_.begin(); a != addrs_.end();) {
      if (a->ifindex == state.ifindex) {
        InterfaceAddress removed = *a;
        a = addrs_.erase(a);
        if (on_address_) on_address_(removed.ifindex, removed.addr, removed.prefix_len, false);
      } else {
        ++a;
      }
    }
    gone.exists = false;
    gone.admin_up = gone.carrier = false;
    if (on_link_) on_link_(gone);
    return;
  }
  if (it != links_.end() && it->second == state) return;
  links_[state.ifindex] = state;
  if (on_link_) on_link_(state);
}

void LinkMonitor::apply_address(const InterfaceAddress& addr, bool added) {
  auto it = std::find_if(addrs_.begin(), addrs_.end(),
                         [&](const InterfaceAddress& a) { return same_key(a, addr); });
  if (added) {
    if (it != addrs_.end()) {
      it->flags = addr.flags;  // e.g. promoted from secondary, or no longer tentative
      it->scope = addr.scope;
      return;
    }
    addrs_.push_back(addr);
  } else {
    if (it == addrs_.end()) return;
    addrs_.erase(it);
  }
  if (on_address_) on_address_(addr.ifindex, addr.addr, addr.prefix_len, added);
}

bool LinkMonitor::dump(LinkMap& links, AddrList& addrs) {
  nl_cache* raw = nullptr;
  int err = rtnl_link_alloc_cache(requests_.get(), AF_UNSPEC, &raw);
  NlCachePtr link_cache(raw);
  if (err < 0) {
    XLOG_ERROR("netlink: link dump failed: %s", nl_geterror(err));
    return false;
  }
  raw = nullptr;
  err = rtnl_addr_alloc_cache(requests_.get(), &raw);
  NlCachePtr addr_cache(raw);
  if (err < 0) {
    XLOG_ERROR("netlink: address dump failed: %s", nl_geterror(err));
    return false;
  }
  links.clear();
  addrs.clear();
  for (nl_object* o = nl_cache_get_first(link_cache.get()); o; o = nl_cache_get_next(o)) {
    LinkState s = link_state_from(reinterpret_cast<rtnl_link*>(o));
    links[s.ifindex] = s;
  }
  for (nl_object* o = nl_cache_get_first(addr_cache.get()); o; o = nl_cache_get_next(o)) {
    if (auto a = interface_address_from(reinterpret_cast<rtnl_addr*>(o))) addrs.push_back(*a);
  }
  return true;
}

bool LinkMonitor::resync() {
  LinkMap links;
  AddrList addrs;
  if (!dump(links, addrs)) return false;
  LinkMap old_links = std::move(links_);
  AddrList old_addrs = std::move(addrs_);
  links_ = std::move(links);
  addrs_ = std::move(addrs);

  for (const auto& [ifindex, old] : old_links) {
    if (!links_.count(ifindex)) {
      LinkState gone = old;
      gone.exists = gone.admin_up = gone.carrier = false;
      if (on_link_) on_link_(gone);
    }
  }
  for (const auto& [ifindex, now] : links_) {
    auto it = old_links.find(ifindex);
    if ((it == old_links.end() || !(it->second == now)) && on_link_) on_link_(now);
  }
  for (const auto& old : old_addrs) {
    bool still = std::any_of(addrs_.begin(), addrs_.end(),
                             [&](const InterfaceAddress& a) { return same_key(a, old); });
    if (!still && on_address_) on_address_(old.ifindex, old.addr, old.prefix_len, false);
  }
  for (const auto& now : addrs_) {
    bool before = std::any_of(old_addrs.begin(), old_addrs.end(),
                              [&](const InterfaceAddress& a) { return same_key(a, now); });
    if (!before && on_address_) on_address_(now.ifindex, now.addr, now.prefix_len, true);
  }
  return true;
}

std::optional<LinkState> LinkMonitor::find(const std::string& name) const {
  for (const auto& [ifindex, s] : links_) {
    if (s.name == name) return s;
  }
  return std::nullopt;
}

std::optional<LinkState> LinkMonitor::find(int ifindex) const {
  auto it = links_.find(ifindex);
  if (it == links_.end()) return std::nullopt;
  return it->second;
}

std::optional<IpAddress> LinkMonitor::primary_address(int ifindex, int family) const {
  for (const auto& a : addrs_) {
    if (a.ifindex != ifindex || a.addr.family != family) continue;
    if (family == AF_INET) {
      if (!(a.flags & IFA_F_SECONDARY)) return a.addr;
    } else if (family == AF_INET6) {
      bool link_local = a.addr.bytes[0] == 0xfe && (a.addr.bytes[1] & 0xc0) == 0x80;
      if (link_local && !(a.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))) return a.addr;
    }
  }
  return std::nullopt;
}

std::vector<std::pair<int, IpAddress>> LinkMonitor::address_index() const {
  std::vector<std::pair<int, IpAddress>> out;
  out.reserve(addrs_.size());
  for (const auto& a : addrs_) out.emplace_back(a.ifindex, a.addr);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<InterfaceAddress> LinkMonitor::addresses(int ifindex) const {
  std::vector<InterfaceAddress> out;
  for (const auto& a : addrs_) {
    if (a.ifindex == ifindex) out.push_back(a);
  }
  return out;
}

}  // namespace xvrrp::net
