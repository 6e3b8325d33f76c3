// SPDX-License-Identifier: GPL-2.0-or-later
// ResumeFile: what a daemon killed without resigning leaves for its successor (crash resume,
// policy/resume.hpp): per instance its state, whether it was handing over, the hash of its
// configuration and the CLOCK_MONOTONIC time of its last advert.
//
// Where: a file next to the control socket, /run/xvrrp/ROUTER_ID.resume (tests: the control
// path with ".ctl" replaced), mapped MAP_SHARED. Why a file and not a pinned BPF map: the
// socket receive path has no bpffs at all, and a tmpfs file survives exactly what must be
// survived (a daemon restart, also with systemd's RuntimeDirectoryPreserve=restart) and
// nothing else: a reboot empties /run, and the boot id in the header rejects a file that
// outlived one anyway (a persistent /run, a container's bind mount). CLOCK_MONOTONIC values
// are comparable only within one boot.
//
// Cost on the event loop: a record update is a few stores into the mapping (no syscall), so
// writing the time of every advert, even at 10 ms, costs nothing measurable. Only the
// constructor does file I/O (open, read, ftruncate, mmap), once at start-up.
//
// Torn writes: each slot carries a sequence number, odd while its writer is between stores.
// A process killed there leaves an odd number; that slot reads as absent. The writer is the
// one event-loop thread; the reader is a later process, so compiler ordering is all that is
// needed (std::atomic_ref release stores on the sequence number).
//
// Layout (this file's format, not a kernel ABI: it is read only by a later xvrrpd; a changed
// layout changes kResumeMagic, and an unknown magic reads as "no records").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "core/vrrp_instance.hpp"
#include "policy/resume.hpp"

namespace xvrrp::daemon {

inline constexpr char kResumeMagic[8] = {'X', 'V', 'R', 'R', 'P', 'R', 'S', '1'};
inline constexpr std::uint32_t kResumeSlots = 2048;  ///< 2 x XVRRP_MAX_INSTANCES (reload overlap)
inline constexpr std::size_t kResumeNameLength = 64;

struct ResumeFileHeader {
  char magic[8];
  char boot_id[40];  ///< /proc/sys/kernel/random/boot_id, NUL-padded.
  std::uint32_t slots;
  std::uint32_t pid;  ///< Writer, for people reading the file.
  std::uint8_t pad[8];
};
static_assert(sizeof(ResumeFileHeader) == 64);

struct ResumeSlot {
  std::uint32_t seq;  ///< Odd while being written.
  std::uint8_t in_use;
  std::uint8_t state;  ///< core::State.
  std::uint8_t handing_over;
  std::uint8_t pad;
  std::uint64_t config_hash;
  std::int64_t last_advert_ns;  ///< CLOCK_MONOTONIC; 0 = none sent.
  std::uint8_t pad2[8];
  char name[kResumeNameLength];  ///< vrrp_instance name, NUL-padded (truncated past 63).
};
static_assert(sizeof(ResumeSlot) == 96);

class ResumeFile {
 public:
  using Slot = std::uint32_t;
  static constexpr Slot kNoSlot = UINT32_MAX;

  /// Reads the predecessor's records (see previous()), then resets the file for this process.
  /// boot_id: this boot's (read_boot_id()). Throws std::system_error naming `path`.
  ResumeFile(std::string path, std::string boot_id);
  ~ResumeFile();
  ResumeFile(const ResumeFile&) = delete;
  ResumeFile& operator=(const ResumeFile&) = delete;

  /// The predecessor's record of instance `name`: nullopt when it had none, the slot was torn,
  /// or the file came from another boot or another format. With two records of one name (a
  /// reload rebuilding it was under way), a MASTER that was not handing over wins.
  [[nodiscard]] std::optional<policy::ResumeRecord> previous(const std::string& name) const;
  /// Records of the predecessor that were usable (for the start-up log).
  [[nodiscard]] std::size_t previous_count() const { return previous_.size(); }

  /// A slot for a new runtime of instance `name`; kNoSlot when all are in use.
  Slot acquire(const std::string& name, std::uint64_t config_hash);
  void release(Slot slot);
  void record_state(Slot slot, core::State state, bool handing_over);
  void record_advert(Slot slot, core::Nanos sent_ns);

  /// Clean exit: nothing to resume, the file goes.
  void remove();

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  struct Previous {
    std::string name;
    policy::ResumeRecord record;
  };
  ResumeSlot* slot_at(Slot slot);
  void begin_write(ResumeSlot& s);
  static void end_write(ResumeSlot& s);

  std::string path_;
  UniqueFd fd_;
  void* map_ = nullptr;
  std::size_t map_size_ = 0;
  std::vector<Previous> previous_;
};

/// This boot's id (/proc/sys/kernel/random/boot_id, newline stripped); "" when unreadable.
std::string read_boot_id();

/// /run/xvrrp/ROUTER_ID.resume, or control_path with its ".ctl" suffix replaced by ".resume"
/// (".resume" appended when it has none).
std::string resume_file_path(const std::string& router_id, const std::string& control_path);

}  // namespace xvrrp::daemon
