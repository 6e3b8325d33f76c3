// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/status.hpp"

#include "core/packet.hpp"
#include "daemon/json_writer.hpp"

namespace xvrrp::daemon {

std::string render_status_json(const DaemonStatus& s) {
  JsonWriter j;
  j.begin_object();
  j.field("router_id", s.router_id);
  j.field("pid", s.pid);
  j.field("abi_version", s.abi_version);
  j.field("rx", s.rx);
  j.field("rx_detail", s.rx_detail);
  j.field("uptime_s", s.uptime_s);
  j.key("socket_rejects").begin_object();
  for (std::size_t r = 0; r < s.socket_rejects.size(); ++r)
    j.field(packet::reject_reason_name(static_cast<int>(r)), s.socket_rejects[r]);
  j.end_object();
  j.field("reloads", s.reloads);
  j.field("reload_failures", s.reload_failures);
  j.field("maintenance", s.maintenance);
  j.key("instances").begin_array();
  for (const InstanceStatus& in : s.instances) {
    j.begin_object();
    j.field("name", in.name);
    j.field("interface", in.interface);
    j.field("vrid", in.vrid);
    j.field("version", in.version);
    j.field("accept", in.accept);
    j.field("strict_mode", in.strict_mode);
    j.field("state", in.state);
    j.field("base_priority", in.base_priority);
    j.field("effective_priority", in.effective_priority);
    j.field("master", in.master);
    j.field("master_priority", in.master_priority);
    j.field("last_advert_age_ms", in.last_advert_age_ms);
    j.field("advert_int_ms", in.advert_int_ms);
    j.field("master_adver_int_ms", in.master_adver_int_ms);
    j.field("transitions", in.transitions);
    bool all_present = !in.vips.empty();
    j.key("vips").begin_array();
    for (const VipStatus& v : in.vips) {
      all_present &= v.present;
      j.begin_object();
      j.field("addr", v.addr);
      j.field("dev", v.dev);
      j.field("present", v.present);
      j.end_object();
    }
    j.end_array();
    j.field("vips_present", all_present);
    for (const auto* list : {&in.routes, &in.rules}) {
      j.key(list == &in.routes ? "virtual_routes" : "virtual_rules").begin_array();
      for (const auto& [text, installed] : *list) {
        j.begin_object();
        j.field(list == &in.routes ? "route" : "rule", text);
        j.field("installed", installed);
        j.end_object();
      }
      j.end_array();
    }
    j.key("tracked").begin_array();
    for (const TrackedStatus& t : in.tracked) {
      j.begin_object();
      j.field("name", t.name);
      j.field("up", t.up);
      j.field("weight", t.weight);
      j.end_object();
    }
    j.end_array();
    j.field("priority_delta", in.priority_delta);
    j.field("tracking_fault", in.tracking_fault);
    j.key("trackers").begin_array();
    for (const TrackerStatus& t : in.trackers) {
      j.begin_object();
      j.field("name", t.name);
      j.field("kind", t.kind);
      j.field("state", t.state);
      j.field("weight", t.weight);
      j.field("reverse", t.reverse);
      j.field("fault", t.fault);
      j.field("delta", t.delta);
      if (t.kind == "script") {
        j.field("last_result", t.last_result);
        j.field("last_result_age_s", t.last_result_age_s);
        j.field("last_exit_code", t.last_exit_code);
        j.field("runs", t.runs);
        j.field("skipped", t.skipped);
      }
      if (t.kind == "file") {
        j.field("value", t.value);
        j.field("path", t.path);
      }
      if (t.kind == "process") {
        j.field("running", t.value);
        j.field("last_change_age_s", t.last_result_age_s);
      }
      j.end_object();
    }
    j.end_array();
    j.field("sync_group", in.sync_group);
    j.field("adverts_sent", in.adverts_sent);
    j.field("adverts_received", in.adverts_received);
    j.field("priority_zero_sent", in.priority_zero_sent);
    j.field("garps_sent", in.garps_sent);
    j.field("max_advert_gap_ms", in.max_advert_gap_ms);
    j.field("max_gap_share_pct", in.max_gap_share_pct);
    j.field("near_misses", in.near_misses);
    j.field("max_send_late_ms", in.max_send_late_ms);
    j.field("max_wake_late_ms", in.max_wake_late_ms);
    j.field("down_timer_extensions", in.down_timer_extensions);
    j.field("master_down_interval_ms", in.master_down_interval_ms);
    if (!in.master_bfd.empty()) {
      j.field("master_bfd", in.master_bfd);
      j.field("bfd_takeovers", in.bfd_takeovers);
      j.field("bfd_contradictions", in.bfd_contradictions);
    }
    if (in.auth_hmac) {
      const HmacStatus& h = *in.auth_hmac;
      j.key("auth_hmac").begin_object();
      j.field("mode", h.mode);
      j.field("active_key", h.active_key);
      j.key("key_ids").begin_array();
      for (unsigned id : h.key_ids) j.value(id);
      j.end_array();
      j.field("time_window_s", h.time_window_s);
      j.key("results").begin_object();
      for (const auto& [name, count] : h.results) j.field(name, count);
      j.end_object();
      j.end_object();
    }
    j.field("maintenance", in.maintenance);
    j.field("preempt_held", in.preempt_held);
    j.field("start", in.start);
    j.field("keeps_found_vips", in.keeps_found_vips);
    if (in.last_handover) {
      const HandoverStatus& h = *in.last_handover;
      j.key("last_handover").begin_object();
      j.field("id", h.id);
      j.field("result", h.result);
      j.field("age_ms", h.age_ms);
      j.field("gap_ms", h.gap_ms);
      j.field("new_master", h.new_master);
      j.end_object();
    } else {
      j.field("last_handover", std::optional<std::string>{});
    }
    j.end_object();
  }
  j.end_array();
  j.key("sync_groups").begin_array();
  for (const SyncGroupStatus& g : s.sync_groups) {
    j.begin_object();
    j.field("name", g.name);
    j.field("state", g.state);
    j.key("members").begin_array();
    for (const std::string& m : g.members) j.value(m);
    j.end_array();
    j.field("tracking_weight", g.tracking_weight);
    j.end_object();
  }
  j.end_array();
  j.key("bfd_sessions").begin_array();
  for (const BfdSessionStatus& b : s.bfd_sessions) {
    j.begin_object();
    j.field("name", b.name);
    j.field("neighbor", b.neighbor);
    j.field("source", b.source);
    j.field("state", b.state);
    j.field("remote_state", b.remote_state);
    j.field("local_diag", b.local_diag);
    j.field("remote_diag", b.remote_diag);
    j.field("local_discriminator", b.local_discriminator);
    j.field("remote_discriminator", b.remote_discriminator);
    j.field("tx_interval_us", b.tx_interval_us);
    j.field("rx_interval_us", b.rx_interval_us);
    j.field("detect_mult", b.detect_mult);
    j.field("remote_detect_mult", b.remote_detect_mult);
    j.field("detection_time_ms", b.detection_time_ms);
    j.field("last_packet_age_ms", b.last_packet_age_ms);
    j.field("polling", b.polling);
    j.field("passive", b.passive);
    j.field("packets_sent", b.packets_sent);
    j.field("packets_received", b.packets_received);
    j.field("folded_in_xdp", b.folded_in_xdp);
    j.field("packets_folded", b.packets_folded);
    j.field("replays", b.replays);
    j.field("drops", b.drops);
    j.field("send_errors", b.send_errors);
    j.field("transitions", b.transitions);
    j.end_object();
  }
  j.end_array();
  j.key("bfd_drops").begin_object();
  j.field("malformed", s.bfd_drops.malformed);
  j.field("no_session", s.bfd_drops.no_session);
  j.field("gtsm", s.bfd_drops.gtsm);
  j.end_object();
  j.key("send_lateness").begin_object();
  j.field("count", s.send_lateness.count);
  j.field("sum_ms", s.send_lateness.sum_ms);
  j.key("buckets").begin_array();
  for (const auto& b : s.send_lateness.buckets) {
    j.begin_object();
    j.field("le_ms", b.le_ms);
    j.field("count", b.count);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  j.field("notify_fifo_dropped", s.notify_fifo_dropped);
  j.field("log_lines_dropped", s.log_lines_dropped);
  j.end_object();
  return j.str();
}

}  // namespace xvrrp::daemon
