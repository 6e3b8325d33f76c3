// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/xdp_claim.hpp"

#include <gtest/gtest.h>

namespace xvrrp::policy {
namespace {

XdpOccupant program(std::uint32_t id, const char* name, bool inspected) {
  XdpOccupant o;
  o.prog_id = id;
  o.prog_name = name;
  o.inspected = inspected;
  return o;
}

XdpOccupant filter_of(std::uint32_t pid, bool alive) {
  XdpOccupant o = program(42, "xvrrp_xdp", true);
  o.xvrrp = true;
  o.owner_pid = pid;
  o.owner_alive = alive;
  return o;
}

XdpOccupant killed_before_bind() {
  XdpOccupant o = program(42, "xvrrp_xdp", true);
  o.from_stale_pins = true;
  return o;
}

struct Case {
  const char* what;
  XdpOccupant occupant;
  XdpClaim want;
};

TEST(XdpClaim, DecisionTable) {
  const Case cases[] = {
      {"free hook", {}, XdpClaim::Attach},
      {"libxdp's dispatcher, shared", program(7, "xdp_dispatcher", true), XdpClaim::Attach},
      {"dispatcher seen without CAP_SYS_ADMIN", program(7, "xdp_dispatcher", false),
       XdpClaim::Attach},
      {"a running xvrrpd's filter", filter_of(1234, true), XdpClaim::RefuseLive},
      {"a dead xvrrpd's filter", filter_of(1234, false), XdpClaim::ReplaceStale},
      {"an xvrrp filter whose meta names no pid", filter_of(0, false), XdpClaim::RefuseLive},
      {"named like ours but without xvrrp_meta", program(9, "xvrrp_xdp", true),
       XdpClaim::RefuseForeign},
      {"ours, killed between attach and binding xvrrp_meta", killed_before_bind(),
       XdpClaim::ReplaceStale},
      {"another program", program(9, "xdp_lb", true), XdpClaim::RefuseForeign},
      {"cannot be inspected", program(9, "", false), XdpClaim::RefuseForeign},
  };
  for (const auto& c : cases) EXPECT_EQ(decide_xdp_claim(c.occupant), c.want) << c.what;
}

TEST(XdpClaim, RefusalNamesInterfaceProgramOwnerAndWayOut) {
  const std::string msg = xdp_claim_refusal(filter_of(1234, true), 2, "eth0");
  EXPECT_NE(msg.find("eth0 (ifindex 2)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("another xvrrpd (pid 1234, program id 42 \"xvrrp_xdp\")"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("--rx=socket"), std::string::npos) << msg;
}

TEST(XdpClaim, RefusalOfAForeignOrUnreadableProgram) {
  const std::string foreign = xdp_claim_refusal(program(9, "xdp_lb", true), 3, "");
  EXPECT_NE(foreign.find("ifindex 3: "), std::string::npos) << foreign;
  EXPECT_NE(foreign.find("\"xdp_lb\", which is not xvrrpd's"), std::string::npos) << foreign;
  const std::string unreadable = xdp_claim_refusal(program(9, "", false), 3, "eth1");
  EXPECT_NE(unreadable.find("whose owner cannot be read"), std::string::npos) << unreadable;
}

}  // namespace
}  // namespace xvrrp::policy
