// SPDX-License-Identifier: GPL-2.0-or-later
#include "render.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/packet.hpp"

namespace xvrrp::ctl {

namespace {

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char buf[512];
  int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return std::string(buf, static_cast<size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
}

std::string str_field(const Json& obj, const char* key) { return obj.at(key).as_string(); }

// Field access that names the instance in the error.
struct InstanceView {
  const Json& j;
  std::string name;
  const Json& at(const char* key) const {
    try {
      return j.at(key);
    } catch (const JsonError& e) {
      throw JsonError("instance " + name + ": " + e.what());
    }
  }
};

std::string human_us(double us) {
  if (us < 1000) return format("%g µs", us);
  if (us < 1e6) return format("%.3g ms", us / 1e3);
  return format("%.3g s", us / 1e6);
}

// Prometheus label value escaping: backslash, double quote, newline.
std::string label_escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string prom_double(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // The shortest of 15 or 17 digits that reads back as the same double: 0.00025 rather
  // than 0.00025000000000000001 for a value divided from milliseconds.
  std::string s = format("%.15g", v);
  if (std::strtod(s.c_str(), nullptr) != v) s = format("%.17g", v);
  return s;
}

class MetricWriter {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += format("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
  }
  void sample(const std::string& name, const std::string& labels, const std::string& value) {
    out_ += name;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += " " + value + "\n";
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string lbl(const char* key, const std::string& value) {
  return std::string(key) + "=\"" + label_escape(value) + "\"";
}

}  // namespace

const char* reject_name(int reason) { return packet::reject_reason_name(reason); }

int state_number(const std::string& state) {
  std::string s;
  for (char c : state) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s.rfind("INIT", 0) == 0) return 0;
  if (s == "BACKUP") return 1;
  if (s == "MASTER") return 2;
  if (s == "FAULT") return 3;
  return -1;
}

uint64_t jitter_bucket_lower_us(int bucket) { return bucket == 0 ? 0 : (uint64_t{1} << bucket); }
uint64_t jitter_bucket_upper_us(int bucket) { return uint64_t{1} << (bucket + 1); }

std::string render_status_text(const Json& status) {
  std::string out;
  // rx_detail ("xdp 3:native/single-program") when the daemon gives it, else rx (xdp_mode).
  std::string rx = str_field(status, "rx");
  const Json* rx_detail = status.find("rx_detail");
  const Json* rx_mode = status.find("xdp_mode");
  if (rx_detail && !rx_detail->is_null()) {
    rx = rx_detail->as_string();
  } else if (rx_mode && !rx_mode->is_null()) {
    rx += " (" + rx_mode->as_string() + ")";
  }
  out += format("xvrrpd router_id %s  pid %" PRId64 "  abi %" PRId64 "  rx %s  up %.1f s\n",
                str_field(status, "router_id").c_str(), status.at("pid").as_int(),
                status.at("abi_version").as_int(), rx.c_str(), status.at("uptime_s").as_double());
  if (status.at("abi_version").as_int() != XVRRP_ABI_VERSION) {
    out += format("warning: xvrrpd speaks ABI %" PRId64 ", this xvrrpctl ABI %d\n",
                  status.at("abi_version").as_int(), XVRRP_ABI_VERSION);
  }
  const auto& instances = status.at("instances").items();
  if (instances.empty()) out += "no vrrp_instance configured\n";
  for (const Json& inst_json : instances) {
    InstanceView inst{inst_json, inst_json.at("name").as_string()};
    const int64_t base = inst.at("base_priority").as_int();
    const int64_t eff = inst.at("effective_priority").as_int();
    out += format("\n%s  interface %s  VRID %" PRId64 "  VRRPv%" PRId64 "\n", inst.name.c_str(),
                  inst.at("interface").as_string().c_str(), inst.at("vrid").as_int(),
                  inst.at("version").as_int());
    out += format("  %-18s %s\n", "state", inst.at("state").as_string().c_str());
    if (const Json* g = inst_json.find("sync_group"); g != nullptr && !g->is_null())
      out += format("  %-18s %s\n", "sync group", g->as_string().c_str());
    out += format("  %-18s %" PRId64 "%s\n", "priority", eff,
                  eff == base ? "" : format(" (base %" PRId64 ")", base).c_str());
    const Json& master = inst.at("master");
    if (master.is_null()) {
      out += format("  %-18s %s\n", "master", "unknown");
    } else {
      const Json& mp = inst.at("master_priority");
      out += format("  %-18s %s%s\n", "master", master.as_string().c_str(),
                    mp.is_null() ? "" : format(" (priority %" PRId64 ")", mp.as_int()).c_str());
    }
    const Json& age = inst.at("last_advert_age_ms");
    out += format("  %-18s %s\n", "last advert",
                  age.is_null() ? "none received" : format("%.1f ms ago", age.as_double()).c_str());
    out += format("  %-18s %" PRId64 " ms (master's: %" PRId64 " ms)\n", "advert interval",
                  inst.at("advert_int_ms").as_int(), inst.at("master_adver_int_ms").as_int());
    out += format("  %-18s %" PRId64 "\n", "transitions", inst.at("transitions").as_int());
    // Fields of newer daemons: absent from an older one's reply.
    if (const Json* m = inst_json.find("maintenance"); m != nullptr && m->as_bool())
      out += format("  %-18s %s\n", "maintenance", "on (never becomes MASTER)");
    if (const Json* h = inst_json.find("preempt_held"); h != nullptr && h->as_bool())
      out += format("  %-18s %s\n", "preemption", "held after a handover (until a reload)");
    if (const Json* st = inst_json.find("start"); st != nullptr && st->as_string() != "clean")
      out += format("  %-18s %s\n", "start-up", st->as_string().c_str());
    if (const Json* h = inst_json.find("last_handover"); h != nullptr && !h->is_null()) {
      const Json& gap = h->at("gap_ms");
      out +=
          format("  %-18s %s%s, %.0f s ago\n", "last handover", h->at("result").as_string().c_str(),
                 gap.is_null() ? "" : format(" (gap %.3f ms)", gap.as_double()).c_str(),
                 h->at("age_ms").as_double() / 1e3);
    }
    out += format("  %-18s %s\n", "VIPs", inst.at("vips_present").as_bool() ? "present" : "absent");
    for (const Json& vip : inst.at("vips").items()) {
      out +=
          format("  %-18s %s dev %s: %s\n", "", str_field(vip, "addr").c_str(),
                 str_field(vip, "dev").c_str(), vip.at("present").as_bool() ? "present" : "absent");
    }
    const auto& tracked = inst.at("tracked").items();
    if (tracked.empty()) out += format("  %-18s %s\n", "tracked", "none");
    for (size_t i = 0; i < tracked.size(); ++i) {
      const Json& t = tracked[i];
      int64_t weight = t.at("weight").as_int();
      out += format("  %-18s %s %s%s\n", i == 0 ? "tracked" : "", str_field(t, "name").c_str(),
                    t.at("up").as_bool() ? "up" : "DOWN",
                    weight ? format(" (weight %" PRId64 ")", weight).c_str() : "");
    }
    // vrrp_script checks and what they do to the priority (daemons that report "trackers").
    if (const Json* trackers = inst_json.find("trackers"); trackers != nullptr) {
      bool first = true;
      for (const Json& t : trackers->items()) {
        if (str_field(t, "kind") != "script") continue;
        const std::string state = str_field(t, "state");
        const int64_t weight = t.at("weight").as_int();
        const int64_t delta = t.at("delta").as_int();
        std::string effect;
        if (t.at("fault").as_bool()) {
          effect = state == "INIT" ? "FAULT until its first result" : "FAULT";
        } else if (weight != 0) {
          effect = format("weight %" PRId64 "%s: %+" PRId64, weight,
                          t.at("reverse").as_bool() ? " reverse" : "", delta);
        } else {
          effect = "no fault";
        }
        std::string last = "no result yet";
        const Json& result = t.at("last_result");
        if (!result.is_null()) {
          const Json& code = t.at("last_exit_code");
          last = format("last %s %.1f s ago%s", result.as_string().c_str(),
                        t.at("last_result_age_s").as_double(),
                        code.is_null() ? "" : format(" (exit %" PRId64 ")", code.as_int()).c_str());
        }
        out += format("  %-18s %s %s, %s; %s; %" PRId64 " runs\n", first ? "scripts" : "",
                      str_field(t, "name").c_str(), state.c_str(), effect.c_str(), last.c_str(),
                      t.at("runs").as_int());
        first = false;
      }
      // track_file trackers: the value read last and what it does.
      first = true;
      for (const Json& t : trackers->items()) {
        if (str_field(t, "kind") != "file") continue;
        const int64_t weight = t.at("weight").as_int();
        std::string effect = t.at("fault").as_bool() ? "FAULT"
                             : weight != 0 ? format("weight %" PRId64 "%s: %+" PRId64, weight,
                                                    t.at("reverse").as_bool() ? " reverse" : "",
                                                    t.at("delta").as_int())
                                           : "no fault";
        out += format("  %-18s %s %s, value %" PRId64 ", %s; %s\n", first ? "files" : "",
                      str_field(t, "name").c_str(), str_field(t, "state").c_str(),
                      t.at("value").as_int(), effect.c_str(), str_field(t, "path").c_str());
        first = false;
      }
    }
    out += format("  %-18s sent %" PRId64 ", received %" PRId64 ", GARPs sent %" PRId64 "\n",
                  "adverts", inst.at("adverts_sent").as_int(), inst.at("adverts_received").as_int(),
                  inst.at("garps_sent").as_int());
    if (const Json* gap = inst_json.find("max_advert_gap_ms"); gap != nullptr) {
      out +=
          format("  %-18s largest gap %s of %.1f ms (master-down interval), near misses %" PRId64
                 ", down-timer extensions %" PRId64
                 ", largest send lateness %.3f ms (%.3f ms of it before the wake-up)\n",
                 "near miss",
                 gap->is_null() ? std::string("none").c_str()
                                : format("%.1f ms (%.0f%%)", gap->as_double(),
                                         inst.at("max_gap_share_pct").as_double())
                                      .c_str(),
                 inst.at("master_down_interval_ms").as_double(), inst.at("near_misses").as_int(),
                 inst.at("down_timer_extensions").as_int(), inst.at("max_send_late_ms").as_double(),
                 inst.at("max_wake_late_ms").as_double());
    }
    if (const Json* mb = inst_json.find("master_bfd"); mb != nullptr && !mb->is_null())
      out += format("  %-18s %s (takeovers %" PRId64 ", contradictions %" PRId64 ")\n",
                    "master_bfd", mb->as_string().c_str(), inst.at("bfd_takeovers").as_int(),
                    inst.at("bfd_contradictions").as_int());
  }
  // BFD sessions (daemons that report "bfd_sessions").
  if (const Json* sessions = status.find("bfd_sessions"); sessions != nullptr) {
    for (const Json& b : sessions->items()) {
      out += format("\nbfd_instance %s  neighbor %s%s\n", str_field(b, "name").c_str(),
                    str_field(b, "neighbor").c_str(),
                    str_field(b, "source").empty()
                        ? ""
                        : format("  source %s", str_field(b, "source").c_str()).c_str());
      out +=
          format("  %-18s %s (diag %s)%s\n", "state", str_field(b, "state").c_str(),
                 str_field(b, "local_diag").c_str(), b.at("passive").as_bool() ? ", passive" : "");
      out += format("  %-18s %s (diag %s)\n", "remote state", str_field(b, "remote_state").c_str(),
                    str_field(b, "remote_diag").c_str());
      out += format("  %-18s local %" PRId64 ", remote %" PRId64 "\n", "discriminators",
                    b.at("local_discriminator").as_int(), b.at("remote_discriminator").as_int());
      out += format(
          "  %-18s tx %.3f ms, rx %.3f ms, multiplier %" PRId64 " (remote %" PRId64 ")%s\n",
          "intervals", static_cast<double>(b.at("tx_interval_us").as_int()) / 1e3,
          static_cast<double>(b.at("rx_interval_us").as_int()) / 1e3, b.at("detect_mult").as_int(),
          b.at("remote_detect_mult").as_int(), b.at("polling").as_bool() ? ", polling" : "");
      out += format("  %-18s %.3f ms\n", "detection time", b.at("detection_time_ms").as_double());
      const Json& age = b.at("last_packet_age_ms");
      out +=
          format("  %-18s %s\n", "last packet",
                 age.is_null() ? "none received" : format("%.1f ms ago", age.as_double()).c_str());
      out += format("  %-18s sent %" PRId64 ", received %" PRId64 ", dropped %" PRId64
                    ", send errors %" PRId64 ", transitions %" PRId64 "\n",
                    "packets", b.at("packets_sent").as_int(), b.at("packets_received").as_int(),
                    b.at("drops").as_int(), b.at("send_errors").as_int(),
                    b.at("transitions").as_int());
    }
  }
  if (const Json* groups = status.find("sync_groups"); groups != nullptr) {
    for (const Json& g : groups->items()) {
      std::string members;
      for (const Json& m : g.at("members").items())
        members += (members.empty() ? "" : ", ") + m.as_string();
      out += format("\nsync group %s  %s  members %s%s\n", str_field(g, "name").c_str(),
                    str_field(g, "state").c_str(), members.c_str(),
                    g.at("tracking_weight").as_bool() ? "  (sync_group_tracking_weight)" : "");
    }
  }
  return out;
}

std::string render_counters_text(const MapSnapshot& maps) {
  std::string out =
      format("pinned maps %s  abi %u  daemon pid %u  %u possible CPUs\n", maps.dir.c_str(),
             maps.meta.abi_version, maps.meta.daemon_pid, maps.possible_cpus);
  out += "\nadvert counters (xvrrp_counters, summed over CPUs)\n";
  if (maps.counters.empty()) out += "  all zero: no VRRP packet seen yet\n";
  for (const auto& slot : maps.counters) {
    const auto& c = slot.sum;
    if (slot.vrid == XVRRP_VRID_NOT_OURS) {
      // Other routers' VRRP and frames too broken to attribute: passed to the kernel.
      out +=
          format("  %s on ifindex %u, not ours (passed)\n", family_name(slot.family), slot.ifindex);
      out += format("    %-28s %" PRIu64 "\n", "other VRID",
                    static_cast<uint64_t>(c.rejected[XVRRP_REJECT_UNKNOWN_VRID]));
      out += format("    %-28s %" PRIu64 "\n", "unattributable",
                    static_cast<uint64_t>(c.rejected[XVRRP_REJECT_TOO_SHORT]));
      continue;
    }
    out +=
        format("  VRID %u %s on ifindex %u\n", slot.vrid, family_name(slot.family), slot.ifindex);
    out += format("    %-28s %" PRIu64 "\n", "accepted", static_cast<uint64_t>(c.accepted));
    out += format("    %-28s %" PRIu64 "\n", "suppressed", static_cast<uint64_t>(c.suppressed));
    for (int r = 0; r < XVRRP_REJECT_MAX; ++r) {
      out += format("    %-28s %" PRIu64 "\n", (std::string("rejected ") + reject_name(r)).c_str(),
                    static_cast<uint64_t>(c.rejected[r]));
    }
  }
  out += "\nadvert inter-arrival per peer (xvrrp_jitter)\n";
  if (maps.jitter.empty()) out += "  no peer recorded yet\n";
  for (const auto& peer : maps.jitter) {
    // The ifindex belongs to the daemon's network namespace, which need not be ours, so it is
    // not translated into a local interface name.
    out += format("  VRID %u %s peer %s on ifindex %u: %" PRIu64 " gaps\n", peer.key.vrid.vrid,
                  family_name(peer.key.vrid.family), peer_address(peer.key).c_str(),
                  peer.key.vrid.ifindex, static_cast<uint64_t>(peer.hist.samples));
    int first = -1, last = -1;
    uint64_t max = 0;
    for (int b = 0; b < XVRRP_JITTER_BUCKETS; ++b) {
      if (peer.hist.bucket[b] == 0) continue;
      if (first < 0) first = b;
      last = b;
      max = std::max<uint64_t>(max, peer.hist.bucket[b]);
    }
    for (int b = first; first >= 0 && b <= last; ++b) {
      uint64_t n = peer.hist.bucket[b];
      size_t bar = max ? static_cast<size_t>((n * 40 + max - 1) / max) : 0;
      std::string range = "[" + human_us(static_cast<double>(jitter_bucket_lower_us(b))) + ", " +
                          human_us(static_cast<double>(jitter_bucket_upper_us(b))) + ")";
      out +=
          format("    %-24s %10" PRIu64 " %s\n", range.c_str(), n, std::string(bar, '#').c_str());
    }
  }
  return out;
}

Json counters_json(const MapSnapshot& maps) {
  Json root = Json::object();
  root.set("router_id", Json::string(maps.router_id));
  root.set("pin_dir", Json::string(maps.dir));
  root.set("abi_version", Json::number(static_cast<int64_t>(maps.meta.abi_version)));
  root.set("daemon_pid", Json::number(static_cast<int64_t>(maps.meta.daemon_pid)));
  root.set("possible_cpus", Json::number(static_cast<int64_t>(maps.possible_cpus)));
  Json& slots = root.set("counters", Json::array());
  for (const auto& slot : maps.counters) {
    Json s = Json::object();
    s.set("vrid", Json::number(static_cast<int64_t>(slot.vrid)));
    s.set("family", Json::string(family_name(slot.family)));
    s.set("ifindex", Json::number(static_cast<int64_t>(slot.ifindex)));
    s.set("accepted", Json::number_text(std::to_string(slot.sum.accepted)));
    s.set("suppressed", Json::number_text(std::to_string(slot.sum.suppressed)));
    Json& rej = s.set("rejected", Json::object());
    for (int r = 0; r < XVRRP_REJECT_MAX; ++r)
      rej.set(reject_name(r), Json::number_text(std::to_string(slot.sum.rejected[r])));
    slots.push(std::move(s));
  }
  Json& jitter = root.set("jitter", Json::array());
  for (const auto& peer : maps.jitter) {
    Json p = Json::object();
    p.set("vrid", Json::number(static_cast<int64_t>(peer.key.vrid.vrid)));
    p.set("family", Json::string(family_name(peer.key.vrid.family)));
    p.set("peer", Json::string(peer_address(peer.key)));
    p.set("ifindex", Json::number(static_cast<int64_t>(peer.key.vrid.ifindex)));
    p.set("samples", Json::number_text(std::to_string(peer.hist.samples)));
    p.set("last_ns", Json::number_text(std::to_string(peer.hist.last_ns)));
    Json& buckets = p.set("buckets", Json::array());
    for (int b = 0; b < XVRRP_JITTER_BUCKETS; ++b) {
      if (peer.hist.bucket[b] == 0) continue;
      Json bj = Json::object();
      bj.set("lower_us", Json::number_text(std::to_string(jitter_bucket_lower_us(b))));
      bj.set("upper_us", Json::number_text(std::to_string(jitter_bucket_upper_us(b))));
      bj.set("count", Json::number_text(std::to_string(peer.hist.bucket[b])));
      buckets.push(std::move(bj));
    }
    jitter.push(std::move(p));
  }
  return root;
}

std::string render_metrics(const std::string& router_id, const Json* status,
                           const MapSnapshot* maps) {
  MetricWriter w;
  const std::string rid = lbl("router_id", router_id);
  w.family("xvrrp_up", "gauge", "1 if xvrrpd answered on its control socket, else 0.");
  w.sample("xvrrp_up", rid, status ? "1" : "0");

  if (status) {
    struct Inst {
      std::string labels;
      const Json* j;
    };
    std::vector<Inst> instances;
    for (const Json& inst : status->at("instances").items()) {
      instances.push_back({rid + "," + lbl("instance", inst.at("name").as_string()) + "," +
                               lbl("vrid", std::to_string(inst.at("vrid").as_int())),
                           &inst});
    }
    auto gauge = [&](const char* name, const char* type, const char* help, auto value_of) {
      w.family(name, type, help);
      for (const auto& i : instances) {
        std::string v = value_of(*i.j);
        if (!v.empty()) w.sample(name, i.labels, v);
      }
    };
    auto int_field = [](const char* key) {
      return [key](const Json& j) { return std::to_string(j.at(key).as_int()); };
    };
    gauge("xvrrp_instance_state", "gauge", "VRRP state: 0 init, 1 backup, 2 master, 3 fault.",
          [](const Json& j) {
            int s = state_number(j.at("state").as_string());
            return s < 0 ? std::string() : std::to_string(s);
          });
    gauge("xvrrp_instance_is_master", "gauge", "1 while the instance is MASTER.",
          [](const Json& j) { return state_number(j.at("state").as_string()) == 2 ? "1" : "0"; });
    gauge("xvrrp_instance_effective_priority", "gauge",
          "Priority advertised now (base priority adjusted by tracked interfaces).",
          int_field("effective_priority"));
    gauge("xvrrp_instance_base_priority", "gauge", "Configured priority.",
          int_field("base_priority"));
    gauge("xvrrp_instance_transitions_total", "counter", "State transitions since start.",
          int_field("transitions"));
    gauge("xvrrp_instance_maintenance", "gauge",
          "1 while in maintenance (xvrrpctl maintenance on: never becomes MASTER).",
          [](const Json& j) {
            const Json* m = j.find("maintenance");
            return m == nullptr ? std::string() : std::string(m->as_bool() ? "1" : "0");
          });
    gauge("xvrrp_instance_last_advert_age_seconds", "gauge",
          "Age of the last advert received from the master (absent if none).", [](const Json& j) {
            const Json& age = j.at("last_advert_age_ms");
            return age.is_null() ? std::string() : prom_double(age.as_double() / 1e3);
          });
    gauge("xvrrp_instance_master_advert_interval_seconds", "gauge",
          "Master_Adver_Interval learned from the master's adverts.",
          [](const Json& j) { return prom_double(j.at("master_adver_int_ms").as_double() / 1e3); });
    gauge("xvrrp_instance_vips_present", "gauge", "1 if all virtual addresses are configured here.",
          [](const Json& j) { return j.at("vips_present").as_bool() ? "1" : "0"; });
    gauge("xvrrp_instance_adverts_sent_total", "counter", "Adverts sent by this instance.",
          int_field("adverts_sent"));
    gauge("xvrrp_instance_adverts_received_total", "counter",
          "Adverts delivered to this instance's state machine.", int_field("adverts_received"));
    gauge("xvrrp_instance_garps_sent_total", "counter",
          "Gratuitous ARPs / unsolicited NAs sent by this instance.", int_field("garps_sent"));
    auto optional_double = [](const char* name, double scale) {
      return [name, scale](const Json& j) {
        const Json* v = j.find(name);
        return v == nullptr || v->is_null() ? std::string() : prom_double(v->as_double() / scale);
      };
    };
    gauge("xvrrp_instance_max_advert_gap_seconds", "gauge",
          "Largest gap between two adverts of the master heard as BACKUP (absent if none).",
          optional_double("max_advert_gap_ms", 1e3));
    gauge("xvrrp_instance_max_advert_gap_ratio", "gauge",
          "That gap over the master-down interval in force then (1 = a takeover).",
          optional_double("max_gap_share_pct", 1e2));
    gauge("xvrrp_instance_master_down_interval_seconds", "gauge",
          "The current Master_Down_Interval.", optional_double("master_down_interval_ms", 1e3));
    gauge("xvrrp_instance_near_misses_total", "counter",
          "Gaps of at least three quarters of the master-down interval.", [](const Json& j) {
            const Json* v = j.find("near_misses");
            return v == nullptr ? std::string() : std::to_string(v->as_int());
          });
    gauge("xvrrp_instance_max_send_lateness_seconds", "gauge",
          "Largest lateness of a periodic advert sent as MASTER (scheduled to sendmmsg returned).",
          optional_double("max_send_late_ms", 1e3));
    gauge("xvrrp_instance_max_wake_lateness_seconds", "gauge",
          "Largest delay from a periodic advert's time to the event loop waking for it.",
          optional_double("max_wake_late_ms", 1e3));
    gauge("xvrrp_instance_down_timer_extensions_total", "counter",
          "Expired master-down timers the quiet-path rule deferred (the interface was silent).",
          [](const Json& j) {
            const Json* v = j.find("down_timer_extensions");
            return v == nullptr ? std::string() : std::to_string(v->as_int());
          });
    w.family("xvrrp_tracked_interface_up", "gauge", "1 if the tracked interface is up.");
    for (const auto& i : instances) {
      for (const Json& t : i.j->at("tracked").items()) {
        w.sample("xvrrp_tracked_interface_up",
                 i.labels + "," + lbl("interface", str_field(t, "name")),
                 t.at("up").as_bool() ? "1" : "0");
      }
    }
    w.family(
        "xvrrp_tracker_state", "gauge",
        "Tracked object (track_interface, track_script, track_file): 1 up/OK, 0 down/KO, -1 no "
        "result yet.");
    for (const auto& i : instances) {
      const Json* trackers = i.j->find("trackers");
      if (trackers == nullptr) continue;
      for (const Json& t : trackers->items()) {
        const std::string state = str_field(t, "state");
        const char* v = state == "UP" || state == "OK" ? "1" : state == "INIT" ? "-1" : "0";
        w.sample("xvrrp_tracker_state",
                 i.labels + "," + lbl("kind", str_field(t, "kind")) + "," +
                     lbl("tracker", str_field(t, "name")),
                 v);
      }
    }
    w.family("xvrrp_instance_priority_delta", "gauge",
             "Sum of the trackers' weights in force (effective priority = base + this, 1..254).");
    for (const auto& i : instances) {
      if (const Json* d = i.j->find("priority_delta"); d != nullptr)
        w.sample("xvrrp_instance_priority_delta", i.labels, std::to_string(d->as_int()));
    }
    if (const Json* sessions = status->find("bfd_sessions"); sessions != nullptr) {
      struct Metric {
        const char* name;
        const char* type;
        const char* help;
        const char* key;
      };
      const Metric bfd_metrics[] = {
          {"xvrrp_bfd_packets_sent_total", "counter", "BFD control packets sent.", "packets_sent"},
          {"xvrrp_bfd_packets_received_total", "counter",
           "BFD control packets accepted by the session.", "packets_received"},
          {"xvrrp_bfd_drops_total", "counter",
           "BFD control packets for the session discarded (GTSM, session checks).", "drops"},
          {"xvrrp_bfd_transitions_total", "counter", "BFD session state changes.", "transitions"},
      };
      w.family("xvrrp_bfd_state", "gauge", "BFD session state: 0 AdminDown, 1 Down, 2 Init, 3 Up.");
      for (const Json& b : sessions->items()) {
        const std::string st = str_field(b, "state");
        const char* v = st == "Up" ? "3" : st == "Init" ? "2" : st == "Down" ? "1" : "0";
        w.sample("xvrrp_bfd_state", rid + "," + lbl("bfd_instance", str_field(b, "name")), v);
      }
      for (const Metric& m : bfd_metrics) {
        w.family(m.name, m.type, m.help);
        for (const Json& b : sessions->items())
          w.sample(m.name, rid + "," + lbl("bfd_instance", str_field(b, "name")),
                   std::to_string(b.at(m.key).as_int()));
      }
      if (const Json* drops = status->find("bfd_drops"); drops != nullptr) {
        w.family("xvrrp_bfd_unmatched_drops_total", "counter",
                 "BFD packets no session accepted, by reason (malformed, no_session, gtsm).");
        for (const auto& [reason, count] : drops->members())
          w.sample("xvrrp_bfd_unmatched_drops_total", rid + "," + lbl("reason", reason),
                   std::to_string(count.as_int()));
      }
    }
    if (const Json* late = status->find("send_lateness");
        late != nullptr && late->type() == Json::Type::Object) {
      w.family("xvrrp_advert_send_lateness_seconds", "histogram",
               "Lateness of the periodic adverts sent (sent - scheduled), all instances.");
      for (const Json& b : late->at("buckets").items()) {
        w.sample("xvrrp_advert_send_lateness_seconds_bucket",
                 rid + ",le=\"" + format("%g", b.at("le_ms").as_double() / 1e3) + "\"",
                 std::to_string(b.at("count").as_int()));
      }
      const std::string count = std::to_string(late->at("count").as_int());
      w.sample("xvrrp_advert_send_lateness_seconds_bucket", rid + ",le=\"+Inf\"", count);
      w.sample("xvrrp_advert_send_lateness_seconds_sum", rid,
               prom_double(late->at("sum_ms").as_double() / 1e3));
      w.sample("xvrrp_advert_send_lateness_seconds_count", rid, count);
    }
    if (const Json* dropped = status->find("notify_fifo_dropped"); dropped != nullptr) {
      w.family("xvrrp_notify_fifo_dropped_lines_total", "counter",
               "notify_fifo lines dropped because a reader did not keep up, all FIFOs.");
      w.sample("xvrrp_notify_fifo_dropped_lines_total", rid, std::to_string(dropped->as_int()));
    }
    if (const Json* dropped = status->find("log_lines_dropped"); dropped != nullptr) {
      w.family("xvrrp_log_lines_dropped_total", "counter",
               "Log lines dropped because stderr's reader (journald, a pipe) did not keep up.");
      w.sample("xvrrp_log_lines_dropped_total", rid, std::to_string(dropped->as_int()));
    }
    // --rx=socket validates in the daemon; its drops are in the status, not in the maps.
    if (const Json* rejects = status->find("socket_rejects");
        rejects != nullptr && status->at("rx").as_string() == "socket") {
      w.family("xvrrp_socket_adverts_rejected_total", "counter",
               "VRRP packets dropped by the --rx=socket receive path, by reason.");
      for (const auto& [reason, count] : rejects->members())
        w.sample("xvrrp_socket_adverts_rejected_total", rid + "," + lbl("reason", reason),
                 std::to_string(count.as_int()));
    }
  }

  if (maps) {
    auto slot_labels = [&](const CounterSlot& s) {
      return rid + "," + lbl("vrid", std::to_string(s.vrid)) + "," +
             lbl("family", family_name(s.family)) + "," + lbl("ifindex", std::to_string(s.ifindex));
    };
    w.family("xvrrp_adverts_accepted_total", "counter",
             "Valid adverts accepted by the XDP program (reported + suppressed).");
    for (const auto& s : maps->counters)
      w.sample("xvrrp_adverts_accepted_total", slot_labels(s), std::to_string(s.sum.accepted));
    w.family("xvrrp_adverts_suppressed_total", "counter",
             "Valid duplicate adverts that only refreshed xvrrp_last_seen.");
    for (const auto& s : maps->counters)
      w.sample("xvrrp_adverts_suppressed_total", slot_labels(s), std::to_string(s.sum.suppressed));
    w.family("xvrrp_adverts_rejected_total", "counter",
             "VRRP packets dropped by the XDP program, by reason (vrid 0: passed as not ours, "
             "reason unknown_vrid or too_short).");
    for (const auto& s : maps->counters) {
      for (int r = 0; r < XVRRP_REJECT_MAX; ++r) {
        w.sample("xvrrp_adverts_rejected_total",
                 slot_labels(s) + "," + lbl("reason", reject_name(r)),
                 std::to_string(s.sum.rejected[r]));
      }
    }
    // The map keeps no sum of the gaps, so _sum is not exported; _count and the buckets are exact.
    w.family("xvrrp_advert_interarrival_seconds", "histogram",
             "Gap between consecutive accepted adverts from one peer (log2 microsecond buckets).");
    for (const auto& peer : maps->jitter) {
      std::string labels = rid + "," + lbl("vrid", std::to_string(peer.key.vrid.vrid)) + "," +
                           lbl("family", family_name(peer.key.vrid.family)) + "," +
                           lbl("peer", peer_address(peer.key)) + "," +
                           lbl("ifindex", std::to_string(peer.key.vrid.ifindex));
      uint64_t cumulative = 0;
      for (int b = 0; b < XVRRP_JITTER_BUCKETS; ++b) {
        cumulative += peer.hist.bucket[b];
        double le = static_cast<double>(jitter_bucket_upper_us(b)) / 1e6;
        w.sample("xvrrp_advert_interarrival_seconds_bucket",
                 labels + ",le=\"" + format("%g", le) + "\"", std::to_string(cumulative));
      }
      w.sample("xvrrp_advert_interarrival_seconds_bucket", labels + ",le=\"+Inf\"",
               std::to_string(cumulative));
      w.sample("xvrrp_advert_interarrival_seconds_count", labels, std::to_string(cumulative));
    }
  }
  return w.take();
}

}  // namespace xvrrp::ctl
