// SPDX-License-Identifier: GPL-2.0-or-later
// track_file I/O: an inotify watch on the directories of tracked files (a file
// that is replaced, deleted or created later is still seen, as keepalived
// watches the directory), small non-blocking reads, and init_file's write.
// Ownership: FileWatch owns its inotify fd (RAII). Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/unique_fd.hpp"
#include "config/config.hpp"

namespace xvrrp::daemon {

class FileWatch {
 public:
  /// inotify_init1(IN_NONBLOCK | IN_CLOEXEC); throws std::system_error.
  FileWatch();
  [[nodiscard]] int fd() const { return fd_.get(); }

  /// Watches `dir` for files written (IN_CLOSE_WRITE), moved in or out
  /// (IN_MOVE) and deleted (IN_DELETE). Returns the watch descriptor (the
  /// same one for the same directory), or -1 with `error` set.
  int watch_dir(const std::string& dir, std::string& error);

  /// One event: the watch, the file name in its directory, and whether the
  /// file went away (deleted or moved out) rather than being written.
  using Handler = std::function<void(int wd, const std::string& name, bool gone)>;
  /// Reads every queued event without blocking and calls `handler` for each.
  void on_readable(const Handler& handler);

 private:
  UniqueFd fd_;
};

/// "DIR" and "NAME" of PATH ("." when PATH has no '/'); DIR is resolved with
/// realpath() when it exists.
void split_track_path(const std::string& path, std::string& dir, std::string& name);

/// Up to 127 bytes of `path`, opened O_RDONLY | O_NONBLOCK (keepalived's read);
/// empty when it cannot be opened or read.
std::string read_small_file(const std::string& path);

/// init_file at start-up, before the event loop (keepalived writes while
/// parsing): writes "VALUE\n" when the file does not exist, or with
/// overwrite when it is a regular file. Returns false with `error` set.
bool init_track_file(const config::TrackFile& f, std::string& error);

}  // namespace xvrrp::daemon
