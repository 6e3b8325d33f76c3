// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrp-receive-seeds DIR [eth|ip]: writes the receive case table's frames
// (tests/support/receive_cases.hpp) to DIR as fuzz seeds, one file per row.
#include <cstdio>
#include <cstring>
#include <exception>

#include "support/receive_cases.hpp"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 ||
      (argc == 3 && std::strcmp(argv[2], "eth") != 0 && std::strcmp(argv[2], "ip") != 0)) {
    std::fprintf(stderr, "usage: xvrrp-receive-seeds DIR [eth|ip]  (default eth)\n");
    return 2;
  }
  const auto layer = argc == 3 && std::strcmp(argv[2], "ip") == 0
                         ? xvrrp::test_support::SeedLayer::Ip
                         : xvrrp::test_support::SeedLayer::Ethernet;
  try {
    const std::size_t n = xvrrp::test_support::write_receive_seeds(argv[1], layer);
    std::printf("%zu seeds in %s\n", n, argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xvrrp-receive-seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
