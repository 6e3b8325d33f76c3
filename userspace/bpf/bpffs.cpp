// SPDX-License-Identifier: GPL-2.0-or-later
#include "bpf/bpffs.hpp"

#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "common/log.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::bpf {

bool is_bpffs(const std::string& path) {
  struct statfs st {};
  return ::statfs(path.c_str(), &st) == 0 && static_cast<unsigned long>(st.f_type) == BPF_FS_MAGIC;
}

void ensure_bpffs() {
  if (is_bpffs(XVRRP_BPFFS_MOUNT)) return;
  if (::mkdir(XVRRP_BPFFS_MOUNT, 0700) != 0 && errno != EEXIST) {
    throw std::system_error(errno, std::generic_category(), "mkdir " XVRRP_BPFFS_MOUNT);
  }
  if (::mount("bpf", XVRRP_BPFFS_MOUNT, "bpf", 0, "mode=0700") != 0) {
    throw std::system_error(errno, std::generic_category(), "mounting bpffs on " XVRRP_BPFFS_MOUNT);
  }
  XLOG_INFO("mounted bpffs on %s", XVRRP_BPFFS_MOUNT);
}

void remove_pin_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw std::system_error(ec, "removing pin directory " + dir);
  }
}

}  // namespace xvrrp::bpf
