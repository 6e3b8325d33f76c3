// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/vip_filter.hpp"

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <utility>

namespace xvrrp::net {
namespace {

// nftables' datatype numbers (nftables: include/datatype.h).
constexpr std::uint32_t kTypeIpAddr = 7;
constexpr std::uint32_t kTypeIp6Addr = 8;
constexpr std::size_t kTableNameMax = 255;

template <typename T, void (*Free)(const T*)>
struct Owned {
  T* p;
  explicit Owned(T* x) : p(x) {
    if (!p) throw std::runtime_error("nftables: out of memory");
  }
  ~Owned() {
    if (p) Free(p);
  }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
};
using Table = Owned<nftnl_table, nftnl_table_free>;
using Chain = Owned<nftnl_chain, nftnl_chain_free>;
using Set = Owned<nftnl_set, nftnl_set_free>;
using Rule = Owned<nftnl_rule, nftnl_rule_free>;

struct SocketCloser {
  void operator()(mnl_socket* s) const {
    if (s) mnl_socket_close(s);
  }
};

mnl_socket* open_socket() {
  mnl_socket* nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
  if (!nl) throw std::runtime_error(std::string("nftables: netlink socket: ") + strerror(errno));
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    const int e = errno;
    mnl_socket_close(nl);
    throw std::runtime_error(std::string("nftables: netlink bind: ") + strerror(e));
  }
  return nl;
}

// One nftables transaction: every message asks for an ack, and the kernel applies all or
// none. `ignore` is an errno that counts as success (ENOENT when deleting what may be gone).
class Batch {
 public:
  Batch() : buf_(kSize), batch_(mnl_nlmsg_batch_start(buf_.data(), buf_.size())) {
    nftnl_batch_begin(static_cast<char*>(mnl_nlmsg_batch_current(batch_)), seq_++);
    mnl_nlmsg_batch_next(batch_);
  }
  ~Batch() { mnl_nlmsg_batch_stop(batch_); }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  nlmsghdr* header(std::uint16_t type, std::uint16_t family, std::uint16_t flags) {
    auto* h = nftnl_nlmsg_build_hdr(static_cast<char*>(mnl_nlmsg_batch_current(batch_)), type,
                                    family, flags | NLM_F_ACK, seq_++);
    ++messages_;
    return h;
  }
  void next() {
    if (!mnl_nlmsg_batch_next(batch_)) throw std::runtime_error("nftables: batch too large");
  }
  [[nodiscard]] bool empty() const { return messages_ == 0; }

  void commit(mnl_socket* nl, int ignore = 0) {
    nftnl_batch_end(static_cast<char*>(mnl_nlmsg_batch_current(batch_)), seq_++);
    mnl_nlmsg_batch_next(batch_);
    if (mnl_socket_sendto(nl, mnl_nlmsg_batch_head(batch_), mnl_nlmsg_batch_size(batch_)) < 0)
      throw std::runtime_error(std::string("nftables: send: ") + strerror(errno));
    // nfnetlink processes the batch inside sendmsg: every ack is queued by now.
    int first_error = 0;
    std::vector<char> rx(MNL_SOCKET_BUFFER_SIZE);
    int acks = 0;
    while (acks < messages_) {
      const ssize_t n = recv(mnl_socket_get_fd(nl), rx.data(), rx.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        throw std::runtime_error(std::string("nftables: receive: ") + strerror(errno));
      }
      int len = static_cast<int>(n);
      for (auto* h = reinterpret_cast<const nlmsghdr*>(rx.data()); mnl_nlmsg_ok(h, len);
           h = mnl_nlmsg_next(h, &len)) {
        if (h->nlmsg_type != NLMSG_ERROR) continue;
        const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(h));
        ++acks;
        if (err->error != 0 && -err->error != ignore && first_error == 0) first_error = -err->error;
      }
    }
    if (first_error != 0)
      throw std::runtime_error(std::string("nftables: ") + strerror(first_error));
  }

 private:
  static constexpr std::size_t kSize = 64 * 1024;
  std::vector<char> buf_;
  mnl_nlmsg_batch* batch_;
  std::uint32_t seq_ = 1;
  int messages_ = 0;
};

void add_payload(nftnl_rule* r, std::uint32_t base, std::uint32_t offset, std::uint32_t len) {
  nftnl_expr* e = nftnl_expr_alloc("payload");
  if (!e) throw std::runtime_error("nftables: out of memory");
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
  nftnl_rule_add_expr(r, e);
}
void add_meta_l4proto(nftnl_rule* r) {
  nftnl_expr* e = nftnl_expr_alloc("meta");
  if (!e) throw std::runtime_error("nftables: out of memory");
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
  nftnl_rule_add_expr(r, e);
}
void add_cmp_eq(nftnl_rule* r, std::uint8_t value) {
  nftnl_expr* e = nftnl_expr_alloc("cmp");
  if (!e) throw std::runtime_error("nftables: out of memory");
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
  nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &value, sizeof value);
  nftnl_rule_add_expr(r, e);
}
void add_lookup(nftnl_rule* r, const char* set) {
  nftnl_expr* e = nftnl_expr_alloc("lookup");
  if (!e) throw std::runtime_error("nftables: out of memory");
  nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
  nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
  nftnl_rule_add_expr(r, e);
}
void add_verdict(nftnl_rule* r, std::uint32_t verdict) {
  nftnl_expr* e = nftnl_expr_alloc("immediate");
  if (!e) throw std::runtime_error("nftables: out of memory");
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, verdict);
  nftnl_rule_add_expr(r, e);
}

void put_table(Batch& b, std::uint16_t type, std::uint8_t family, const std::string& name,
               std::uint16_t flags) {
  Table t(nftnl_table_alloc());
  nftnl_table_set_str(t.p, NFTNL_TABLE_NAME, name.c_str());
  nftnl_table_set_u32(t.p, NFTNL_TABLE_FAMILY, family);
  nftnl_table_nlmsg_build_payload(b.header(type, family, flags), t.p);
  b.next();
}

void put_chain(Batch& b, std::uint8_t family, const std::string& table, const char* name,
               std::uint32_t hook) {
  Chain c(nftnl_chain_alloc());
  nftnl_chain_set_str(c.p, NFTNL_CHAIN_TABLE, table.c_str());
  nftnl_chain_set_str(c.p, NFTNL_CHAIN_NAME, name);
  nftnl_chain_set_u32(c.p, NFTNL_CHAIN_HOOKNUM, hook);
  nftnl_chain_set_str(c.p, NFTNL_CHAIN_TYPE, "filter");
  nftnl_chain_set_s32(c.p, NFTNL_CHAIN_PRIO, -1);
  nftnl_chain_set_u32(c.p, NFTNL_CHAIN_POLICY, NF_ACCEPT);
  nftnl_chain_nlmsg_build_payload(b.header(NFT_MSG_NEWCHAIN, family, NLM_F_CREATE), c.p);
  b.next();
}

void put_set(Batch& b, std::uint8_t family, const std::string& table) {
  Set s(nftnl_set_alloc());
  nftnl_set_set_str(s.p, NFTNL_SET_TABLE, table.c_str());
  nftnl_set_set_str(s.p, NFTNL_SET_NAME, "vips");
  nftnl_set_set_u32(s.p, NFTNL_SET_FAMILY, family);
  nftnl_set_set_u32(s.p, NFTNL_SET_KEY_LEN, family == NFPROTO_IPV4 ? 4 : 16);
  nftnl_set_set_u32(s.p, NFTNL_SET_KEY_TYPE, family == NFPROTO_IPV4 ? kTypeIpAddr : kTypeIp6Addr);
  nftnl_set_set_u32(s.p, NFTNL_SET_ID, 1);
  nftnl_set_nlmsg_build_payload(b.header(NFT_MSG_NEWSET, family, NLM_F_CREATE), s.p);
  b.next();
}

void put_rule(Batch& b, std::uint8_t family, const std::string& table, const char* chain,
              const std::function<void(nftnl_rule*)>& exprs) {
  Rule r(nftnl_rule_alloc());
  nftnl_rule_set_str(r.p, NFTNL_RULE_TABLE, table.c_str());
  nftnl_rule_set_str(r.p, NFTNL_RULE_CHAIN, chain);
  nftnl_rule_set_u32(r.p, NFTNL_RULE_FAMILY, family);
  exprs(r.p);
  nftnl_rule_nlmsg_build_payload(b.header(NFT_MSG_NEWRULE, family, NLM_F_APPEND | NLM_F_CREATE),
                                 r.p);
  b.next();
}

void put_family(Batch& b, std::uint8_t family, const std::string& table) {
  put_table(b, NFT_MSG_NEWTABLE, family, table, NLM_F_CREATE);
  put_chain(b, family, table, "in", NF_INET_LOCAL_IN);
  put_chain(b, family, table, "out", NF_INET_LOCAL_OUT);
  put_set(b, family, table);
  const bool v4 = family == NFPROTO_IPV4;
  for (const char* chain : {"in", "out"}) {
    const bool in = chain[0] == 'i';
    if (!v4) {
      // Neighbour discovery to and from a VIP is what lets neighbours resolve it.
      for (const std::uint8_t type :
           {std::uint8_t{ND_NEIGHBOR_SOLICIT}, std::uint8_t{ND_NEIGHBOR_ADVERT}}) {
        put_rule(b, family, table, chain, [&](nftnl_rule* r) {
          add_meta_l4proto(r);
          add_cmp_eq(r, IPPROTO_ICMPV6);
          add_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, offsetof(icmp6_hdr, icmp6_type), 1);
          add_cmp_eq(r, type);
          add_verdict(r, NF_ACCEPT);
        });
      }
    }
    const std::uint32_t offset =
        v4 ? (in ? offsetof(iphdr, daddr) : offsetof(iphdr, saddr))
           : (in ? offsetof(ip6_hdr, ip6_dst) : offsetof(ip6_hdr, ip6_src));
    put_rule(b, family, table, chain, [&](nftnl_rule* r) {
      add_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, v4 ? 4 : 16);
      add_lookup(r, "vips");
      add_verdict(r, NF_DROP);
    });
  }
}

void put_elements(Batch& b, std::uint16_t type, std::uint8_t family, const std::string& table,
                  const std::vector<IpAddress>& addrs) {
  if (addrs.empty()) return;
  Set s(nftnl_set_alloc());
  nftnl_set_set_str(s.p, NFTNL_SET_TABLE, table.c_str());
  nftnl_set_set_str(s.p, NFTNL_SET_NAME, "vips");
  for (const auto& a : addrs) {
    nftnl_set_elem* e = nftnl_set_elem_alloc();
    if (!e) throw std::runtime_error("nftables: out of memory");
    nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, a.bytes.data(), a.is_v4() ? 4 : 16);
    nftnl_set_elem_add(s.p, e);
  }
  nftnl_set_elems_nlmsg_build_payload(
      b.header(type, family, type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0), s.p);
  b.next();
}

}  // namespace

void VipFilter::SocketDeleter::operator()(mnl_socket* s) const { SocketCloser{}(s); }

std::string vip_filter_table(const std::string& router_id) {
  return ("xvrrpd_" + router_id).substr(0, kTableNameMax);
}

void VipFilter::remove_stale(const std::string& table) {
  std::unique_ptr<mnl_socket, SocketCloser> nl(open_socket());
  for (const std::uint8_t family : {std::uint8_t{NFPROTO_IPV4}, std::uint8_t{NFPROTO_IPV6}}) {
    Batch b;
    put_table(b, NFT_MSG_DELTABLE, family, table, 0);
    b.commit(nl.get(), ENOENT);
  }
}

VipFilter::VipFilter(std::string table) : table_(std::move(table)), nl_(open_socket()) {
  remove_stale(table_);
  Batch b;
  put_family(b, NFPROTO_IPV4, table_);
  put_family(b, NFPROTO_IPV6, table_);
  b.commit(nl_.get());
}

VipFilter::~VipFilter() {
  try {
    remove_stale(table_);
  } catch (const std::exception&) {
    // Nothing to report to: the daemon is exiting, and its successor removes the tables.
  }
}

void VipFilter::assign(const std::vector<IpAddress>& addrs) {
  const std::set<IpAddress> want(addrs.begin(), addrs.end());
  if (want == current_) return;
  std::vector<IpAddress> add[2], del[2];
  for (const auto& a : want)
    if (!current_.count(a)) add[a.is_v4() ? 0 : 1].push_back(a);
  for (const auto& a : current_)
    if (!want.count(a)) del[a.is_v4() ? 0 : 1].push_back(a);
  Batch b;
  for (int i = 0; i < 2; ++i) {
    const std::uint8_t family = i == 0 ? NFPROTO_IPV4 : NFPROTO_IPV6;
    put_elements(b, NFT_MSG_DELSETELEM, family, table_, del[i]);
    put_elements(b, NFT_MSG_NEWSETELEM, family, table_, add[i]);
  }
  b.commit(nl_.get());
  current_ = want;
}

}  // namespace xvrrp::net
