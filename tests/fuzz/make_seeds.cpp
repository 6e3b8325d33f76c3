// SPDX-License-Identifier: GPL-2.0-or-later
// Writes the fuzzers' seed corpora from the tests' fixtures: the config test data (with an
// include layout in the "#@file" form fuzz_config reads), the receive case table's frames
// (tests/support/receive_cases.hpp) and the seed's advert as frames and IP packets in both
// families and versions, a control request
// set, a status reply in the daemon's schema, and probe event files and command lines.
// Usage: fuzz_make_seeds CONFIG_DATA_DIR OUT_DIR  (OUT_DIR/<target>/<n> files)
#include <sys/socket.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "core/packet.hpp"
#include "support/receive_cases.hpp"

namespace fs = std::filesystem;
using namespace xvrrp;

namespace {

int written = 0;

void seed(const fs::path& dir, const std::string& name, const std::string& data) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << data;
  ++written;
}

std::string bytes(const std::vector<std::uint8_t>& v) { return {v.begin(), v.end()}; }

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void packet_seeds(const fs::path& out) {
  int n = 0;
  for (int version : {2, 3}) {
    for (bool v6 : {false, true}) {
      if (v6 && version == 2) continue;
      packet::Advert a = test_support::seed_advert();
      a.version = static_cast<std::uint8_t>(version);
      if (version == 3) {
        a.auth_type = 0;
        a.auth_data = {};
      }
      const IpAddress src = test_support::ip(v6 ? "fe80::6" : "192.0.2.6");
      const IpAddress dst = v6 ? packet::vrrp_multicast_v6() : packet::vrrp_multicast_v4();
      if (v6) a.addrs = {test_support::ip("2001:db8::100")};
      packet::FrameOptions opts;
      opts.src_mac = {0x02, 0, 0, 0, 2, 6};
      opts.pad_to = 60;
      seed(out, "frame-" + std::to_string(n++),
           bytes(packet::build_advert_frame(opts, a, src, dst)));
      const auto msg = packet::encode(a, src, dst);
      seed(out, "vrrp-" + std::to_string(n++), bytes(msg));
      opts.vlan_tcis = {7};
      seed(out, "vlan-" + std::to_string(n++),
           bytes(packet::build_advert_frame(opts, a, src, dst)));
      if (!v6) {
        std::vector<std::uint8_t> ip(20 + msg.size());
        const std::size_t len = packet::build_ipv4_into(src, dst, 255, 112, msg, ip);
        ip.resize(len);
        seed(out, "ipv4-" + std::to_string(n++), bytes(ip));
      } else {
        std::vector<std::uint8_t> ip(40 + msg.size());
        const std::size_t len = packet::build_ipv6_into(src, dst, 255, 112, msg, ip);
        ip.resize(len);
        seed(out, "ipv6-" + std::to_string(n++), bytes(ip));
      }
    }
  }
}

void config_seeds(const fs::path& data, const fs::path& out) {
  int n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(data)) {
    if (entry.is_regular_file()) seed(out, "file-" + std::to_string(n++), slurp(entry.path()));
  }
  const std::string s1 = slurp(data / "server-1.keepalived.conf");
  seed(out, "include-" + std::to_string(n++),
       "global_defs {\n router_id fuzz\n}\ninclude inc1.conf\n#@file\n" + s1 +
           "\n#@file\ninclude main.conf\n");
  seed(out, "glob-" + std::to_string(n++), "include *.conf\n#@file\n" + s1 + "\n#@file\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CONFIG_DATA_DIR OUT_DIR\n", argv[0]);
    return 2;
  }
  const fs::path data = argv[1], out = argv[2];
  config_seeds(data, out / "fuzz_config");
  packet_seeds(out / "fuzz_packet");
  // Every row of the receive case table, as a whole frame and from the IP header on.
  written += static_cast<int>(test_support::write_receive_seeds((out / "fuzz_packet").string(),
                                                                test_support::SeedLayer::Ethernet));
  // (libFuzzer reads seed directories recursively; the IP rows keep the rows' names.)
  fs::create_directories(out / "fuzz_packet" / "ip");
  written += static_cast<int>(test_support::write_receive_seeds(
      (out / "fuzz_packet" / "ip").string(), test_support::SeedLayer::Ip));
  const fs::path control = out / "fuzz_control";
  seed(control, "status", "status\n");
  seed(control, "status-eof", "status");
  seed(control, "crlf", "status\r\n");
  seed(control, "unknown", "counters please\nstatus\n");
  seed(control, "empty", "");
  const fs::path json = out / "fuzz_ctl_json";
  seed(json, "status",
       R"({"router_id":"server-1","pid":123,"abi_version":1,"rx":"xdp","xdp_mode":"native",)"
       R"("uptime_s":12.5,"instances":[{"name":"service-100","interface":"eth0","vrid":100,)"
       R"("version":2,"state":"MASTER","base_priority":100,"effective_priority":100,)"
       R"("master":"192.0.2.5","master_priority":100,"last_advert_age_ms":12.3,)"
       R"("advert_int_ms":1000,"master_adver_int_ms":1000,"transitions":1,"vips_present":true,)"
       R"("vips":[{"addr":"192.0.2.100/24","dev":"dummy0","present":true}],)"
       R"("tracked":[{"name":"eth0","up":true,"weight":0}],"adverts_sent":10,)"
       R"("adverts_received":12,"garps_sent":5}]})");
  seed(json, "escapes", R"(["\u00e9\ud83d\ude00\n\"", -0.5e-3, 1e300, null, true, {}])");
  seed(json, "error", R"({"error":"unknown command 'x'; expected: status"})");
  const fs::path probe = out / "fuzz_probe";
  seed(probe, "events", "# lab events\n1700000000.123456 reboot s1\n1700000001 back\n");
  seed(probe, "options",
       std::string("--interval\0"
                   "10\0--json\0-q\0192.0.2.100",
                   34));
  seed(probe, "options-eq", std::string("--duration=2.5\0--svg=x.svg\0198.51.100.1", 38));
  std::printf("fuzz_make_seeds: %d seeds in %s\n", written, out.c_str());
  return 0;
}
