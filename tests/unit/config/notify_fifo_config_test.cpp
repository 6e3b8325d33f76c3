// SPDX-License-Identifier: GPL-2.0-or-later
// global_defs notify_fifo, vrrp_notify_fifo, their *_script and
// fifo_write_vrrp_states_on_reload: keepalived's spellings, the optional user and group, and
// bad values named with file and line.
#include <gtest/gtest.h>

#include <string>

#include "parse_text.hpp"

namespace xvrrp::config {
namespace {

using test::parse_error;
using test::parse_text;

std::string with(const std::string& globals) {
  return "global_defs {\n router_id r1\n" + globals +
         "}\n"
         "vrrp_instance vi {\n interface eth0\n virtual_router_id 51\n"
         " virtual_ipaddress {\n  192.0.2.1/24\n }\n}\n";
}

TEST(NotifyFifoConfig, DefaultIsNoFifo) {
  const Config c = parse_text(with(""));
  EXPECT_EQ(c.global.notify_fifo, NotifyFifo{});
  EXPECT_EQ(c.global.vrrp_notify_fifo, NotifyFifo{});
  EXPECT_FALSE(c.global.fifo_write_vrrp_states_on_reload);
}

TEST(NotifyFifoConfig, PathsScriptsUsersAndGroups) {
  const Config c =
      parse_text(with(" notify_fifo /run/k.fifo\n"
                      " notify_fifo_script \"/usr/local/bin/reader --log /tmp/x\"\n"
                      " vrrp_notify_fifo /run/v.fifo root root\n"
                      " vrrp_notify_fifo_script /usr/local/bin/vreader nobody root\n"
                      " fifo_write_vrrp_states_on_reload\n"));
  const NotifyFifo& g = c.global.notify_fifo;
  EXPECT_EQ(g.path, "/run/k.fifo");
  EXPECT_EQ(g.user, "");
  EXPECT_EQ(g.group, "");
  EXPECT_EQ(g.script, "/usr/local/bin/reader --log /tmp/x");
  EXPECT_EQ(g.script_user, "");
  const NotifyFifo& v = c.global.vrrp_notify_fifo;
  EXPECT_EQ(v.path, "/run/v.fifo");
  EXPECT_EQ(v.user, "root");
  EXPECT_EQ(v.group, "root");
  EXPECT_EQ(v.script, "/usr/local/bin/vreader");
  EXPECT_EQ(v.script_user, "nobody");
  EXPECT_EQ(v.script_group, "root");
  EXPECT_TRUE(c.global.fifo_write_vrrp_states_on_reload);
}

TEST(NotifyFifoConfig, UserWithoutGroupAndScriptBeforeFifo) {
  // keepalived reads global_defs in any order: the script may come first.
  const Config c = parse_text(
      with(" vrrp_notify_fifo_script /bin/reader root\n vrrp_notify_fifo /run/v.fifo nobody\n"));
  EXPECT_EQ(c.global.vrrp_notify_fifo.user, "nobody");
  EXPECT_EQ(c.global.vrrp_notify_fifo.group, "");
  EXPECT_EQ(c.global.vrrp_notify_fifo.script_user, "root");
  EXPECT_EQ(c.global.vrrp_notify_fifo.script_group, "");
}

TEST(NotifyFifoConfig, BadValuesNameFileAndLine) {
  EXPECT_EQ(parse_error(with(" notify_fifo fifo\n")),
            "t.conf:3: error: notify_fifo 'fifo': expected an absolute path");
  EXPECT_EQ(parse_error(with(" vrrp_notify_fifo \"\"\n")),
            "t.conf:3: error: vrrp_notify_fifo '': expected an absolute path");
  EXPECT_EQ(parse_error(with(" notify_fifo /run/a\n notify_fifo /run/b\n")),
            "t.conf:4: error: notify_fifo given twice (first at t.conf:3)");
  EXPECT_EQ(parse_error(with(" notify_fifo /run/a no_such_user_xvrrp\n")),
            "t.conf:3: error: notify_fifo: no such user 'no_such_user_xvrrp'");
  EXPECT_EQ(parse_error(with(" notify_fifo /run/a root no_such_group_xvrrp\n")),
            "t.conf:3: error: notify_fifo: no such group 'no_such_group_xvrrp'");
  EXPECT_EQ(parse_error(with(" vrrp_notify_fifo /run/a\n"
                             " vrrp_notify_fifo_script /bin/r no_such_user_xvrrp\n")),
            "t.conf:4: error: vrrp_notify_fifo_script: no such user 'no_such_user_xvrrp'");
  EXPECT_EQ(parse_error(with(" notify_fifo /run/a\n notify_fifo_script \"\"\n")),
            "t.conf:4: error: notify_fifo_script: empty command (expected 'notify_fifo_script "
            "\"SCRIPT ARGS\" [USER [GROUP]]')");
  EXPECT_EQ(parse_error(with(" notify_fifo /run/a\n notify_fifo_script /bin/a\n"
                             " notify_fifo_script /bin/b\n")),
            "t.conf:5: error: notify_fifo_script given twice (first at t.conf:4)");
  EXPECT_NE(parse_error(with(" notify_fifo\n")).find("t.conf:3: error:"), std::string::npos);
  EXPECT_NE(parse_error(with(" notify_fifo /run/a root root extra\n")).find("t.conf:3: error:"),
            std::string::npos);
  EXPECT_NE(parse_error(with(" fifo_write_vrrp_states_on_reload yes\n")).find("t.conf:3: error:"),
            std::string::npos);
}

TEST(NotifyFifoConfig, AScriptNeedsItsFifo) {
  EXPECT_EQ(parse_error(with(" notify_fifo_script /bin/r\n")),
            "t.conf:3: error: notify_fifo_script without notify_fifo (expected 'notify_fifo "
            "PATH' in global_defs)");
  // The other FIFO does not count.
  EXPECT_EQ(parse_error(with(" notify_fifo /run/a\n vrrp_notify_fifo_script /bin/r\n")),
            "t.conf:4: error: vrrp_notify_fifo_script without vrrp_notify_fifo (expected "
            "'vrrp_notify_fifo PATH' in global_defs)");
}

TEST(NotifyFifoConfig, TheTwoFifosMustDiffer) {
  EXPECT_EQ(parse_error(with(" notify_fifo /run/a\n vrrp_notify_fifo /run/a\n")),
            "t.conf:4: error: vrrp_notify_fifo '/run/a' is notify_fifo's too (expected "
            "different FIFOs)");
}

// keepalived (vrrp_complete_instance): the instance's line, else its sync group's, else the
// global default.
TEST(NotifyFifoConfig, PriorityChangesInstanceThenGroupThenGlobal) {
  const std::string two =
      "vrrp_instance a {\n interface eth0\n virtual_router_id 1\n"
      " virtual_ipaddress {\n  192.0.2.1/24\n }\n%A}\n"
      "vrrp_instance b {\n interface eth0\n virtual_router_id 2\n"
      " virtual_ipaddress {\n  192.0.2.2/24\n }\n}\n"
      "vrrp_instance c {\n interface eth0\n virtual_router_id 3\n"
      " virtual_ipaddress {\n  192.0.2.3/24\n }\n}\n";
  auto conf = [&](const std::string& global, const std::string& a, const std::string& group) {
    std::string t = "global_defs {\n router_id r1\n" + global + "}\n" + two;
    t.replace(t.find("%A"), 2, a);
    return t + "vrrp_sync_group g {\n group {\n a b\n }\n" + group + "}\n";
  };
  auto values = [](const Config& c) {
    std::string v;
    for (const auto& i : c.instances) v += i.notify_priority_changes ? '1' : '0';
    return v;
  };
  EXPECT_EQ(values(parse_text(conf("", "", ""))), "000");
  EXPECT_EQ(values(parse_text(conf(" vrrp_notify_priority_changes\n", "", ""))), "111");
  EXPECT_EQ(values(parse_text(
                conf(" vrrp_notify_priority_changes on\n", "", " notify_priority_changes off\n"))),
            "001");
  EXPECT_EQ(values(parse_text(
                conf("", " notify_priority_changes yes\n", " notify_priority_changes false\n"))),
            "100");
  EXPECT_EQ(values(parse_text(
                conf(" vrrp_notify_priority_changes off\n", " notify_priority_changes\n", ""))),
            "100");
  EXPECT_NE(
      parse_error(conf(" vrrp_notify_priority_changes maybe\n", "", "")).find("t.conf:3: error:"),
      std::string::npos);
}

TEST(NotifyFifoConfig, AChangedFifoIsARestartOnlyChange) {
  const Config a = parse_text(with(" notify_fifo /run/a\n"));
  const Config b = parse_text(with(" notify_fifo /run/b\n"));
  const auto changes = diff_globals(a.global, b.global);
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].field, "notify_fifo");
  EXPECT_EQ(changes[0].cls, ReloadClass::Rebuild);
}

}  // namespace
}  // namespace xvrrp::config
