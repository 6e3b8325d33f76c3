// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/control_server.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "control_test_util.hpp"

namespace xvrrp::daemon {
namespace {

using test::connect_client;
using test::pump_until;
using test::read_available;
using test::ReadResult;
using test::send_all;

// The listening socket and the loop's own timerfd.
constexpr std::size_t kIdleFds = 2;

std::string echo(const std::string& command) { return "reply to " + command + "\n"; }

class ControlServerTest : public ::testing::Test {
 protected:
  std::string path() const { return dir_.file("t.ctl"); }

  // Reads from `fd` while running the loop until EOF or an error.
  ReadResult read_reply(int fd, int max_iterations = 20000) {
    ReadResult r;
    pump_until(
        loop_,
        [&] {
          read_available(fd, r);
          return r.eof || r.error != 0;
        },
        max_iterations);
    return r;
  }

  // Runs ready work to completion, then counts the fd events of `iterations` more
  // zero-timeout iterations: a handler that leaves its fd ready shows as events here.
  int events_after_settling(int iterations = 100) {
    for (int i = 0; i < 20; ++i) loop_.run_once(0);
    int events = 0;
    for (int i = 0; i < iterations; ++i) events += loop_.run_once(0);
    return events;
  }

  test::TempDir dir_;
  EventLoop loop_;
};

TEST_F(ControlServerTest, AnswersOneLineAndCloses) {
  ControlServer server(loop_, path(), echo);
  UniqueFd c = connect_client(path());
  ASSERT_TRUE(c);
  ASSERT_TRUE(send_all(c.get(), "status\n"));
  const ReadResult r = read_reply(c.get());
  EXPECT_EQ(r.data, "reply to status\n");
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(server.client_count(), 0u);
}

TEST_F(ControlServerTest, CommandEndedByShutdownIsAnswered) {
  ControlServer server(loop_, path(), echo);
  UniqueFd c = connect_client(path());
  ASSERT_TRUE(send_all(c.get(), "status"));
  shutdown(c.get(), SHUT_WR);
  const ReadResult r = read_reply(c.get());
  EXPECT_EQ(r.data, "reply to status\n");
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(events_after_settling(), 0);
}

// The defect: EOF without a line was left unhandled, so the level-triggered loop called the
// client's handler forever (99.8 % CPU) and the fd was never closed.
TEST_F(ControlServerTest, ClientClosingWithoutALineIsClosedAndDoesNotSpin) {
  ControlServer server(loop_, path(), echo);
  {
    UniqueFd c = connect_client(path());
    ASSERT_TRUE(c);
    ASSERT_TRUE(pump_until(loop_, [&] { return server.client_count() == 1; }));
  }  // closed without a byte
  ASSERT_TRUE(pump_until(loop_, [&] { return server.client_count() == 0; }));
  EXPECT_EQ(loop_.fd_count(), kIdleFds);
  EXPECT_EQ(events_after_settling(), 0);
}

TEST_F(ControlServerTest, ClientClosingAfterAPartialLineDoesNotSpin) {
  ControlServer server(loop_, path(), echo);
  {
    UniqueFd c = connect_client(path());
    ASSERT_TRUE(send_all(c.get(), "stat"));
    ASSERT_TRUE(pump_until(loop_, [&] { return server.client_count() == 1; }));
  }
  ASSERT_TRUE(pump_until(loop_, [&] { return server.client_count() == 0; }));
  EXPECT_EQ(loop_.fd_count(), kIdleFds);
  EXPECT_EQ(events_after_settling(), 0);
}

// What a second daemon with the same router id does: its liveness probe connects and closes.
TEST_F(ControlServerTest, SecondServerOnALivePathIsRefusedAndTheFirstSettles) {
  ControlServer first(loop_, path(), echo);
  EventLoop other;
  EXPECT_THROW({ ControlServer second(other, path(), echo); }, std::runtime_error);
  ASSERT_TRUE(pump_until(loop_, [&] { return first.client_count() == 0; }));
  EXPECT_EQ(events_after_settling(), 0);
  EXPECT_EQ(loop_.fd_count(), kIdleFds);
  // ... and still serves.
  UniqueFd c = connect_client(path());
  ASSERT_TRUE(send_all(c.get(), "status\n"));
  EXPECT_EQ(read_reply(c.get()).data, "reply to status\n");
}

TEST_F(ControlServerTest, StaleSocketFileIsReplaced) {
  {
    UniqueFd s(socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string p = path();
    std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
    ASSERT_EQ(bind(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }  // bound, never listening, closed: a crashed daemon's leftover
  ControlServer server(loop_, path(), echo);
  UniqueFd c = connect_client(path());
  ASSERT_TRUE(send_all(c.get(), "status\n"));
  EXPECT_EQ(read_reply(c.get()).data, "reply to status\n");
}

// Replies larger than the socket buffer used to be cut at what one send() took.
TEST_F(ControlServerTest, OneMegabyteReplyArrivesWhole) {
  std::string big;
  for (int i = 0; big.size() < (1u << 20); ++i) big += std::to_string(i) + ',';
  big.resize(1u << 20);
  ControlServer server(loop_, path(), [&](const std::string&) { return big; });
  UniqueFd c = connect_client(path());
  ASSERT_TRUE(send_all(c.get(), "status\n"));
  const ReadResult r = read_reply(c.get());
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(r.error, 0);
  ASSERT_EQ(r.data.size(), big.size());
  EXPECT_TRUE(r.data == big);
}

// While one client is slow to read a large reply, the loop keeps serving others.
TEST_F(ControlServerTest, SlowReaderDoesNotBlockOtherClients) {
  const std::string big(4u << 20, 'x');
  ControlServer server(loop_, path(), [&](const std::string& cmd) {
    return cmd == "big" ? big : std::string("small\n");
  });
  UniqueFd slow = connect_client(path());
  ASSERT_TRUE(send_all(slow.get(), "big\n"));
  ASSERT_TRUE(pump_until(loop_, [&] { return server.client_count() == 1; }));
  for (int i = 0; i < 20; ++i) loop_.run_once(0);  // the socket buffer is full now
  UniqueFd quick = connect_client(path());
  ASSERT_TRUE(send_all(quick.get(), "status\n"));
  EXPECT_EQ(read_reply(quick.get()).data, "small\n");
  EXPECT_EQ(server.client_count(), 1u);  // the slow one is still being served
  EXPECT_EQ(read_reply(slow.get()).data.size(), big.size());
}

TEST_F(ControlServerTest, ClientsBeyondTheLimitAreRefused) {
  ControlServer::Limits limits;
  limits.max_clients = 3;
  ControlServer server(loop_, path(), echo, limits);
  std::vector<UniqueFd> held;
  for (int i = 0; i < 3; ++i) held.push_back(connect_client(path()));
  ASSERT_TRUE(pump_until(loop_, [&] { return server.client_count() == 3; }));
  UniqueFd extra = connect_client(path());
  ASSERT_TRUE(extra);
  const ReadResult r = read_reply(extra.get());
  EXPECT_EQ(r.data, "{\"error\":\"too many control clients\"}\n");
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(server.refused_count(), 1u);
  EXPECT_EQ(server.client_count(), 3u);
  // The held clients are still served, and a slot frees up for a new one.
  ASSERT_TRUE(send_all(held[0].get(), "status\n"));
  EXPECT_EQ(read_reply(held[0].get()).data, "reply to status\n");
  UniqueFd next = connect_client(path());
  ASSERT_TRUE(send_all(next.get(), "status\n"));
  EXPECT_EQ(read_reply(next.get()).data, "reply to status\n");
  EXPECT_EQ(server.refused_count(), 1u);
}

TEST_F(ControlServerTest, SilentClientIsClosedAtItsDeadline) {
  ControlServer::Limits limits;
  limits.client_timeout_ns = 50'000'000;
  ControlServer server(loop_, path(), echo, limits);
  UniqueFd c = connect_client(path());
  ASSERT_TRUE(send_all(c.get(), "stat"));  // never finishes the line
  const ReadResult r = read_reply(c.get());
  EXPECT_TRUE(r.eof);
  EXPECT_EQ(r.data, "");
  EXPECT_EQ(server.timed_out_count(), 1u);
  EXPECT_EQ(server.client_count(), 0u);
  EXPECT_EQ(loop_.fd_count(), kIdleFds);
}

TEST_F(ControlServerTest, ClientThatNeverReadsItsReplyIsClosedAtItsDeadline) {
  ControlServer::Limits limits;
  limits.client_timeout_ns = 50'000'000;
  const std::string big(4u << 20, 'x');
  ControlServer server(
      loop_, path(), [&](const std::string&) { return big; }, limits);
  UniqueFd c = connect_client(path());
  ASSERT_TRUE(send_all(c.get(), "status\n"));
  ASSERT_TRUE(pump_until(loop_, [&] { return server.timed_out_count() == 1; }));
  EXPECT_EQ(server.client_count(), 0u);
  EXPECT_EQ(loop_.fd_count(), kIdleFds);
}

TEST_F(ControlServerTest, OverlongRequestIsDropped) {
  ControlServer::Limits limits;
  limits.max_request = 64;
  ControlServer server(loop_, path(), echo, limits);
  UniqueFd c = connect_client(path());
  ASSERT_TRUE(send_all(c.get(), std::string(200, 'a')));
  const ReadResult r = read_reply(c.get());
  EXPECT_TRUE(r.eof || r.error != 0);
  EXPECT_EQ(r.data, "");
  EXPECT_EQ(server.client_count(), 0u);
}

TEST_F(ControlServerTest, HandlerExceptionBecomesAnErrorReply) {
  ControlServer server(loop_, path(),
                       [](const std::string&) -> std::string { throw std::runtime_error("boom"); });
  UniqueFd c = connect_client(path());
  ASSERT_TRUE(send_all(c.get(), "status\n"));
  EXPECT_EQ(read_reply(c.get()).data, "{\"error\":\"command failed: boom\"}\n");
}

TEST_F(ControlServerTest, TrailingCarriageReturnAndSpacesAreTrimmed) {
  ControlServer server(loop_, path(), echo);
  UniqueFd c = connect_client(path());
  ASSERT_TRUE(send_all(c.get(), "status \r\n"));
  EXPECT_EQ(read_reply(c.get()).data, "reply to status\n");
}

TEST_F(ControlServerTest, DestructorRemovesTheSocketFile) {
  {
    ControlServer server(loop_, path(), echo);
    EXPECT_TRUE(std::filesystem::exists(path()));
  }
  EXPECT_FALSE(std::filesystem::exists(path()));
  EXPECT_EQ(loop_.fd_count(), 1u);
}

TEST(ControlSocketPath, IsUnderRunXvrrp) {
  EXPECT_EQ(control_socket_path("server-1"), "/run/xvrrp/server-1.ctl");
}

using Kind = ControlRequest::Kind;

TEST(ParseControlRequest, FirstLineIsTheCommand) {
  const ControlRequest r = parse_control_request("status\r\nmore", false, 4096);
  EXPECT_EQ(r.kind, Kind::Command);
  EXPECT_EQ(r.command, "status");
}

TEST(ParseControlRequest, PartialLineWaitsUntilEof) {
  EXPECT_EQ(parse_control_request("stat", false, 4096).kind, Kind::Incomplete);
  const ControlRequest r = parse_control_request("status  ", true, 4096);
  EXPECT_EQ(r.kind, Kind::Command);
  EXPECT_EQ(r.command, "status");
}

TEST(ParseControlRequest, NothingAtEofCloses) {
  EXPECT_EQ(parse_control_request("", true, 4096).kind, Kind::Close);
  EXPECT_EQ(parse_control_request("", false, 4096).kind, Kind::Incomplete);
}

TEST(ParseControlRequest, LimitCountsTheNewline) {
  EXPECT_EQ(parse_control_request("abc\n", false, 4).kind, Kind::Command);
  EXPECT_EQ(parse_control_request("abcd\n", false, 4).kind, Kind::Close);
  EXPECT_EQ(parse_control_request("abcd", false, 4).kind, Kind::Close);
  EXPECT_EQ(parse_control_request("abc", true, 4).kind, Kind::Command);
}

TEST(ParseControlRequest, EmptyLineIsAnEmptyCommand) {
  const ControlRequest r = parse_control_request("\n", false, 4096);
  EXPECT_EQ(r.kind, Kind::Command);
  EXPECT_EQ(r.command, "");
}

}  // namespace
}  // namespace xvrrp::daemon
