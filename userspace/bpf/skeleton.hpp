// SPDX-License-Identifier: GPL-2.0-or-later
// BpfSkeleton<T>: owner of a bpftool-generated skeleton (katran's
// tpr/bpf_util/BpfSkeleton.h pattern). T is the skeleton struct; its C++
// static members T::open/load/destroy come from `bpftool gen skeleton`.
// Non-copyable, movable; destroys the skeleton (closing maps and programs) in
// the destructor. Errors throw std::system_error with the libbpf errno.
#pragma once

#include <bpf/libbpf.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

namespace xvrrp::bpf {

template <typename T>
class BpfSkeleton {
 public:
  BpfSkeleton() = default;
  BpfSkeleton(const BpfSkeleton&) = delete;
  BpfSkeleton& operator=(const BpfSkeleton&) = delete;
  BpfSkeleton(BpfSkeleton&& other) noexcept : skel_(std::exchange(other.skel_, nullptr)) {}
  BpfSkeleton& operator=(BpfSkeleton&& other) noexcept {
    if (this != &other) {
      reset();
      skel_ = std::exchange(other.skel_, nullptr);
    }
    return *this;
  }
  ~BpfSkeleton() { reset(); }

  /// Opens (parses) the embedded object; nothing is created in the kernel yet.
  /// `opts` may carry pin_root_path for LIBBPF_PIN_BY_NAME maps.
  static BpfSkeleton open(const bpf_object_open_opts* opts = nullptr) {
    errno = 0;
    T* raw = T::open(opts);
    if (raw == nullptr) {
      int err = errno != 0 ? errno : EINVAL;
      throw std::system_error(err, std::generic_category(), "opening BPF skeleton");
    }
    BpfSkeleton s;
    s.skel_ = raw;
    return s;
  }

  /// Creates maps (reusing pinned ones) and loads enabled programs.
  void load() {
    int err = T::load(skel_);
    if (err != 0) {
      throw std::system_error(-err, std::generic_category(),
                              "loading BPF object (see libbpf log above)");
    }
  }

  T* get() const noexcept { return skel_; }
  T* operator->() const noexcept { return skel_; }
  explicit operator bool() const noexcept { return skel_ != nullptr; }

  void reset() noexcept {
    if (skel_ != nullptr) T::destroy(std::exchange(skel_, nullptr));
  }

 private:
  T* skel_ = nullptr;
};

}  // namespace xvrrp::bpf
