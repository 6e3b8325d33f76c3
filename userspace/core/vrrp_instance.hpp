// SPDX-License-Identifier: GPL-2.0-or-later
// One VRRP instance: the RFC 3768 §6.3-6.4 (VRRPv2) / RFC 5798 §6.4 (VRRPv3) state machine,
// plus keepalived's Fault state, weighted tracking and preempt_delay.
//
// Pure logic: no I/O, no clock reads. Every method takes the current CLOCK_MONOTONIC time and
// returns the Actions the daemon must perform. The daemon owns sockets, VIPs and GARP timing.
// Not thread-safe; one Instance belongs to one event loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/ip_address.hpp"

namespace xvrrp::core {

/// CLOCK_MONOTONIC time or duration, in nanoseconds.
using Nanos = std::int64_t;
/// "No deadline": later than any real time.
constexpr Nanos kNever = INT64_MAX;
constexpr Nanos kNanosPerCentisecond = 10'000'000;
constexpr Nanos kNanosPerSecond = 1'000'000'000;

enum class State { Initialize, Backup, Master, Fault };

/// keepalived's words: "INIT", "BACKUP", "MASTER", "FAULT" (as in "Entering MASTER STATE").
const char* state_name(State state);

struct InstanceParams {
  std::string name;                  ///< keepalived's vrrp_instance name, for logs only.
  std::uint8_t vrid = 0;             ///< 1..255.
  std::uint8_t version = 2;          ///< 2 (RFC 3768) or 3 (RFC 5798).
  std::uint8_t base_priority = 100;  ///< 1..255; 255 = address owner.
  /// Our Advertisement_Interval in centiseconds. v2: multiple of 100, 100..25500.
  /// v3: 1..4095.
  std::uint16_t advert_int_cs = 100;
  bool preempt = true;      ///< false = keepalived `nopreempt`. The owner always preempts.
  Nanos preempt_delay = 0;  ///< keepalived `preempt_delay`; see on_advert().
  IpAddress primary_ip;  ///< Our primary address: the equal-priority tie-break (RFC 5798 §6.4.3).
  /// As Backup, take over at once on a priority 0 advert instead of after Skew_Time. Skew_Time
  /// only decides which of several backups wins; the daemon sets this when there is one
  /// possible successor (one unicast peer) or the configuration asks for it.
  bool instant_takeover = false;
  /// keepalived `down_timer_adverts`, 1..100: adverts a Backup may miss before the master is
  /// down (Master_Down_Interval = this x Master_Adver_Interval + Skew_Time). 3 is the RFC's
  /// value; any other is a deviation every router of the VRID must share.
  int down_timer_adverts = 3;
  /// keepalived `lower_prio_no_advert`: a Master that hears a lower priority advert does not
  /// answer it with an advert of its own (RFC behaviour; the default answers at once).
  bool lower_prio_no_advert = false;
  /// keepalived `higher_prio_send_advert`: a Master that hears a higher priority advert sends
  /// one advert of its own before it becomes Backup, so that the winner re-announces its VIPs
  /// (garp_lower_prio_repeat) after two masters overlapped.
  bool higher_prio_send_advert = false;
};

/// Planned stop (begin_handover): priority 0 is sent this many times in all.
constexpr int kHandoverResigns = 3;

/// Upper bound of the release linger (ns): see Instance::vips_release_at().
constexpr Nanos kReleaseLingerMax = 20'000'000;

/// Why an instance enters FAULT (set_fault): decides whether a MASTER can keep serving its
/// VIPs while its successor takes over.
enum class FaultCause {
  /// The instance's own interface, or a tracked interface that carries a VIP, is down (or
  /// could not be bound): nothing can be served, a MASTER removes its VIPs at once. Also
  /// the choice when the cause is not known.
  LinkDown,
  /// A check says the service is broken while the addresses can still be served: a
  /// vrrp_script, track_file, track_process or track_bfd in FAULT, a tracked interface
  /// that carries no VIP, or a vrrp_sync_group holding a member in FAULT for a sibling.
  /// A MASTER hands over make-before-break (see set_fault()).
  Service,
};

/// A validated advert for this VRID (the codec and the XDP filter already dropped bad ones,
/// including v2 interval mismatches and our own adverts).
struct ReceivedAdvert {
  IpAddress src;                    ///< Sender's primary address (IP source).
  std::uint8_t priority = 0;        ///< 0 = the master resigns.
  std::uint16_t advert_int_cs = 0;  ///< Max Adver Int (v3) or Adver Int x 100 (v2).
  Nanos rx_ns = 0;  ///< XDP (or socket) receive timestamp, CLOCK_MONOTONIC; may be < now.
};

/// What the daemon must do, performed in this order:
/// send_priority_zero -> remove_vips -> add_vips -> send_advert -> stop_garp/start_garp.
struct Actions {
  bool send_advert = false;         ///< One advert at effective_priority().
  bool send_priority_zero = false;  ///< One advert at priority 0 (resigning).
  bool add_vips = false;
  bool remove_vips = false;
  bool start_garp = false;  ///< (Re)start this instance's GarpSchedule.
  bool stop_garp = false;
  std::optional<State> entered;  ///< Set when the state changed; log "Entering X STATE".
  std::optional<State> left;     ///< The state before `entered` (set with it).
  /// Sync group member only (set_sync_hold): the down timer expired (or an instant takeover
  /// was due) and the instance stays Backup until its group lets it take over.
  bool wants_master = false;
  const char* reason = nullptr;  ///< Short static text for the log; nullptr when nothing happened.

  [[nodiscard]] bool empty() const {
    return !send_advert && !send_priority_zero && !add_vips && !remove_vips && !start_garp &&
           !stop_garp && !entered && !wants_master;
  }
};

class Instance {
 public:
  /// Throws std::invalid_argument naming the field when params are out of range.
  explicit Instance(InstanceParams params);

  /// Initialize -> Master at once when base priority is 255 (owner), else Backup with
  /// Master_Down_Timer = now + Master_Down_Interval (keepalived: `state MASTER` is only a hint and
  /// does not skip the wait). If set_fault(true) was called before, -> Fault instead.
  /// `hold_until` (keepalived `vrrp_startup_delay`): when later than `now`, every instance,
  /// the owner too, starts as Backup with its down timer counting from `hold_until` (the
  /// owner's at `hold_until` itself); the caller drops adverts until then.
  /// No effect unless in Initialize.
  Actions start(Nanos now, Nanos hold_until = 0);

  /// Crash resume (policy/resume.hpp): Initialize -> Master at once, as a predecessor process
  /// left it: an advert now (the peer's down timer has been running since the predecessor's
  /// last one), add_vips (they are already there; a missing one is added), GARP started (the
  /// clients still point here; the burst only repeats it). No priority 0 is involved. When
  /// set_fault(true) was called before, or not in Initialize: as start().
  Actions resume_master(Nanos now);

  /// An advert for our VRID. The master-down timer counts from advert.rx_ns, never from `now`.
  /// Backup:
  ///   priority 0            -> instant_takeover: Master at once. Otherwise down timer =
  ///                            rx_ns + Skew_Time, never later than it already is (a repeated
  ///                            resignation does not postpone the takeover).
  ///   !preempt, or priority >= effective_priority(), or (lower priority but still inside the
  ///   preempt_delay window) -> (v3: Master_Adver_Interval = advert interval) down timer =
  ///   rx_ns + Master_Down_Interval.
  ///   lower priority and preempt -> ignored: we preempt when the down timer fires.
  ///   preempt_delay (keepalived semantics, vrrp.c vrrp_state_backup): the first lower-priority
  ///   advert opens a window [rx_ns, rx_ns + preempt_delay) during which lower-priority adverts are
  ///   still accepted; after it they are ignored. Preemption therefore happens about
  ///   preempt_delay + Master_Down_Interval after the lower-priority master first appears. An
  ///   advert with priority >= ours closes the window. A master that stops sending is still taken
  ///   over after Master_Down_Interval: the delay only applies to preempting a live master.
  /// Master:
  ///   priority 0 -> send advert now, advert timer restarts from now.
  ///   priority > effective, or equal and src > primary_ip -> Backup (v3 learns the interval),
  ///   down timer = rx_ns + Master_Down_Interval, remove VIPs, stop GARP. The owner too, when
  ///   another 255 has the higher primary address (RFC 5798 §6.4.3 has no exception).
  ///   otherwise (lower) -> send advert now (RFC 9568; keepalived "forcing a new election"), at
  ///   most once per advert interval (a flood of lower-priority adverts is answered by the
  ///   regular adverts, not one each).
  /// Master while handing_over(): a non-zero priority advert (the new master, any source) ends
  ///   the handover: stop GARP, -> Initialize (begin_handover) or Backup (hand_over), and the
  ///   VIPs go after the release linger (vips_release_at()). Priority 0 is ignored.
  /// Fault: the master's address, priority and interval are recorded; while
  ///   fault_releasing(), a non-zero priority advert also stops GARP and starts the release
  ///   linger.
  /// Initialize: ignored.
  Actions on_advert(const ReceivedAdvert& advert, Nanos now);

  /// Call when now >= next_deadline(); earlier calls do nothing.
  /// Master: send advert; next advert at previous deadline + interval (drift-free), or
  /// now + interval when more than one interval late.
  /// Backup: the down timer expired -> Master (send advert, add VIPs, start GARP).
  /// Master while handing_over(): the next priority 0 repeat, or at the bound the handover ends
  /// as in on_advert().
  /// Fault while fault_releasing(): the next priority 0 repeat, or at the bound the VIPs are
  /// removed and GARP stopped (the instance stays Fault).
  Actions on_timer(Nanos now);

  /// Backup: Master at once (send advert, add VIPs, start GARP), as when the down timer fires,
  /// without waiting for it; `reason` goes to the log. The daemon calls it when master_bfd
  /// shows the master is gone (policy/bfd_takeover.hpp). Other states: nothing.
  Actions take_over(Nanos now, const char* reason);

  /// Backup whose Master_Down_Timer has expired: wait until `until` (CLOCK_MONOTONIC ns, later
  /// than the current deadline) before acting on it. The daemon calls it when the receive path
  /// went quiet (policy/down_guard.hpp); an advert received meanwhile re-arms the timer as
  /// usual. Returns false, changing nothing, in any other state or for an earlier `until`.
  bool defer_master_down(Nanos until);

  /// The BPF last-seen record shows suppressed duplicates of the last advert up to last_rx_ns
  /// (call when the down timer is about to fire). In Backup, if last_rx_ns is newer than the last
  /// advert known and that advert would still be accepted (not priority 0, not a lower-priority
  /// one being ignored for preemption), re-arms the down timer to last_rx_ns + MDI and records
  /// last_rx_ns. Never returns actions.
  Actions refresh_from_last_seen(Nanos last_rx_ns);

  /// An unweighted tracked object (interface, script, file, process, BFD, sync group) went
  /// into or out of FAULT (keepalived's FAULT state, not in the RFCs).
  /// Entering Fault from Master, by `cause`:
  ///  - FaultCause::LinkDown: send priority 0, remove VIPs, stop GARP, now.
  ///  - FaultCause::Service: make-before-break, as begin_handover(). The state is Fault at
  ///    once (entered = Fault: status and notify_fault say FAULT, as keepalived does, and no
  ///    regular advert is sent), but the VIPs are kept and GARP goes on: priority 0 now,
  ///    repeated every advert_interval() / 4 until sent kHandoverResigns times, and
  ///    fault_releasing() is true. The VIPs are removed (remove_vips, stop_garp) after the
  ///    release linger from the first non-zero priority advert from any source (the new
  ///    master), or at the bound,
  ///    now + Master_Down_Interval, whether or not anybody took over: FAULT never holds the
  ///    VIPs after the bound. next_deadline() is the next repeat or the bound. A Master already
  ///    handing over (begin_handover(), hand_over()) keeps its resignation and bound.
  /// From Backup: just Fault, whatever the cause.
  /// While fault_releasing(): set_fault(true, now, LinkDown) (the interface went down too)
  /// removes the VIPs at once; stop() removes them; begin_handover() lets the window run.
  /// Leaving Fault: Backup with the down timer armed at now + MDI, or Master at once for the
  /// owner; a window still open ends (remove_vips and stop_garp, except for the owner, which
  /// keeps serving), so no VIP is left behind. Before start() only the flag is recorded.
  Actions set_fault(bool faulted, Nanos now, FaultCause cause = FaultCause::LinkDown);
  [[nodiscard]] bool faulted() const { return faulted_; }
  /// Fault reached from Master by FaultCause::Service and still holding the VIPs (see
  /// set_fault()). handing_over() is true meanwhile.
  [[nodiscard]] bool fault_releasing() const { return state_ == State::Fault && handing_over(); }

  /// Weighted tracking: effective priority = clamp(base + delta, 1, 254); the owner (255) is
  /// never changed. As Master, a changed effective priority is advertised at once. As Backup
  /// nothing happens now: a new Skew_Time applies from the next advert, and a priority raised
  /// above a live master's preempts through the ignored lower-priority adverts.
  Actions set_priority_delta(int delta, Nanos now);

  /// Live reconfiguration (reload): replaces the parameters, keeping the state. vrid and
  /// version cannot change this way (a rebuild does that): std::invalid_argument, as for bad
  /// values (validated like the constructor; nothing changes on a throw).
  ///  - priority: the effective priority is recomputed with the current delta. As Master, a
  ///    changed value is advertised at once (send_advert) and Master is kept: a peer with a
  ///    higher priority takes over through its own preemption, as on the wire. As Backup a
  ///    base of 255 (owner) takes over at once; otherwise the new Skew_Time applies from the
  ///    next advert.
  ///  - advert_int: as Master the next advert is due at most one new interval from now; in
  ///    v2 (and as Master) Master_Adver_Interval becomes the new value and a Backup's down
  ///    timer is re-armed from the last advert received with the new Master_Down_Interval.
  ///  - preempt / preempt_delay: from the next advert; an open preempt_delay window closes.
  ///  - primary_ip: see set_primary_ip().
  Actions reconfigure(const InstanceParams& params, Nanos now);

  /// The interface's primary address changed: the equal-priority tie-break (RFC 5798 §6.4.3)
  /// uses the new one from now on, and a Master reports it as master_ip().
  void set_primary_ip(const IpAddress& ip);

  /// vrrp_sync_group membership (policy/sync_group.hpp). While held, a Backup never becomes
  /// Master by itself: where it would (down timer expired, priority 0 advert with
  /// instant_takeover) it stays Backup, wants_master() turns true, the down timer is re-armed
  /// at now + Master_Down_Interval (keepalived's vrrp_sync_can_goto_master) and the Actions
  /// say wants_master. An advert accepted as Backup, or any state change, clears the wish.
  void set_sync_hold(bool held) { sync_hold_ = held; }
  [[nodiscard]] bool sync_hold() const { return sync_hold_; }
  [[nodiscard]] bool wants_master() const { return wants_master_; }

  /// The sync group takes over: Backup -> Master now (send advert, add VIPs, start GARP).
  /// No effect in other states.
  Actions force_master(Nanos now);
  /// The sync group falls back: Master -> Backup now, without a priority 0 advert (another
  /// router is master of a sibling instance), VIPs removed, GARP stopped, down timer at
  /// now + Master_Down_Interval (keepalived's vrrp_sync_backup). No effect in other states or
  /// while handing over.
  Actions force_backup(Nanos now);

  /// Shutdown: Master sends priority 0, removes VIPs and stops GARP; fault_releasing() removes
  /// the VIPs and stops GARP; VIPs kept by the release linger are removed at once; every
  /// state -> Initialize.
  Actions stop(Nanos now);

  /// Release linger. A handover that hears its new master (begin_handover(), hand_over(), a
  /// FaultCause::Service fault) leaves Master at once but keeps the VIPs for
  /// min(advert_interval(), kReleaseLingerMax) more: the new master's advert goes out before
  /// its gratuitous ARPs (RFC 5798 §6.4.1), and frames that clients sent to this host before
  /// they moved are still arriving when the advert does. Both hosts hold the VIPs for at most
  /// one advert interval. CLOCK_MONOTONIC ns when the VIPs are due to go; kNever when none
  /// are held this way. Not part of next_deadline(): the caller runs its own timer.
  [[nodiscard]] Nanos vips_release_at() const { return release_at_; }
  /// now >= vips_release_at(): remove_vips, and the linger is over. Earlier: empty.
  Actions release_vips(Nanos now);

  /// Planned stop, make-before-break. Master: sends priority 0 now and stays Master with its
  /// VIPs (handing_over() = true, no regular adverts, lower-priority adverts not answered).
  /// Priority 0 is repeated every advert_interval() / 4 until sent kHandoverResigns times, in
  /// case one is lost. The handover ends (stop GARP, -> Initialize) at the first non-zero
  /// priority advert, the VIPs going after the release linger, or at now +
  /// Master_Down_Interval (remove VIPs, stop GARP, -> Initialize), the time the successor
  /// needs at worst. Leaving Master any other way ends it too, except a FaultCause::Service
  /// fault, which carries it on in Fault (set_fault()).
  /// Other states: as stop(), except fault_releasing(), which goes on (its own bound releases
  /// the VIPs). Calling it again while handing over does nothing.
  Actions begin_handover(Nanos now);
  /// True from begin_handover() or hand_over() on a Master until the handover ended, and in
  /// Fault while fault_releasing().
  [[nodiscard]] bool handing_over() const { return handover_bound_ != kNever; }

  /// On-demand handover (`xvrrpctl handover`), make-before-break like begin_handover(), but
  /// the instance stays:
  ///  - at the first non-zero priority advert it becomes Backup (stop GARP, down timer from
  ///    that advert, the VIPs going after the release linger) and holds preemption
  ///    (preempt_held()): every advert is accepted as with nopreempt, so it does not take the role
  ///    back from the master it just handed it to. The hold ends at the next reload (reconfigure),
  ///    when it becomes Master by itself (the new master stops or resigns), or with
  ///    set_maintenance(false). A restart starts without it.
  ///  - when the bound expires with no new master, the handover is abandoned: it stays Master,
  ///    advertises at once and restarts GARP (nobody else serves the VIPs).
  /// Not Master, or already handing over: returns empty Actions.
  Actions hand_over(Nanos now);
  /// True after hand_over() ended in Backup, until a reload or the instance's own takeover.
  [[nodiscard]] bool preempt_held() const { return preempt_hold_; }
  /// hand_over() began at; kNever before the first.
  [[nodiscard]] Nanos handover_began() const { return handover_began_; }

  /// Maintenance (`xvrrpctl maintenance on|off`), sticky until turned off: the instance
  /// behaves as priority 0, it never becomes Master. On: a Master hands over (hand_over());
  /// if no new master appears it stays Master (never worse than before) and says so through
  /// state(). As Backup every advert is accepted (as with nopreempt), and the down timer, a
  /// priority 0 advert, take_over(), force_master(), an owner's start or reload, and a fault
  /// clearing all leave it Backup (the down timer is re-armed a Master_Down_Interval on).
  /// Off: normal rules apply again from the next advert or timer (a higher base priority
  /// preempts through the down timer, as on any start). Before start(): only the flag.
  Actions set_maintenance(bool on, Nanos now);
  [[nodiscard]] bool maintenance() const { return maintenance_; }

  // Observers.
  [[nodiscard]] const InstanceParams& params() const { return params_; }
  [[nodiscard]] const std::string& name() const { return params_.name; }
  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] std::uint8_t effective_priority() const { return effective_priority_; }
  [[nodiscard]] int priority_delta() const { return priority_delta_; }
  /// The current master: the last advert's sender, or primary_ip while we are Master.
  [[nodiscard]] const std::optional<IpAddress>& master_ip() const { return master_ip_; }
  /// Priority of master_ip() (ours while Master); 0 when unknown.
  [[nodiscard]] std::uint8_t master_priority() const { return master_priority_; }
  /// Master_Adver_Interval in cs: learned from adverts in v3, our own in v2 and while Master.
  [[nodiscard]] std::uint16_t master_adver_int_cs() const { return master_adver_int_cs_; }
  [[nodiscard]] std::uint16_t advert_int_cs() const { return params_.advert_int_cs; }
  /// rx_ns of the last advert received (or last_seen refresh); nullopt before the first.
  [[nodiscard]] std::optional<Nanos> last_advert_rx_ns() const { return last_advert_rx_ns_; }
  /// Number of state changes since construction (Initialize -> X included).
  [[nodiscard]] std::uint64_t transitions() const { return transitions_; }
  /// Master: next advert time. Backup: master-down deadline. Fault while fault_releasing():
  /// the next priority 0 repeat or the bound. Otherwise kNever.
  [[nodiscard]] Nanos next_deadline() const { return deadline_; }
  /// End of the preempt_delay window, when one is open; kNever otherwise.
  [[nodiscard]] Nanos preempt_window_end() const { return preempt_window_end_; }

  /// v2: (256 - prio) / 256 s. v3: (256 - prio) x Master_Adver_Interval / 256 (ns precision).
  /// prio = effective_priority().
  [[nodiscard]] Nanos skew_time() const;
  /// down_timer_adverts (3) x Master_Adver_Interval (v2: Advertisement_Interval) + skew_time().
  [[nodiscard]] Nanos master_down_interval() const;
  [[nodiscard]] Nanos advert_interval() const {
    return Nanos{params_.advert_int_cs} * kNanosPerCentisecond;
  }

 private:
  enum class Verdict { Accept, Ignore };
  /// Backup's decision for a non-zero priority advert. open_window = false evaluates without
  /// opening a preempt_delay window (refresh_from_last_seen has no side effects).
  Verdict backup_verdict(std::uint8_t priority, Nanos rx_ns, bool open_window);
  static void validate(const InstanceParams& p);
  void recompute_priority();
  void learn_interval(std::uint16_t advert_int_cs);
  void enter(State next, Actions& actions, const char* reason);
  void become_master(Nanos now, Actions& actions, const char* reason);
  void become_backup(Nanos down_deadline, Actions& actions, const char* reason);
  void record_master(const ReceivedAdvert& advert);
  /// heard: a new master's advert ended it (the VIPs linger); else they go now.
  void end_handover(Actions& actions, const char* reason, Nanos now, bool heard);
  /// Ends fault_releasing(): stop GARP, no deadline; the VIPs go now, or after the release
  /// linger when `linger_from` is not kNever.
  void release_in_fault(Actions& actions, const char* reason, Nanos linger_from = kNever);
  /// Starts the release linger at now (the VIPs stay).
  void linger_release(Nanos now);
  /// VIPs kept by the release linger go now (remove_vips).
  void flush_release(Actions& actions);
  /// The next priority 0 repeat when due, then the deadline at the next repeat or the bound.
  void repeat_resign(Nanos now, Actions& actions);
  void arm_handover_deadline();
  /// sync_hold_: stay Backup, wanting Master (see set_sync_hold).
  void hold_for_group(Nanos now, Actions& actions, const char* reason);

  InstanceParams params_;
  State state_ = State::Initialize;
  bool faulted_ = false;
  int priority_delta_ = 0;
  std::uint8_t effective_priority_;
  std::uint16_t master_adver_int_cs_;
  std::optional<IpAddress> master_ip_;
  std::uint8_t master_priority_ = 0;
  std::uint8_t last_advert_priority_ = 0;
  std::optional<Nanos> last_advert_rx_ns_;
  Nanos deadline_ = kNever;
  Nanos preempt_window_end_ = kNever;
  std::uint64_t transitions_ = 0;
  Nanos last_forced_advert_ = kNever;
  Nanos handover_bound_ = kNever;  ///< kNever unless handing over.
  Nanos next_resign_ = kNever;     ///< Next priority 0 repeat; kNever when all were sent.
  int resigns_sent_ = 0;
  bool sync_hold_ = false;
  bool wants_master_ = false;
  bool handover_stays_ = false;  ///< The handover in progress is hand_over()'s.
  bool preempt_hold_ = false;
  bool maintenance_ = false;
  Nanos handover_began_ = kNever;
  Nanos release_at_ = kNever;  ///< End of the release linger; kNever when none runs.
};

}  // namespace xvrrp::core
