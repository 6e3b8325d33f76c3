// SPDX-License-Identifier: GPL-2.0-or-later
// The auth_hmac block: keepalived's spelling, key sources, errors with file:line,
// and that key bytes never appear in -t output or reload diffs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.hpp"
#include "parse_text.hpp"

namespace xvrrp::config {
namespace {

namespace ah = core::auth_hmac;

const std::string kKey1 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kKey2 = "2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40";

ParseOptions opts() { return ParseOptions{"", true}; }

std::string instance(const std::string& hmac_body, const std::string& extra = "") {
  return "vrrp_instance vi {\n  interface eth0\n  virtual_router_id 51\n  advert_int 1\n" + extra +
         "  auth_hmac {\n" + hmac_body + "  }\n  virtual_ipaddress {\n    192.0.2.100/32\n  }\n}\n";
}

Config parse(const std::string& text) { return test::parse_text(text, opts()); }

std::string error_of(const std::string& text) { return test::parse_error(text, opts()); }

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/xvrrp-authcfg-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text, mode_t mode) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p;
  }

 private:
  std::string path_;
};

TEST(ConfigAuthHmac, KeepalivedManPageBlock) {
  const Config c = parse(instance("    key 1 hex:" + kKey1 + "\n    key 2 hex:" + kKey2 +
                                  "\n    active_key 2\n    anti_replay time\n    time_window 5\n"
                                  "    mode enforce\n"));
  ASSERT_EQ(c.instances.size(), 1U);
  const auto& a = c.instances[0].auth_hmac;
  ASSERT_TRUE(a);
  ASSERT_EQ(a->keys.size(), 2U);
  EXPECT_EQ(a->keys[0].id, 1);
  EXPECT_EQ(a->keys[0].secret.size(), 32U);
  EXPECT_EQ(a->keys[0].secret.bytes()[31], 0x1f);
  EXPECT_EQ(a->keys[1].secret.bytes()[0], 0x21);
  EXPECT_EQ(a->active_key, 2);
  EXPECT_EQ(a->anti_replay, ah::AntiReplay::Time);
  EXPECT_EQ(a->time_window, 5U);
  EXPECT_EQ(a->mode, ah::Mode::Enforce);
}

TEST(ConfigAuthHmac, DefaultsAsKeepalived) {
  // enforce, anti_replay time, time_window max(3 x advert_int, 5).
  Config c = parse(instance("    key 1 hex:" + kKey1 + "\n    active_key 1\n"));
  const auto& a = *c.instances[0].auth_hmac;
  EXPECT_EQ(a.mode, ah::Mode::Enforce);
  EXPECT_EQ(a.anti_replay, ah::AntiReplay::Time);
  EXPECT_EQ(a.time_window, 5U);
  c = parse(
      "vrrp_instance vi {\n interface eth0\n virtual_router_id 51\n advert_int 4\n"
      " auth_hmac {\n  key 1 hex:" +
      kKey1 + "\n  active_key 1\n }\n}\n");
  EXPECT_EQ(c.instances[0].auth_hmac->time_window, 12U);
  c = parse(instance("    key 1 hex:" + kKey1 + "\n    active_key 1\n    anti_replay monotonic\n"));
  EXPECT_EQ(c.instances[0].auth_hmac->time_window, 0U);
}

TEST(ConfigAuthHmac, AsciiKeyAndModes) {
  const std::string ascii(40, 'k');
  for (const auto& [word, mode] : {std::pair{"permissive", ah::Mode::Permissive},
                                   std::pair{"receive-only", ah::Mode::ReceiveOnly}}) {
    const Config c =
        parse(instance("    key 7 " + ascii + "\n    active_key 7\n    mode " + word + "\n"));
    EXPECT_EQ(c.instances[0].auth_hmac->mode, mode);
    EXPECT_EQ(c.instances[0].auth_hmac->keys[0].secret.size(), 40U);
    EXPECT_EQ(c.instances[0].auth_hmac->keys[0].secret.bytes()[0], 'k');
  }
}

TEST(ConfigAuthHmac, ErrorsNameFileAndLine) {
  const std::string k = "    key 1 hex:" + kKey1 + "\n";
  EXPECT_EQ(error_of(instance(k)),
            "t.conf:5: error: vrrp_instance vi: auth_hmac needs an active_key (expected "
            "'key ID hex:...' lines and 'active_key ID' naming one of them)");
  EXPECT_NE(error_of(instance(k + "    active_key 2\n"))
                .find("t.conf:5: error: vrrp_instance vi: auth_hmac "
                      "active_key names no configured key"),
            std::string::npos);
  EXPECT_NE(error_of(instance(k + k + "    active_key 1\n"))
                .find("t.conf:7: error: duplicate auth_hmac key id 1"),
            std::string::npos);
  EXPECT_NE(error_of(instance("    key 1 hex:0011\n    active_key 1\n"))
                .find("t.conf:6: error: auth_hmac key 1 is 2 bytes (expected 32..64 bytes)"),
            std::string::npos);
  EXPECT_NE(error_of(instance("    key 1 hex:" + kKey1 + kKey1 + "00\n    active_key 1\n"))
                .find("is 65 bytes"),
            std::string::npos);
  EXPECT_NE(error_of(instance("    key 1 hex:0g" + kKey1.substr(2) + "\n    active_key 1\n"))
                .find("t.conf:6: error: auth_hmac key: invalid hex digit"),
            std::string::npos);
  EXPECT_NE(
      error_of(instance("    key 1 hex:0" + kKey1 + "\n    active_key 1\n")).find("odd number"),
      std::string::npos);
  EXPECT_NE(error_of(instance("    key 0 hex:" + kKey1 + "\n"))
                .find("t.conf:6: error: auth_hmac key id 0 out of range"),
            std::string::npos);
  EXPECT_NE(error_of(instance(k + "    active_key 256\n"))
                .find("t.conf:7: error: auth_hmac active_key 256 out of range"),
            std::string::npos);
  EXPECT_NE(error_of(instance(k + "    active_key 1\n    time_window 301\n"))
                .find("t.conf:8: error: auth_hmac time_window 301 out of range"),
            std::string::npos);
  EXPECT_NE(error_of(instance(k + "    active_key 1\n    time_window 0\n")).find("out of range"),
            std::string::npos);
  EXPECT_NE(error_of(instance(k + "    active_key 1\n    mode receive_only\n"))
                .find("t.conf:8: error: invalid auth_hmac mode 'receive_only'"),
            std::string::npos);
  EXPECT_NE(error_of(instance(k + "    active_key 1\n    anti_replay sequence\n"))
                .find("t.conf:8: error: invalid auth_hmac anti_replay"),
            std::string::npos);
  EXPECT_NE(error_of(instance(k + "    active_key 1\n    hmac_type sha1\n"))
                .find("t.conf:8: error: unknown keyword 'hmac_type' in auth_hmac"),
            std::string::npos);
  EXPECT_NE(error_of(instance("    key 1\n")).find("wrong number of arguments to 'key'"),
            std::string::npos);
  // The legacy block and auth_hmac exclude each other.
  EXPECT_NE(
      error_of(instance(k + "    active_key 1\n",
                        "  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n"))
          .find("auth_hmac cannot be combined with authentication"),
      std::string::npos);
}

TEST(ConfigAuthHmac, KeyBytesNeverInErrorsOrReports) {
  const std::string bad = "    key 1 hex:" + kKey1.substr(0, 60) + "zz\n    active_key 1\n";
  EXPECT_EQ(error_of(instance(bad)).find(kKey1.substr(0, 16)), std::string::npos);
  const Config a = parse(
      instance("    key 1 hex:" + kKey1 + "\n    key 2 hex:" + kKey2 + "\n    active_key 1\n"));
  const Config b = parse(
      instance("    key 1 hex:" + kKey1 + "\n    key 2 hex:" + kKey2 + "\n    active_key 2\n"));
  const std::string report = check_report(a);
  EXPECT_NE(report.find("auth_hmac key ids [1,2] active_key 1 mode enforce anti_replay time "
                        "time_window 5"),
            std::string::npos)
      << report;
  EXPECT_EQ(report.find("0001020304"), std::string::npos);
  EXPECT_EQ(report.find("2122232425"), std::string::npos);
  EXPECT_EQ(describe_diff(a.instances[0], b.instances[0]), "auth_hmac changed");
  const auto changes = diff_instances(a.instances[0], b.instances[0]);
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(changes[0].cls, ReloadClass::Live);
}

TEST(ConfigAuthHmac, KeyChangeIsAChangeEvenWithTheSameIds) {
  const Config a = parse(instance("    key 1 hex:" + kKey1 + "\n    active_key 1\n"));
  const Config b = parse(instance("    key 1 hex:" + kKey2 + "\n    active_key 1\n"));
  EXPECT_FALSE(a.instances[0] == b.instances[0]);
  EXPECT_TRUE(a.instances[0] ==
              parse(instance("    key 1 hex:" + kKey1 + "\n    active_key 1\n")).instances[0]);
}

TEST(ConfigAuthHmac, KeyFromAFile) {
  TempDir d;
  const std::string hexfile = d.write("k1", "hex:" + kKey1 + "\n", 0600);
  const std::string asciifile = d.write("k2", std::string(33, 'a') + "\r\n", 0400);
  const Config c = parse(instance("    key 1 file:" + hexfile + "\n    key 2 file:" + asciifile +
                                  "\n    active_key 1\n"));
  const auto& keys = c.instances[0].auth_hmac->keys;
  ASSERT_EQ(keys.size(), 2U);
  EXPECT_EQ(keys[0].secret.size(), 32U);
  EXPECT_EQ(keys[0].secret.bytes()[1], 0x01);
  EXPECT_EQ(keys[1].secret.size(), 33U);
}

TEST(ConfigAuthHmac, RefusesKeyFilesOthersCanRead) {
  if (::geteuid() == 0) {
    // Root reads any mode; the check is on the mode bits, so it still applies.
  }
  TempDir d;
  for (const mode_t mode : {0644, 0640, 0604, 0660, 0601, 0610}) {
    const std::string f = d.write("k" + std::to_string(mode), "hex:" + kKey1, mode);
    const std::string e = error_of(instance("    key 1 file:" + f + "\n    active_key 1\n"));
    EXPECT_NE(e.find("t.conf:6: error: auth_hmac key file '" + f +
                     "' is accessible by group or others (expected mode 0600"),
              std::string::npos)
        << mode << ": " << e;
    EXPECT_EQ(e.find(kKey1), std::string::npos);
  }
  EXPECT_NE(error_of(instance("    key 1 file:/nonexistent/key\n    active_key 1\n"))
                .find("t.conf:6: error: auth_hmac key file '/nonexistent/key' cannot be opened"),
            std::string::npos);
  EXPECT_NE(
      error_of(instance("    key 1 file:/tmp\n    active_key 1\n")).find("is not a regular file"),
      std::string::npos);
  const std::string big = d.write("big", std::string(200, 'a'), 0600);
  EXPECT_NE(
      error_of(instance("    key 1 file:" + big + "\n    active_key 1\n")).find("is too large"),
      std::string::npos);
}

TEST(ConfigAuthHmac, KeyFileFromAnIncludedConfig) {
  TempDir d;
  const std::string keyfile = d.write("key", "hex:" + kKey2, 0600);
  const std::string inc =
      d.write("vi.conf", instance("    key 3 file:" + keyfile + "\n    active_key 3\n"), 0644);
  const std::string top = d.write("keepalived.conf", "include " + inc + "\n", 0644);
  const Config c = load(top, opts());
  ASSERT_EQ(c.instances.size(), 1U);
  EXPECT_EQ(c.instances[0].auth_hmac->keys[0].id, 3);
}

TEST(ConfigAuthHmac, TheDaemonAppliesIt) {
  const std::string text = instance("    key 1 hex:" + kKey1 + "\n    active_key 1\n");
  const Config c = test::parse_text(text, ParseOptions{});  // without accept_unapplied
  ASSERT_EQ(c.instances.size(), 1U);
  ASSERT_TRUE(c.instances[0].auth_hmac);
  EXPECT_EQ(c.instances[0].auth_hmac->active_key, 1);
}

}  // namespace
}  // namespace xvrrp::config
