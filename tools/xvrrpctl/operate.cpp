// SPDX-License-Identifier: GPL-2.0-or-later
#include "operate.hpp"

#include <time.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "json.hpp"

namespace xvrrp::ctl {

namespace {

struct Pending {
  std::string instance;
  std::int64_t id = 0;
  std::string result = "pending";
  std::optional<double> gap_ms;
  std::string new_master;
};

Json parse_reply(const std::string& reply, const std::string& router_id) {
  Json j;
  try {
    j = Json::parse(reply);
  } catch (const JsonError& e) {
    throw CtlError("malformed reply from xvrrpd (router id " + router_id + "): " + e.what());
  }
  if (const Json* err = j.find("error"); err != nullptr) throw CtlError(err->as_string());
  return j;
}

std::int64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1'000'000;
}

void sleep_ms(int ms) {
  timespec ts{0, ms * 1'000'000L};
  nanosleep(&ts, nullptr);
}

// Polls status until every pending handover has a result.
void follow(const Paths& paths, const std::string& id, std::vector<Pending>& pending, int wait_ms) {
  const std::int64_t deadline = now_ms() + wait_ms;
  for (;;) {
    bool open = false;
    const Json status = parse_reply(request_status(paths, id), id);
    for (Pending& p : pending) {
      if (p.result != "pending") continue;
      for (const Json& inst : status.at("instances").items()) {
        if (inst.at("name").as_string() != p.instance) continue;
        const Json* h = inst.find("last_handover");
        if (h == nullptr || h->is_null() || h->at("id").as_int() != p.id) continue;
        p.result = h->at("result").as_string();
        if (const Json& g = h->at("gap_ms"); !g.is_null()) p.gap_ms = g.as_double();
        if (const Json& m = h->at("new_master"); !m.is_null()) p.new_master = m.as_string();
      }
      open |= p.result == "pending";
    }
    if (!open || now_ms() >= deadline) return;
    sleep_ms(5);
  }
}

std::vector<Pending> started_of(const Json& reply) {
  std::vector<Pending> out;
  if (const Json* st = reply.find("started"); st != nullptr)
    for (const Json& s : st->items())
      out.push_back({s.at("instance").as_string(), s.at("id").as_int(), "pending", {}, {}});
  return out;
}

int report(const std::vector<Pending>& pending, const Json& reply, bool json) {
  int rc = 0;
  for (const Pending& p : pending) rc |= p.result == "done" ? 0 : 1;
  if (json) {
    Json out = Json::array();
    for (const Pending& p : pending) {
      Json o = Json::object();
      o.set("instance", Json::string(p.instance));
      o.set("result", Json::string(p.result));
      o.set("gap_ms", p.gap_ms ? Json::number(*p.gap_ms) : Json::null());
      o.set("new_master", p.new_master.empty() ? Json::null() : Json::string(p.new_master));
      out.push(std::move(o));
    }
    std::printf("%s\n", out.dump(-1).c_str());
    return rc;
  }
  for (const Pending& p : pending) {
    if (p.result == "done")
      std::printf("%s: handed over to %s, new master heard %.3f ms after priority 0\n",
                  p.instance.c_str(), p.new_master.empty() ? "?" : p.new_master.c_str(),
                  p.gap_ms.value_or(0));
    else if (p.result == "abandoned")
      std::printf("%s: no new master heard within the bound: still MASTER\n", p.instance.c_str());
    else
      std::printf("%s: handover %s\n", p.instance.c_str(), p.result.c_str());
  }
  if (const Json* sk = reply.find("skipped"); sk != nullptr)
    for (const Json& s : sk->items())
      std::printf("%s: %s, nothing to hand over\n", s.at("instance").as_string().c_str(),
                  s.at("state").as_string().c_str());
  return rc;
}

}  // namespace

int run_handover(const Paths& paths, const std::string& router_id, const std::string& target,
                 bool json, int wait_ms) {
  const Json reply = parse_reply(request(paths, router_id, "handover " + target), router_id);
  std::vector<Pending> pending = started_of(reply);
  if (!pending.empty()) follow(paths, router_id, pending, wait_ms);
  return report(pending, reply, json);
}

int run_maintenance(const Paths& paths, const std::string& router_id, bool on, bool json,
                    int wait_ms) {
  const Json reply = parse_reply(
      request(paths, router_id, std::string("maintenance ") + (on ? "on" : "off")), router_id);
  std::vector<Pending> pending = started_of(reply);
  if (!pending.empty()) follow(paths, router_id, pending, wait_ms);
  if (!json) std::printf("maintenance %s\n", on ? "on" : "off");
  return report(pending, reply, json);
}

}  // namespace xvrrp::ctl
