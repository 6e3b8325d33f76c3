// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/resume_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

namespace xvrrp::daemon {
namespace {

constexpr char kBoot[] = "0f6e1c38-3a4b-4c8e-9f57-2d1f0a6b7c11";

class ResumeFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xvrrp-resume-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/r1.resume";
  }
  void TearDown() override {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  std::string dir_, path_;
};

// A process that dies without remove() leaves its records to the next one.
TEST_F(ResumeFileTest, RecordsSurviveForTheNextProcessOfTheSameBoot) {
  {
    ResumeFile f(path_, kBoot);
    EXPECT_EQ(f.previous_count(), 0U);
    const auto a = f.acquire("VI_1", 77);
    const auto b = f.acquire("VI_2", 88);
    ASSERT_NE(a, ResumeFile::kNoSlot);
    ASSERT_NE(b, a);
    f.record_state(a, core::State::Master, false);
    f.record_advert(a, 123'456'789);
    f.record_state(b, core::State::Backup, false);
  }
  ResumeFile next(path_, kBoot);
  EXPECT_EQ(next.previous_count(), 2U);
  const auto r = next.previous("VI_1");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, core::State::Master);
  EXPECT_FALSE(r->handing_over);
  EXPECT_EQ(r->config_hash, 77U);
  EXPECT_EQ(r->last_advert_ns, 123'456'789);
  ASSERT_TRUE(next.previous("VI_2").has_value());
  EXPECT_EQ(next.previous("VI_2")->state, core::State::Backup);
  EXPECT_FALSE(next.previous("VI_3").has_value());
  // The file now belongs to `next`: a third process sees only what `next` wrote.
  const auto s = next.acquire("VI_1", 77);
  next.record_state(s, core::State::Master, true);
  ResumeFile third(path_, kBoot);
  ASSERT_TRUE(third.previous("VI_1").has_value());
  EXPECT_TRUE(third.previous("VI_1")->handing_over);
  EXPECT_EQ(third.previous("VI_1")->last_advert_ns, 0);
}

TEST_F(ResumeFileTest, AnotherBootHasNoRecords) {
  {
    ResumeFile f(path_, kBoot);
    f.record_state(f.acquire("VI_1", 1), core::State::Master, false);
  }
  ResumeFile other(path_, "11111111-2222-3333-4444-555555555555");
  EXPECT_EQ(other.previous_count(), 0U);
  EXPECT_FALSE(other.previous("VI_1").has_value());
}

TEST_F(ResumeFileTest, UnknownBootIdTrustsNothing) {
  {
    ResumeFile f(path_, "");
    f.record_state(f.acquire("VI_1", 1), core::State::Master, false);
  }
  ResumeFile next(path_, "");
  EXPECT_EQ(next.previous_count(), 0U);
}

TEST_F(ResumeFileTest, ReleasedSlotsAndCleanExitLeaveNothing) {
  {
    ResumeFile f(path_, kBoot);
    const auto a = f.acquire("VI_1", 1);
    f.record_state(a, core::State::Master, false);
    f.release(a);
    const auto b = f.acquire("VI_2", 2);
    EXPECT_EQ(b, a);  // reused
    f.record_state(b, core::State::Master, false);
  }
  {
    ResumeFile f(path_, kBoot);
    EXPECT_FALSE(f.previous("VI_1").has_value());
    EXPECT_TRUE(f.previous("VI_2").has_value());
    f.remove();
    struct stat st {};
    EXPECT_NE(::stat(path_.c_str(), &st), 0);
  }
}

// A writer killed between the two sequence stores leaves an odd number: the slot is ignored.
TEST_F(ResumeFileTest, TornSlotIsIgnored) {
  {
    ResumeFile f(path_, kBoot);
    f.record_state(f.acquire("VI_1", 1), core::State::Master, false);
    f.record_state(f.acquire("VI_2", 2), core::State::Master, false);
  }
  {
    std::fstream io(path_, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(static_cast<std::streamoff>(sizeof(ResumeFileHeader)));  // slot 0's seq
    const std::uint32_t odd = 7;
    io.write(reinterpret_cast<const char*>(&odd), sizeof odd);
  }
  ResumeFile next(path_, kBoot);
  EXPECT_FALSE(next.previous("VI_1").has_value());
  EXPECT_TRUE(next.previous("VI_2").has_value());
}

TEST_F(ResumeFileTest, TwoRecordsOfOneNamePreferTheServingMaster) {
  {
    ResumeFile f(path_, kBoot);
    f.record_state(f.acquire("VI_1", 1), core::State::Master, true);  // retiring
    f.record_state(f.acquire("VI_1", 2), core::State::Master, false);
  }
  ResumeFile next(path_, kBoot);
  ASSERT_TRUE(next.previous("VI_1").has_value());
  EXPECT_EQ(next.previous("VI_1")->config_hash, 2U);
}

TEST_F(ResumeFileTest, ForeignFileHasNoRecords) {
  {
    std::ofstream out(path_, std::ios::binary);
    out << "not a resume file";
  }
  ResumeFile f(path_, kBoot);
  EXPECT_EQ(f.previous_count(), 0U);
  EXPECT_NE(f.acquire("VI_1", 1), ResumeFile::kNoSlot);
}

TEST(ResumeFilePath, NextToTheControlSocket) {
  EXPECT_EQ(resume_file_path("r1", ""), "/run/xvrrp/r1.resume");
  EXPECT_EQ(resume_file_path("r1", "/tmp/lab/s1.ctl"), "/tmp/lab/s1.resume");
  EXPECT_EQ(resume_file_path("r1", "/tmp/lab/sock"), "/tmp/lab/sock.resume");
  EXPECT_EQ(resume_file_path("r1", ".ctl"), ".ctl.resume");
}

}  // namespace
}  // namespace xvrrp::daemon
