// SPDX-License-Identifier: GPL-2.0-or-later
// The notify FIFOs' fd side on real FIFOs in a temporary directory: creation, the lines a
// reader gets, a reader that does not keep up (no blocking, the oldest lines dropped), a
// planted non-FIFO, the script with the FIFO as its last argument, and shutdown.
#include "daemon/notify_fifo.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/clock.hpp"
#include "common/unique_fd.hpp"

namespace xvrrp::daemon {
namespace {

namespace fs = std::filesystem;

class NotifyFifoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("xvrrp-fifo-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Everything readable now on a non-blocking fd.
  static std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    return out;
  }

  fs::path dir_;
};

TEST_F(NotifyFifoTest, CreatesTheFifoWritesLinesAndRemovesItAtClose) {
  EventLoop loop;
  config::Global g;
  g.vrrp_notify_fifo.path = (dir_ / "v.fifo").string();
  NotifyFifos fifos(loop, g);
  ASSERT_TRUE(fifos.active());
  struct stat st {};
  ASSERT_EQ(::stat(g.vrrp_notify_fifo.path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(st.st_mode & 0777, 0644 & ~mask);

  UniqueFd reader(::open(g.vrrp_notify_fifo.path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  ASSERT_TRUE(reader.valid());
  fifos.instance("VI_1", "BACKUP", 100);
  fifos.instance("VI_1", "MASTER", 100);
  fifos.group("G1", "MASTER");
  EXPECT_EQ(read_all(reader.get()),
            "INSTANCE \"VI_1\" BACKUP 100\nINSTANCE \"VI_1\" MASTER 100\nGROUP \"G1\" MASTER 0\n");
  fifos.close();
  EXPECT_FALSE(fs::exists(g.vrrp_notify_fifo.path));
  char c;
  EXPECT_EQ(::read(reader.get(), &c, 1), 0) << "the reader sees end of file";
  fifos.close();  // idempotent
  EXPECT_EQ(fifos.dropped(), 0U);
}

TEST_F(NotifyFifoTest, BothFifosGetEveryLineAndAnExistingFifoIsKept) {
  EventLoop loop;
  config::Global g;
  g.notify_fifo.path = (dir_ / "a").string();
  g.vrrp_notify_fifo.path = (dir_ / "b").string();
  ASSERT_EQ(::mkfifo(g.notify_fifo.path.c_str(), 0600), 0);
  NotifyFifos fifos(loop, g);
  UniqueFd a(::open(g.notify_fifo.path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  UniqueFd b(::open(g.vrrp_notify_fifo.path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  fifos.instance("x", "FAULT", 0);
  EXPECT_EQ(read_all(a.get()), "INSTANCE \"x\" FAULT 0\n");
  EXPECT_EQ(read_all(b.get()), "INSTANCE \"x\" FAULT 0\n");
  fifos.close();
  EXPECT_TRUE(fs::exists(g.notify_fifo.path)) << "not created by the daemon: kept";
  EXPECT_FALSE(fs::exists(g.vrrp_notify_fifo.path));
}

TEST_F(NotifyFifoTest, AReaderThatDoesNotKeepUpNeverBlocksAndLosesTheOldestLines) {
  EventLoop loop;
  config::Global g;
  g.notify_fifo.path = (dir_ / "slow").string();
  NotifyFifos fifos(loop, g);
  ::testing::internal::CaptureStderr();
  const int kLines = 20000;  // ~600 KB: far more than the pipe and the backlog hold
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kLines; ++i) fifos.instance("VI_1", "MASTER", i % 256);
  const auto spent = std::chrono::steady_clock::now() - t0;
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_LT(spent, std::chrono::seconds(1));
  ASSERT_GT(fifos.dropped(), 0U);
  EXPECT_NE(log.find("the reader is not keeping up"), std::string::npos) << log;
  EXPECT_EQ(log.find("the reader is not keeping up", log.find("not keeping up") + 1),
            std::string::npos)
      << "logged once per 10 s: " << log;

  // The reader comes: the pipe's lines, then the backlog as the loop reports EPOLLOUT.
  UniqueFd reader(::open(g.notify_fifo.path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  std::string got;
  for (int i = 0; i < 1000; ++i) {
    const std::string part = read_all(reader.get());
    got += part;
    loop.run_once(0);
    if (part.empty() && i > 10) break;
  }
  std::istringstream in(got);
  std::string line;
  std::size_t n = 0;
  std::string last;
  while (std::getline(in, line)) {
    EXPECT_EQ(line.rfind("INSTANCE \"VI_1\" MASTER ", 0), 0U) << line;
    last = line;
    ++n;
  }
  EXPECT_EQ(got.back(), '\n');
  EXPECT_EQ(n + fifos.dropped(), static_cast<std::size_t>(kLines));
  EXPECT_EQ(last, "INSTANCE \"VI_1\" MASTER " + std::to_string((kLines - 1) % 256))
      << "the newest line reaches the reader";
}

TEST_F(NotifyFifoTest, APathThatIsNotAFifoIsNotUsed) {
  EventLoop loop;
  config::Global g;
  g.notify_fifo.path = (dir_ / "plain").string();
  std::ofstream(g.notify_fifo.path) << "x";
  ::testing::internal::CaptureStderr();
  NotifyFifos fifos(loop, g);
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(fifos.active());
  EXPECT_NE(log.find("is not a FIFO owned"), std::string::npos) << log;
  fifos.instance("VI_1", "MASTER", 1);  // nothing to write to: a no-op
  fifos.close();
  EXPECT_TRUE(fs::exists(g.notify_fifo.path)) << "never removed: not ours";
}

TEST_F(NotifyFifoTest, TheScriptGetsTheFifoAsItsLastArgument) {
  EventLoop loop;
  config::Global g;
  const fs::path out = dir_ / "out";
  g.vrrp_notify_fifo.path = (dir_ / "s.fifo").string();
  g.vrrp_notify_fifo.script = "tee -a '" + out.string() + "' >/dev/null <";
  NotifyFifos fifos(loop, g);
  fifos.instance("VI_1", "MASTER", 100);
  fifos.group("G", "MASTER");
  // The script starts asynchronously; tee creates `out` once the shell opened the FIFO.
  for (int i = 0; i < 200 && !fs::exists(out); ++i) ::usleep(10'000);
  ASSERT_TRUE(fs::exists(out));
  fifos.close();  // end of file: tee exits; close() waits for the runner
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "INSTANCE \"VI_1\" MASTER 100\nGROUP \"G\" MASTER 0\n");
}

TEST_F(NotifyFifoTest, AReloadWritesTheUnchangedStatesOnlyWhenAsked) {
  EventLoop loop;
  config::Global g;
  g.notify_fifo.path = (dir_ / "r").string();
  NotifyFifos fifos(loop, g);
  UniqueFd reader(::open(g.notify_fifo.path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  const std::vector<policy::FifoStateEntry> states = {{false, "A", "MASTER", 100},
                                                      {false, "B", "BACKUP", 50}};
  fifos.begin_reload();
  fifos.instance("B", "BACKUP", 50);  // B changed state during the reload
  fifos.end_reload(states, true);
  EXPECT_EQ(read_all(reader.get()), "INSTANCE \"B\" BACKUP 50\nINSTANCE \"A\" MASTER 100\n");
  fifos.begin_reload();
  fifos.end_reload(states, false);
  EXPECT_EQ(read_all(reader.get()), "");
  fifos.close();
}

}  // namespace
}  // namespace xvrrp::daemon
