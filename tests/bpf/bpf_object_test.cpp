// SPDX-License-Identifier: GPL-2.0-or-later
// The built object file (XVRRP_XDP_BPF_OBJECT, the one that gets installed)
// matches abi.h: program, license, every map's name, type, sizes and pinning.
// Opens the ELF only (no kernel objects), so it runs unprivileged.
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "xvrrp/abi.h"

namespace {

struct ObjectCloser {
  void operator()(bpf_object* o) const { bpf_object__close(o); }
};

TEST(XdpObjectFile, MatchesAbi) {
  LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = "/sys/fs/bpf/xvrrp/objtest");
  std::unique_ptr<bpf_object, ObjectCloser> obj(bpf_object__open_file(XVRRP_XDP_BPF_OBJECT, &opts));
  ASSERT_NE(obj, nullptr) << "cannot open " << XVRRP_XDP_BPF_OBJECT;

  bpf_program* prog = bpf_object__find_program_by_name(obj.get(), "xvrrp_xdp");
  ASSERT_NE(prog, nullptr);
  EXPECT_STREQ(bpf_program__section_name(prog), "xdp");
  EXPECT_EQ(bpf_program__type(prog), BPF_PROG_TYPE_XDP);

  struct Expect {
    const char* name;
    bpf_map_type type;
    unsigned key, value, entries;
  } maps[] = {
      {XVRRP_MAP_NAME_STR(XVRRP_MAP_VRID_CONFIG), BPF_MAP_TYPE_HASH, sizeof(xvrrp_vrid_key),
       sizeof(xvrrp_vrid_config), XVRRP_MAX_INSTANCES},
      {XVRRP_MAP_NAME_STR(XVRRP_MAP_PEERS), BPF_MAP_TYPE_HASH, sizeof(xvrrp_peer_key),
       sizeof(xvrrp_peer_value), XVRRP_MAX_PEERS},
      {XVRRP_MAP_NAME_STR(XVRRP_MAP_EVENTS), BPF_MAP_TYPE_RINGBUF, 0, 0, XVRRP_EVENTS_BYTES},
      {XVRRP_MAP_NAME_STR(XVRRP_MAP_COUNTERS), BPF_MAP_TYPE_LRU_PERCPU_HASH, sizeof(xvrrp_vrid_key),
       sizeof(xvrrp_counters), XVRRP_COUNTER_ENTRIES},
      {XVRRP_MAP_NAME_STR(XVRRP_MAP_JITTER), BPF_MAP_TYPE_LRU_HASH, sizeof(xvrrp_peer_key),
       sizeof(xvrrp_jitter), XVRRP_MAX_JITTER_PEERS},
      {XVRRP_MAP_NAME_STR(XVRRP_MAP_LAST_SEEN), BPF_MAP_TYPE_HASH, sizeof(xvrrp_vrid_key),
       sizeof(xvrrp_last_seen), XVRRP_MAX_INSTANCES},
      {XVRRP_MAP_NAME_STR(XVRRP_MAP_META), BPF_MAP_TYPE_ARRAY, 4, sizeof(xvrrp_meta), 1},
  };
  for (const auto& m : maps) {
    SCOPED_TRACE(m.name);
    bpf_map* map = bpf_object__find_map_by_name(obj.get(), m.name);
    ASSERT_NE(map, nullptr);
    EXPECT_EQ(bpf_map__type(map), m.type);
    EXPECT_EQ(bpf_map__key_size(map), m.key);
    EXPECT_EQ(bpf_map__value_size(map), m.value);
    EXPECT_EQ(bpf_map__max_entries(map), m.entries);
    // LIBBPF_PIN_BY_NAME: the pin path is <pin_root_path>/<map name>.
    const char* pin = bpf_map__pin_path(map);
    ASSERT_NE(pin, nullptr);
    EXPECT_EQ(std::string(pin), std::string("/sys/fs/bpf/xvrrp/objtest/") + m.name);
  }
  // The per-CPU scratch buffer is private to each loaded program.
  bpf_map* scratch = bpf_object__find_map_by_name(obj.get(), "xvrrp_scratch");
  ASSERT_NE(scratch, nullptr);
  EXPECT_EQ(bpf_map__pin_path(scratch), nullptr);
}

}  // namespace
