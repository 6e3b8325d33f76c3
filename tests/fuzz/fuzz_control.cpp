// SPDX-License-Identifier: GPL-2.0-or-later
// The control protocol: the request rule (parse_control_request) on the input at every
// split point a reader could see, and the input sent over a real unix socket to a real
// ControlServer on its EventLoop. Invariants: a connection always ends (the server closes it
// and keeps no fd), and the reply is the handler's answer to the first line or nothing.
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../unit/daemon/control_test_util.hpp"
#include "daemon/control_server.hpp"
#include "fuzz_util.hpp"

namespace {

using namespace xvrrp;
using namespace xvrrp::daemon;

constexpr std::size_t kMaxRequest = 256;

std::string answer(const std::string& command) { return "[" + command + "]\n"; }

struct Server {
  Server()
      : server(loop, fuzz::scratch_dir() + "/fuzz.ctl", answer,
               ControlServer::Limits{4, 5'000'000'000, kMaxRequest}) {}
  EventLoop loop;
  ControlServer server;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const ControlRequest whole = parse_control_request(input, true, kMaxRequest);
  fuzz::check(whole.kind != ControlRequest::Kind::Incomplete, "EOF left a request incomplete");
  for (std::size_t cut = 0; cut <= input.size() && cut <= kMaxRequest + 1; ++cut) {
    const ControlRequest part = parse_control_request(input.substr(0, cut), false, kMaxRequest);
    // Once a prefix decides, more bytes cannot change the decision.
    if (part.kind != ControlRequest::Kind::Incomplete) {
      fuzz::check(part.kind == whole.kind, "a longer input changed a decided request");
      fuzz::check(part.command == whole.command, "a longer input changed the command");
      break;
    }
  }

  static Server* s = new Server();  // lives for the whole run (and past it: no teardown order)
  UniqueFd c = test::connect_client(s->server.path());
  fuzz::check(c.valid(), "cannot connect to the control socket");
  if (!input.empty()) {
    const ssize_t n = send(c.get(), input.data(), input.size(), MSG_NOSIGNAL);
    (void)n;  // a request larger than the socket buffer is cut: the server still answers
  }
  shutdown(c.get(), SHUT_WR);
  test::ReadResult r;
  const bool ended = test::pump_until(
      s->loop,
      [&] {
        test::read_available(c.get(), r);
        return r.eof || r.error != 0;
      },
      100000);
  fuzz::check(ended, "the server never closed the connection");
  if (!r.data.empty() && input.size() <= kMaxRequest) {
    fuzz::check(whole.kind == ControlRequest::Kind::Command, "a reply to no command");
    fuzz::check(r.data == answer(whole.command), "the reply is not the first line's answer");
  }
  c.reset();
  test::pump_until(
      s->loop, [&] { return s->server.client_count() == 0; }, 100000);
  fuzz::check(s->server.client_count() == 0, "a closed client is still held");
  return 0;
}
