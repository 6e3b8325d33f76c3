// SPDX-License-Identifier: GPL-2.0-or-later
// Who scripts run as: a vrrp_script's own user, else global_defs' script_user
// (keepalived.conf(5)), resolved at start-up and on the reload worker so that the
// runners made on the event loop look nothing up; a reload that changes script_user
// keeps the running one (restart-only) and says so.
#include "daemon/script_users.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "daemon/config_loader.hpp"

namespace xvrrp::daemon {
namespace {

namespace fs = std::filesystem;

class ScriptUsersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("xvrrp-users-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // global_defs' script_user (empty: none), chk_a without a user, chk_b as `b_user`.
  std::string write(const std::string& script_user, const std::string& b_user) {
    const fs::path p = dir_ / "keepalived.conf";
    std::ofstream out(p);
    out << "global_defs {\n router_id r1\n";
    if (!script_user.empty()) out << " script_user " << script_user << "\n";
    out << "}\nvrrp_script chk_a {\n script \"/bin/true\"\n}\n"
        << "vrrp_script chk_b {\n script \"/bin/true\"\n user " << b_user << "\n}\n"
        << "vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n"
        << " priority 100\n advert_int 1\n virtual_ipaddress {\n  192.0.2.100/24\n }\n"
        << " track_script {\n  chk_a\n  chk_b\n }\n}\n";
    return p.string();
  }

  static const config::VrrpScript& script(const config::Config& c, const std::string& name) {
    for (const auto& s : c.scripts)
      if (s.name == name) return s;
    throw std::runtime_error("no vrrp_script " + name);
  }

  static std::optional<ConfigLoader::Result> wait_for(ConfigLoader& loader) {
    pollfd pfd{loader.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, 10'000) != 1) return std::nullopt;
    return loader.take();
  }

  fs::path dir_;
};

TEST_F(ScriptUsersTest, AScriptWithoutAUserRunsAsScriptUser) {
  config::Config c = config::load(write("nobody", "root"));
  ASSERT_TRUE(script(c, "chk_a").user.empty());
  const ScriptCredentialMap known = resolve_script_users(c);
  EXPECT_EQ(script(c, "chk_a").user, "nobody");
  EXPECT_EQ(script(c, "chk_b").user, "root");
  ASSERT_EQ(known.size(), 2u);
  EXPECT_EQ(known.at({"nobody", ""}).uid, 65534u);
  EXPECT_EQ(known.at({"root", ""}).uid, 0u);

  notify::ScriptSettings settings;
  set_script_user(settings, {"nobody", ""}, known);
  EXPECT_EQ(settings.user, "nobody");
  ASSERT_TRUE(settings.credentials.has_value());
  EXPECT_EQ(settings.credentials->uid, 65534u);
  notify::ScriptSettings own;
  set_script_user(own, {"", ""}, known);
  EXPECT_TRUE(own.user.empty());
  EXPECT_FALSE(own.credentials.has_value());
}

TEST_F(ScriptUsersTest, WithoutScriptUserScriptsRunAsTheDaemon) {
  config::Config c = config::load(write("", "root"));
  const ScriptCredentialMap known = resolve_script_users(c);
  EXPECT_TRUE(script(c, "chk_a").user.empty());
  EXPECT_EQ(known.size(), 1u);
  EXPECT_EQ(known.count({"", ""}), 0u);
}

TEST_F(ScriptUsersTest, AnUnknownUserNamesTheScriptAndItsLine) {
  config::Config c = config::load(write("", "no-such-user-xvrrp"));
  try {
    (void)resolve_script_users(c);
    ADD_FAILURE() << "resolved a user that does not exist";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("keepalived.conf:7: vrrp_script chk_b: script_user no-such-user-xvrrp: "
                        "no such user"),
              std::string::npos)
        << what;
  }
}

TEST_F(ScriptUsersTest, TheReloadWorkerResolvesAndKeepsTheRunningScriptUser) {
  ConfigLoader loader;
  config::Global running;
  running.script_user = "root";
  ASSERT_TRUE(loader.request(write("nobody", "nobody"), "r1", running));
  std::optional<ConfigLoader::Result> done = wait_for(loader);
  ASSERT_TRUE(done.has_value());
  ASSERT_TRUE(done->config.has_value()) << done->error;
  const config::Config& c = *done->config;
  EXPECT_EQ(c.global.script_user, "root");
  EXPECT_EQ(script(c, "chk_a").user, "root");
  EXPECT_EQ(script(c, "chk_b").user, "nobody");
  EXPECT_EQ(done->script_users.at({"nobody", ""}).uid, 65534u);
  EXPECT_EQ(done->script_users.at({"root", ""}).uid, 0u);
  bool warned = false;
  for (const auto& w : c.warnings) warned |= w.find("script_user") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST_F(ScriptUsersTest, AReloadWithAnUnknownUserFailsOnTheWorker) {
  ConfigLoader loader;
  ASSERT_TRUE(loader.request(write("", "no-such-user-xvrrp"), "r1", config::Global{}));
  std::optional<ConfigLoader::Result> done = wait_for(loader);
  ASSERT_TRUE(done.has_value());
  EXPECT_FALSE(done->config.has_value());
  EXPECT_NE(done->error.find("vrrp_script chk_b: script_user no-such-user-xvrrp"),
            std::string::npos)
      << done->error;
}

bool exists(const std::string&) { return true; }
bool missing(const std::string&) { return false; }

TEST(DefaultScriptUser, KeepalivedScriptWhenItExistsAndNothingIsConfigured) {
  config::Global g;
  EXPECT_FALSE(apply_default_script_user(g, missing));
  EXPECT_EQ(g.script_user, "");
  EXPECT_TRUE(apply_default_script_user(g, exists));
  EXPECT_EQ(g.script_user, "keepalived_script");
  EXPECT_EQ(g.script_group, "");
  config::Global configured;
  configured.script_user = "nobody";
  configured.script_group = "nogroup";
  EXPECT_FALSE(apply_default_script_user(configured, exists));
  EXPECT_EQ(configured.script_user, "nobody");
  EXPECT_EQ(configured.script_group, "nogroup");
}

}  // namespace
}  // namespace xvrrp::daemon
