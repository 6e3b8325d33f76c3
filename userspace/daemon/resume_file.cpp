// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/resume_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <utility>

namespace xvrrp::daemon {

namespace {

constexpr std::size_t kFileSize = sizeof(ResumeFileHeader) + kResumeSlots * sizeof(ResumeSlot);

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path);
}

std::string fixed_string(const char* data, std::size_t size) { return {data, strnlen(data, size)}; }

std::uint32_t load_seq(const ResumeSlot& s) {
  return std::atomic_ref<const std::uint32_t>(s.seq).load(std::memory_order_acquire);
}

}  // namespace

std::string read_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return id;
}

std::string resume_file_path(const std::string& router_id, const std::string& control_path) {
  if (control_path.empty()) return "/run/xvrrp/" + router_id + ".resume";
  const std::string ctl = ".ctl";
  if (control_path.size() > ctl.size() &&
      control_path.compare(control_path.size() - ctl.size(), ctl.size(), ctl) == 0)
    return control_path.substr(0, control_path.size() - ctl.size()) + ".resume";
  return control_path + ".resume";
}

ResumeFile::ResumeFile(std::string path, std::string boot_id) : path_(std::move(path)) {
  fd_.reset(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd_) fail("open", path_);
  // The predecessor's records, read before anything is overwritten. A short or foreign
  // file simply has none.
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) fail("fstat", path_);
  if (static_cast<std::size_t>(st.st_size) == kFileSize && !boot_id.empty()) {
    void* old = ::mmap(nullptr, kFileSize, PROT_READ, MAP_SHARED, fd_.get(), 0);
    if (old == MAP_FAILED) fail("mmap", path_);
    const auto* h = static_cast<const ResumeFileHeader*>(old);
    const auto* slots = reinterpret_cast<const ResumeSlot*>(h + 1);
    if (std::memcmp(h->magic, kResumeMagic, sizeof kResumeMagic) == 0 &&
        fixed_string(h->boot_id, sizeof h->boot_id) == boot_id && h->slots == kResumeSlots) {
      for (std::uint32_t i = 0; i < kResumeSlots; ++i) {
        const ResumeSlot& s = slots[i];
        if ((load_seq(s) & 1U) != 0 || s.in_use == 0 ||
            s.state > static_cast<std::uint8_t>(core::State::Fault))
          continue;
        previous_.push_back({fixed_string(s.name, sizeof s.name),
                             {static_cast<core::State>(s.state), s.handing_over != 0, s.config_hash,
                              s.last_advert_ns}});
      }
    }
    ::munmap(old, kFileSize);
  }
  // Emptied and rewritten for this process: a record is only ever about the last run.
  if (::ftruncate(fd_.get(), 0) != 0 || ::ftruncate(fd_.get(), kFileSize) != 0)
    fail("ftruncate", path_);
  map_ = ::mmap(nullptr, kFileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    fail("mmap", path_);
  }
  map_size_ = kFileSize;
  auto* h = static_cast<ResumeFileHeader*>(map_);
  std::memcpy(h->boot_id, boot_id.data(), std::min(boot_id.size(), sizeof h->boot_id - 1));
  h->slots = kResumeSlots;
  h->pid = static_cast<std::uint32_t>(::getpid());
  // The magic last: a file whose header is incomplete has none.
  std::atomic_signal_fence(std::memory_order_release);
  std::memcpy(h->magic, kResumeMagic, sizeof kResumeMagic);
}

ResumeFile::~ResumeFile() {
  if (map_ != nullptr) ::munmap(map_, map_size_);
}

std::optional<policy::ResumeRecord> ResumeFile::previous(const std::string& name) const {
  const std::string key = name.substr(0, kResumeNameLength - 1);
  std::optional<policy::ResumeRecord> found;
  for (const auto& p : previous_) {
    if (p.name != key) continue;
    if (p.record.state == core::State::Master && !p.record.handing_over) return p.record;
    if (!found) found = p.record;
  }
  return found;
}

ResumeSlot* ResumeFile::slot_at(Slot slot) {
  if (map_ == nullptr || slot >= kResumeSlots) return nullptr;
  return reinterpret_cast<ResumeSlot*>(static_cast<ResumeFileHeader*>(map_) + 1) + slot;
}

void ResumeFile::begin_write(ResumeSlot& s) {
  std::atomic_ref<std::uint32_t>(s.seq).store(s.seq + 1, std::memory_order_release);
}

void ResumeFile::end_write(ResumeSlot& s) {
  std::atomic_ref<std::uint32_t>(s.seq).store(s.seq + 1, std::memory_order_release);
}

ResumeFile::Slot ResumeFile::acquire(const std::string& name, std::uint64_t config_hash) {
  for (Slot i = 0; i < kResumeSlots; ++i) {
    ResumeSlot* s = slot_at(i);
    if (s == nullptr) return kNoSlot;
    if (s->in_use != 0) continue;
    begin_write(*s);
    s->state = static_cast<std::uint8_t>(core::State::Initialize);
    s->handing_over = 0;
    s->config_hash = config_hash;
    s->last_advert_ns = 0;
    std::memset(s->name, 0, sizeof s->name);
    std::memcpy(s->name, name.data(), std::min(name.size(), sizeof s->name - 1));
    s->in_use = 1;
    end_write(*s);
    return i;
  }
  return kNoSlot;
}

void ResumeFile::release(Slot slot) {
  ResumeSlot* s = slot_at(slot);
  if (s == nullptr) return;
  begin_write(*s);
  s->in_use = 0;
  s->state = static_cast<std::uint8_t>(core::State::Initialize);
  end_write(*s);
}

void ResumeFile::record_state(Slot slot, core::State state, bool handing_over) {
  ResumeSlot* s = slot_at(slot);
  if (s == nullptr) return;
  const auto st = static_cast<std::uint8_t>(state);
  const std::uint8_t ho = handing_over ? 1 : 0;
  if (s->state == st && s->handing_over == ho) return;
  begin_write(*s);
  s->state = st;
  s->handing_over = ho;
  end_write(*s);
}

void ResumeFile::record_advert(Slot slot, core::Nanos sent_ns) {
  ResumeSlot* s = slot_at(slot);
  if (s == nullptr) return;
  begin_write(*s);
  s->last_advert_ns = sent_ns;
  end_write(*s);
}

void ResumeFile::remove() {
  if (map_ != nullptr) ::munmap(map_, map_size_);
  map_ = nullptr;
  ::unlink(path_.c_str());
}

}  // namespace xvrrp::daemon
