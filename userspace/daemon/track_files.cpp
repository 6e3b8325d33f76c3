// SPDX-License-Identifier: GPL-2.0-or-later
// track_file trackers: policy/track_file.hpp says what a value means; here
// the files are watched (inotify on their directories) and read when
// written, and every tracking instance's tracking is re-evaluated.
#include <sys/epoll.h>

#include <algorithm>
#include <optional>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "daemon/daemon.hpp"
#include "daemon/file_runtime.hpp"
#include "daemon/file_watch.hpp"
#include "daemon/instance_runtime.hpp"
#include "policy/track_file.hpp"

namespace xvrrp::daemon {

using core::Nanos;

namespace {

// The file's value; nullopt when its content must be ignored (value kept).
std::optional<std::int64_t> read_value(const std::string& path) {
  return policy::parse_track_file_value(read_small_file(path));
}

}  // namespace

void Daemon::setup_track_files() {
  for (const auto& f : config_.track_files) {
    if (!f.init_file) continue;
    std::string error;
    if (init_track_file(f, error))
      XLOG_INFO("Track file %s: initialised %s", f.name.c_str(), f.path.c_str());
    else
      XLOG_WARN("Track file %s: %s", f.name.c_str(), error.c_str());
  }
  for (const auto& f : config_.track_files) file_tracker(f);
}

Daemon::FileTracker& Daemon::file_tracker(const config::TrackFile& cfg) {
  for (auto& f : files_)
    if (f->cfg.name == cfg.name && f->cfg.path == cfg.path) return *f;
  if (!file_watch_) {
    file_watch_ = std::make_unique<FileWatch>();
    loop_.add_fd(file_watch_->fd(), EPOLLIN, [this](std::uint32_t) { on_file_events(); });
  }
  auto f = std::make_unique<FileTracker>();
  f->cfg = cfg;
  split_track_path(cfg.path, f->dir, f->name);
  std::string error;
  f->wd = file_watch_->watch_dir(f->dir, error);
  if (f->wd < 0)
    XLOG_WARN("Track file %s: cannot watch %s; its value stays 0", cfg.name.c_str(), error.c_str());
  if (const auto v = read_value(cfg.path)) f->value = *v;
  ++f->reads;
  f->read_at = clock::monotonic_ns();
  XLOG_INFO("Track file %s (%s): value %lld", cfg.name.c_str(), cfg.path.c_str(),
            static_cast<long long>(f->value));
  files_.push_back(std::move(f));
  return *files_.back();
}

const Daemon::FileTracker* Daemon::find_file(const std::string& name) const {
  for (const auto& f : files_)
    if (f->cfg.name == name) return f.get();
  return nullptr;
}

void Daemon::on_file_events() {
  std::vector<FileTracker*> changed;
  file_watch_->on_readable([&](int wd, const std::string& name, bool gone) {
    for (auto& f : files_) {
      if (f->wd != wd || f->name != name) continue;
      const std::optional<std::int64_t> read = gone ? 0 : read_value(f->cfg.path);
      if (!read) {
        XLOG_INFO("Invalid number read from %s - ignoring", f->cfg.path.c_str());
        continue;
      }
      const std::int64_t v = *read;
      ++f->reads;
      f->read_at = clock::monotonic_ns();
      if (v == f->value) continue;
      XLOG_INFO("Track file %s: value %lld -> %lld%s", f->cfg.name.c_str(),
                static_cast<long long>(f->value), static_cast<long long>(v),
                gone ? " (file gone)" : "");
      f->value = v;
      if (std::find(changed.begin(), changed.end(), f.get()) == changed.end())
        changed.push_back(f.get());
    }
  });
  if (changed.empty()) return;
  const Nanos now = clock::monotonic_ns();
  for (auto& rt : instances_) {
    const bool tracks = std::any_of(
        rt->cfg.track_files.begin(), rt->cfg.track_files.end(), [&](const config::TrackedFile& t) {
          return std::any_of(changed.begin(), changed.end(),
                             [&](const FileTracker* f) { return f->cfg.name == t.file.name; });
        });
    if (tracks) update_tracking(*rt, now);
  }
}

}  // namespace xvrrp::daemon
