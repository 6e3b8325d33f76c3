// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/config_loader.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <system_error>

namespace xvrrp::daemon {

struct ConfigLoader::Job {
  std::string path;
  std::string router_id;
  std::string script_user, script_group;
  bool script_security = false;
  int done_fd = -1;  // a dup, owned by the job: a detached worker outlives the loader's
  Result result;
  std::atomic<bool> finished{false};
  ~Job() {
    if (done_fd >= 0) ::close(done_fd);
  }
};

ConfigLoader::ConfigLoader() : done_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!done_fd_) throw std::system_error(errno, std::generic_category(), "eventfd (config loader)");
}

ConfigLoader::~ConfigLoader() {
  if (!worker_.joinable()) return;
  if (job_->finished.load(std::memory_order_acquire))
    worker_.join();
  else
    worker_.detach();
}

bool ConfigLoader::request(const std::string& path, const std::string& router_id,
                           const config::Global& running) {
  if (worker_.joinable()) {
    again_ = true;
    return false;
  }
  auto job = std::make_shared<Job>();
  job->path = path;
  job->router_id = router_id;
  job->script_user = running.script_user;
  job->script_group = running.script_group;
  job->script_security = running.script_security;
  job->done_fd = ::fcntl(done_fd_.get(), F_DUPFD_CLOEXEC, 0);
  if (job->done_fd < 0)
    throw std::system_error(errno, std::generic_category(), "dup (config loader)");
  job_ = job;
  worker_ = std::thread([job] {
    // The loop may run SCHED_FIFO; a thread inherits its class.
    sched_param param{};
    ::pthread_setschedparam(::pthread_self(), SCHED_OTHER, &param);
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
    const auto t0 = std::chrono::steady_clock::now();
    try {
      config::Config next = config::load(job->path, job->router_id);
      config::Global& g = next.global;
      apply_default_script_user(g, notify::script_user_exists);
      if (g.script_user != job->script_user || g.script_group != job->script_group ||
          g.script_security != job->script_security) {
        next.warnings.emplace_back(
            "script_user / enable_script_security changed: takes effect only on restart");
        g.script_user = job->script_user;
        g.script_group = job->script_group;
        g.script_security = job->script_security;
      }
      job->result.script_users = resolve_script_users(next);
      job->result.config = std::move(next);
    } catch (const std::exception& e) {
      job->result.error = e.what();
    }
    job->result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    job->finished.store(true, std::memory_order_release);
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(job->done_fd, &one, sizeof one);
  });
  return true;
}

std::optional<ConfigLoader::Result> ConfigLoader::take() {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(done_fd_.get(), &count, sizeof count);
  if (!worker_.joinable() || !job_->finished.load(std::memory_order_acquire)) return std::nullopt;
  worker_.join();
  Result result = std::move(job_->result);
  job_.reset();
  result.again = again_;
  again_ = false;
  return result;
}

}  // namespace xvrrp::daemon
