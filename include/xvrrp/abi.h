/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xvrrp kernel/user ABI: the ONLY contract between bpf/xvrrp_xdp.bpf.c and the
 * C++ userspace (daemon, xvrrpctl, tests, benchmarks).
 *
 * Rules (enforced by the asserts below and by tests/unit/abi):
 *  - fixed-width __u* / __be* types only; no bool, enum-typed fields or bitfields;
 *  - explicit padding; every struct is followed by XVRRP_STRUCT_SIZE();
 *  - __be* fields are in network byte order, everything else host order;
 *  - time is CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns()).
 *
 * Compiles as C11 under clang -target bpf and as C++17. Includes only
 * <linux/types.h>.
 */
#ifndef XVRRP_ABI_H
#define XVRRP_ABI_H

#include <linux/types.h>

#define XVRRP_ABI_VERSION 8

#ifdef __cplusplus
#define XVRRP_STRUCT_SIZE(type, size) static_assert(sizeof(type) == (size), "ABI size of " #type)
#else
#define XVRRP_STRUCT_SIZE(type, size) _Static_assert(sizeof(type) == (size), "ABI size of " #type)
#endif

/* ---- Pin layout ------------------------------------------------------------
 * Maps are pinned by name (LIBBPF_PIN_BY_NAME) under
 *     XVRRP_BPFFS_ROOT "/" <router_id> "/"
 * e.g. /sys/fs/bpf/xvrrp/server-1/xvrrp_counters. One directory per router, so
 * two daemons on one host never share maps. Each attached program is pinned
 * as XVRRP_PIN_PROG_NAME "_<ifindex>" in the same directory (e.g.
 * xvrrp_xdp_prog_2), for `bpftool prog show pinned`. The directory and every
 * pin are removed when the daemon stops; a daemon that finds the directory of
 * a dead predecessor (xvrrp_meta.daemon_pid not running) removes it first.
 */
#define XVRRP_BPFFS_MOUNT "/sys/fs/bpf"
#define XVRRP_BPFFS_ROOT XVRRP_BPFFS_MOUNT "/xvrrp"
#define XVRRP_PIN_PROG_NAME "xvrrp_xdp_prog"

/* Map names: identical in the BPF object, the pin files and xvrrpctl. */
#define XVRRP_MAP_VRID_CONFIG xvrrp_vrid_config
#define XVRRP_MAP_PEERS xvrrp_peers
#define XVRRP_MAP_EVENTS xvrrp_events
#define XVRRP_MAP_COUNTERS xvrrp_counters
#define XVRRP_MAP_JITTER xvrrp_jitter
#define XVRRP_MAP_LAST_SEEN xvrrp_last_seen
#define XVRRP_MAP_META xvrrp_meta
#define XVRRP_MAP_VIPS xvrrp_vips
#define XVRRP_MAP_ALIVE xvrrp_alive
#define XVRRP_MAP_BFD xvrrp_bfd
#define XVRRP_STRINGIFY_(x) #x
#define XVRRP_STRINGIFY(x) XVRRP_STRINGIFY_(x)
#define XVRRP_MAP_NAME_STR(m) XVRRP_STRINGIFY(m)

/* ---- Limits ----------------------------------------------------------------
 * The map sizes below are the BPF object's compiled-in max_entries, the least
 * the daemon creates: it sizes the maps from its configuration before loading
 * the program (policy/map_sizes.hpp: twice the configured instances and peers,
 * a ring of two records per instance) and refuses to start beyond the
 * *_LIMIT values.
 */
#define XVRRP_MAX_INSTANCES 1024 /* least entries of vrid_config / last_seen */
#define XVRRP_MAX_PEERS 4096	 /* least entries of peers: unicast peers, all VRIDs */
#define XVRRP_MAX_JITTER_PEERS 4096
#define XVRRP_MAX_VIPS 1024	       /* least entries of vips: every VIP, all instances */
#define XVRRP_EVENTS_BYTES (64 * 1024) /* least ring buffer size, power of two: ~540 records */
#define XVRRP_INSTANCES_LIMIT 16384    /* most VRRP instances one daemon runs */
#define XVRRP_PEERS_LIMIT 65536	       /* most unicast peers one daemon has, all instances */
#define XVRRP_VIPS_LIMIT 65536	       /* most VIPs one daemon has, all instances */
#define XVRRP_EVENT_ADDR_WORDS 16      /* first 64 bytes of the address list */
#define XVRRP_AUTH_PASS_LEN 8	       /* RFC 3768 §5.3.11: 8 octets */
#define XVRRP_MAX_VRRP_LEN 1024	       /* longest VRRP message parsed (bytes), trailer included */
#define XVRRP_HMAC_TRAILER_LEN 28      /* auth_hmac trailer after the message */
#define XVRRP_JITTER_BUCKETS 32	       /* log2(µs) buckets */
#define XVRRP_COUNTER_ENTRIES (XVRRP_MAX_INSTANCES + 256) /* xvrrp_counters keys */
#define XVRRP_MAX_BFD_SESSIONS 256 /* entries of xvrrp_bfd: bfd_instance blocks, all families */

/* ---- Protocol constants (RFC 3768 §5, RFC 5798 §5) ------------------------ */
#define XVRRP_IPPROTO 112
#define XVRRP_TYPE_ADVERT 1
#define XVRRP_AUTH_NONE 0
#define XVRRP_AUTH_PASS 1
#define XVRRP_TTL 255
#define XVRRP_AF_INET 4 /* family field values below (not AF_* constants) */
#define XVRRP_AF_INET6 6

/* ---- Receive rules --------------------------------------------------------
 * The XDP program (bpf/xvrrp_xdp.bpf.c) and the socket path's validator
 * (xvrrp::packet::validate_frame / validate_ip) apply these, in this order.
 * tests/support/receive_cases.hpp holds one case per outcome; both are run
 * over it.
 *
 * Not ours (XDP_PASS, frame untouched; rules c-d count it in the
 * {ifindex, XVRRP_VRID_NOT_OURS, family} entry of xvrrp_counters only):
 *   a. Ethernet type IPv4 or IPv6, untagged. A VLAN-tagged frame belongs to
 *      the VLAN's own interface, where an instance has its own attachment.
 *   b. IP protocol (IPv6: next header, no extension header walk) 112.
 *   c. Attributable: IPv4 with IHL >= 5, the whole header present and
 *      fragment offset 0 (IPv6: the 40-byte header present), and the first
 *      two VRRP bytes (version/type, VRID) inside both the frame and the IP
 *      total length. A frame that fails here cannot be tied to a router; the
 *      kernel's own IP checks drop what is malformed.
 *   d. {ingress ifindex, VRID, family} is in xvrrp_vrid_config. Other
 *      routers' VRIDs pass.
 * Ours: every failure from here on is XDP_DROP, counted per reason in the
 * key's counters, so a flood aimed at our VRIDs never reaches the stack:
 *   e. IP total length <= bytes present (Ethernet padding after it is fine)
 *      and IPv4 MF clear (VRRP is never fragmented), else LENGTH_MISMATCH.
 *      The VRRP message ends at the IP total length.
 *   f. message < 8 bytes -> TOO_SHORT; > XVRRP_MAX_VRRP_LEN -> LENGTH_MISMATCH.
 *   g. version != cfg.version -> BAD_VERSION; type != 1 -> BAD_TYPE.
 *   h. length != 8 + naddrs * (4 | 16) + (v2 ? 8 : 0) -> LENGTH_MISMATCH.
 *      XVRRP_CFG_AUTH_HMAC: that length plus XVRRP_HMAC_TRAILER_LEN is an
 *      auth_hmac trailer (keepalived >= 2.4); the "message" of the rules below
 *      is what precedes it.
 *   i. TTL / hop limit: XVRRP_CFG_UNICAST: in the instance's [min_ttl,
 *      max_ttl] (the hull of its peers' ranges); else (multicast) 255.
 *      Otherwise BAD_TTL. Per-peer ranges are checked in rule k.
 *      Multicast also: the destination is the VRRP group (224.0.0.18,
 *      ff02::12; RFC 5798 §5.1.1.2, §5.1.2.2), else BAD_DEST: an advert
 *      unicast to any host, or sent to another group, is not an advert of
 *      this instance. (Unicast instances: the kernel's routing owns that.)
 *   j. checksum. v2: over the message. v3 IPv4: with the pseudo-header (sets
 *      XVRRP_EVT_V3_PSEUDO_CSUM) or, failing that, without (RFC 9568). v3
 *      IPv6: with the pseudo-header only (sets the flag). Else BAD_CHECKSUM.
 *      With a trailer, IPv4 checksums cover the message only and IPv6 the
 *      whole payload, trailer included (what keepalived sends).
 *   k. XVRRP_CFG_CHECK_PEER: {key, source} not in xvrrp_peers -> UNKNOWN_PEER;
 *      TTL / hop limit outside that peer's [min_ttl, max_ttl] -> BAD_TTL.
 *   l. v2: auth type != cfg, or (PASS) the 8 auth octets != cfg.auth_pass
 *      (constant time) -> AUTH_MISMATCH; interval s * 100 != cfg.advert_int_cs
 *      -> INTERVAL_MISMATCH. v3 never checks the interval.
 *      XVRRP_CFG_AUTH_HMAC, v2 and v3: a trailer whose ext_type is not 1 or
 *      whose reserved field is not zero, or no trailer while
 *      XVRRP_CFG_HMAC_REQUIRED -> AUTH_MISMATCH. The MAC, the key id and the
 *      sequence need the key: the daemon checks them, before its state machine.
 *   m. Accepted (timestamped since rule e): counted, jitter recorded; with XVRRP_CFG_SUPPRESS_DUPS
 * an advert equal to xvrrp_last_seen is only folded into it, otherwise an xvrrp_advert_event is
 * reported (RINGBUF_FULL when there is no room). xvrrp_last_seen's content changes only together
 * with a reserved record, so a change that found the ring full is reported by the next advert;
 * such an advert from the recorded source only moves ts_ns (its master is alive).
 * XVRRP_CFG_AUTH_HMAC instead reports every accepted advert, with its payload
 * (XVRRP_EVT_PAYLOAD), and never reads or writes xvrrp_last_seen: nothing the
 * daemon has not verified may stand for a live master.
 */

/* ---- Neighbour fence ------------------------------------------------------
 * A daemon killed without a restart leaves its program attached and its VIPs
 * on the host, whose kernel keeps answering ARP and neighbour solicitations
 * for them. Once the peer has taken over, both hosts answer and clients flip
 * between them. The program stops that host's answers at the moment the peer
 * claims the VIP, and only then. Frames that are not VRRP are judged here:
 *   n. An untagged ARP request (htype 1, ptype IPv4, hlen 6, plen 4, op 1), or
 *      an ICMPv6 neighbour solicitation (next header 58 right after the IPv6
 *      header, type 135, code 0), whose target is {ingress ifindex, family,
 *      target} in xvrrp_vips. Anything else passes untouched.
 *   o. The daemon is silent: xvrrp_alive.stamp_ns (refreshed by the daemon on
 *      every turn of its event loop) is more than the VIP's fence_after_ns in
 *      the past. Else pass.
 *   p. A peer holds the VIP: the xvrrp_last_seen record of the VIP's instance
 *      is an advert of priority > 0 accepted after stamp_ns and less than
 *      XVRRP_FENCE_PEER_ADVERTS of its advert intervals ago. Else pass: with no
 *      peer, or a peer that fell silent too, this host is the only holder left
 *      and keeps answering.
 * When n-p hold the request is dropped (XDP_DROP) and counted in the VIP's
 * xvrrp_vip_value. auth_hmac instances keep no last-seen record (rule m), so
 * their VIPs are never fenced: an unverified advert never stands for a master.
 */
#define XVRRP_FENCE_PEER_ADVERTS 3

/* ---- Reject reasons: index into xvrrp_counters.rejected[] ------------------ */
#define XVRRP_REJECT_TOO_SHORT 0	 /* frame ends inside a header */
#define XVRRP_REJECT_BAD_TTL 1		 /* TTL/HL not 255 (mcast) or outside range */
#define XVRRP_REJECT_BAD_VERSION 2	 /* version != configured version */
#define XVRRP_REJECT_BAD_TYPE 3		 /* type != 1 */
#define XVRRP_REJECT_BAD_CHECKSUM 4	 /* VRRP checksum (v3: both variants) */
#define XVRRP_REJECT_UNKNOWN_VRID 5	 /* no xvrrp_vrid_config entry (passed, rule d) */
#define XVRRP_REJECT_UNKNOWN_PEER 6	 /* source not in xvrrp_peers */
#define XVRRP_REJECT_AUTH_MISMATCH 7	 /* v2 auth type or password; HMAC trailer */
#define XVRRP_REJECT_INTERVAL_MISMATCH 8 /* v2 adver_int != local */
#define XVRRP_REJECT_LENGTH_MISMATCH 9	 /* IP/VRRP lengths inconsistent */
#define XVRRP_REJECT_RINGBUF_FULL 10	 /* valid (also in .accepted), no room to report */
#define XVRRP_REJECT_BAD_DEST 11	 /* multicast instance: dst not the VRRP group */
#define XVRRP_REJECT_MAX 12

/* ---- xvrrp_vrid_config: HASH, key xvrrp_vrid_key, value xvrrp_vrid_config --
 * Written by the daemon before attach; read-only for BPF.
 */
struct xvrrp_vrid_key {
	__u32 ifindex; /* interface the instance runs on */
	__u8 vrid;     /* 1..255 */
	__u8 family;   /* XVRRP_AF_INET or XVRRP_AF_INET6 */
	__u8 pad[2];   /* must be zero */
};
XVRRP_STRUCT_SIZE(struct xvrrp_vrid_key, 8);

#define XVRRP_CFG_CHECK_PEER (1u << 0)	  /* accept only sources in xvrrp_peers */
#define XVRRP_CFG_UNICAST (1u << 1)	  /* unicast: TTL must be in [min,max] */
#define XVRRP_CFG_SUPPRESS_DUPS (1u << 2) /* refresh last_seen, skip ring */
#define XVRRP_CFG_AUTH_HMAC (1u << 3)	  /* trailer allowed; report all, with payload */
#define XVRRP_CFG_HMAC_REQUIRED (1u << 4) /* with AUTH_HMAC: no trailer -> AUTH_MISMATCH */

struct xvrrp_vrid_config {
	__u8 version;	/* 2 or 3 */
	__u8 auth_type; /* v2: XVRRP_AUTH_NONE or XVRRP_AUTH_PASS */
	__u8 min_ttl;	/* unicast only (rule i); multicast always requires 255 */
	__u8 max_ttl;
	__u16 advert_int_cs;		     /* local advert interval, centiseconds */
	__u16 flags;			     /* XVRRP_CFG_* */
	__u8 auth_pass[XVRRP_AUTH_PASS_LEN]; /* zero padded */
};
XVRRP_STRUCT_SIZE(struct xvrrp_vrid_config, 16);

/* ---- xvrrp_peers: HASH, key xvrrp_peer_key, value xvrrp_peer_value --------
 * Configured unicast peers. Also the key of xvrrp_jitter.
 */
struct xvrrp_peer_key {
	struct xvrrp_vrid_key vrid;
	__be32 addr[4]; /* IPv4 uses addr[0], rest zero */
};
XVRRP_STRUCT_SIZE(struct xvrrp_peer_key, 24);

/* Unicast TTL / hop-limit range accepted from this peer (keepalived's
 * unicast_peer min_ttl/max_ttl), checked in rule k on top of the instance's
 * [min_ttl, max_ttl] (rule i). 0..255 when the peer gives no range.
 */
struct xvrrp_peer_value {
	__u8 min_ttl;
	__u8 max_ttl;
	__u8 pad[2]; /* must be zero */
	__u32 flags; /* reserved, zero */
};
XVRRP_STRUCT_SIZE(struct xvrrp_peer_value, 8);

/* ---- xvrrp_events: RINGBUF of xvrrp_advert_event ---------------------------
 * One record per accepted advert (or, with XVRRP_CFG_SUPPRESS_DUPS, per
 * accepted advert that differs from xvrrp_last_seen, and every priority 0).
 * A record with XVRRP_EVT_PAYLOAD (XVRRP_CFG_AUTH_HMAC instances) is followed
 * by an xvrrp_payload_hdr and payload_hdr.len bytes: the IP payload up to the
 * IP length (VRRP message and trailer, checksum as received). Its size is
 * exactly sizeof(event) + sizeof(payload_hdr) + len.
 */
#define XVRRP_EVT_V3_PSEUDO_CSUM (1u << 0) /* v3 checksum included pseudo-header */
#define XVRRP_EVT_PAYLOAD (1u << 1)	   /* an xvrrp_payload_hdr and the payload follow */

/* addr_hash: FNV-1a over the address list taken as 32-bit words loaded from
 * packet memory (host-endian loads of the network-order bytes):
 *     h = 0x811c9dc5; for each word w: h ^= w; h *= 0x01000193;
 * Equal lists give equal hashes on the same host; it is no security measure.
 */
#define XVRRP_ADDR_HASH_SEED 0x811c9dc5u
#define XVRRP_ADDR_HASH_PRIME 0x01000193u

struct xvrrp_advert_event {
	__u64 ts_ns;   /* bpf_ktime_get_ns() once the frame is known ours (rule e) */
	__u32 ifindex; /* ingress ifindex */
	__u8 family;   /* XVRRP_AF_* */
	__u8 version;  /* 2 or 3 */
	__u8 vrid;
	__u8 priority;
	__be32 src[4];	     /* IP source; IPv4 in src[0] */
	__u16 advert_int_cs; /* v2: seconds * 100; v3: the 12-bit field */
	__u8 naddrs;	     /* Count IPvX Addrs */
	__u8 flags;	     /* XVRRP_EVT_* */
	__u32 addr_hash;     /* XVRRP_ADDR_HASH over the whole address list */
	__u8 ttl;	     /* IP TTL / hop limit as received */
	__u8 pad[7];
	__be32 addrs[XVRRP_EVENT_ADDR_WORDS]; /* first 64 bytes of the list */
};
XVRRP_STRUCT_SIZE(struct xvrrp_advert_event, 112);

struct xvrrp_payload_hdr {
	__u16 len;     /* payload bytes that follow, <= XVRRP_MAX_VRRP_LEN */
	__u16 msg_len; /* of which the VRRP message (the rest is the trailer) */
	__u8 pad[4];
};
XVRRP_STRUCT_SIZE(struct xvrrp_payload_hdr, 8);

/* ---- xvrrp_counters: LRU_PERCPU_HASH, key xvrrp_vrid_key, value xvrrp_counters
 * One entry per {ingress ifindex, VRID, family} of a configured instance,
 * created by BPF with its first frame (rules e-m count there). The entry
 * {ifindex, XVRRP_VRID_NOT_OURS, family} counts the protocol-112 frames passed
 * as not ours: rejected[TOO_SHORT] those that could not be attributed (rule
 * c), rejected[UNKNOWN_VRID] other routers' VRIDs (rule d); nothing else.
 * LRU, so entries of removed instances are the first to go when it is full.
 */
#define XVRRP_VRID_NOT_OURS 0 /* VRID 0 is never valid (RFC 5798 §5.2.3) */
/* The same counters as xvrrp_counters.rejected[], by name, so that
 * `bpftool map dump pinned .../xvrrp_counters` shows which reason is which. */
struct xvrrp_reject_counts {
	__u64 too_short;
	__u64 bad_ttl;
	__u64 bad_version;
	__u64 bad_type;
	__u64 bad_checksum;
	__u64 unknown_vrid;
	__u64 unknown_peer;
	__u64 auth_mismatch;
	__u64 interval_mismatch;
	__u64 length_mismatch;
	__u64 ringbuf_full;
	__u64 bad_dest;
};
XVRRP_STRUCT_SIZE(struct xvrrp_reject_counts, 8 * XVRRP_REJECT_MAX);

struct xvrrp_counters {
	__u64 accepted;	  /* valid adverts (reported + suppressed) */
	__u64 suppressed; /* valid duplicates that only refreshed last_seen */
	union {
		__u64 rejected[XVRRP_REJECT_MAX]; /* index XVRRP_REJECT_* */
		struct xvrrp_reject_counts rejected_by_reason;
	};
};
XVRRP_STRUCT_SIZE(struct xvrrp_counters, 112);

/* ---- xvrrp_jitter: LRU_HASH, key xvrrp_peer_key, value xvrrp_jitter --------
 * Inter-arrival histogram of accepted adverts per source. Bucket b counts
 * gaps g (µs) with floor(log2(g)) == b (g == 0 counts in bucket 0).
 * max_gap_ns is the largest gap up to XVRRP_JITTER_MAX_GAP_ADVERTS local advert
 * intervals (longer silences are outages or restarts, not near misses); the
 * daemon compares it with the master-down interval (near-miss warnings).
 */
#define XVRRP_JITTER_MAX_GAP_ADVERTS 10
struct xvrrp_jitter {
	__u64 last_ns; /* XDP timestamp of the previous advert */
	__u64 samples; /* number of gaps recorded */
	__u64 bucket[XVRRP_JITTER_BUCKETS];
	__u64 max_gap_ns;    /* largest gap recorded, ns */
	__u64 max_gap_at_ns; /* XDP timestamp of the advert that ended it */
};
XVRRP_STRUCT_SIZE(struct xvrrp_jitter, 288);

/* ---- xvrrp_last_seen: HASH, key xvrrp_vrid_key, value xvrrp_last_seen -----
 * Updated by BPF for every accepted advert when XVRRP_CFG_SUPPRESS_DUPS is set.
 * The daemon deletes a VRID's entry on every state transition so the next
 * advert is reported again.
 */
struct xvrrp_last_seen {
	__u64 ts_ns;   /* XDP timestamp of the newest accepted advert */
	__u64 count;   /* adverts folded into this record */
	__be32 src[4]; /* master's address */
	__u32 addr_hash;
	__u16 advert_int_cs;
	__u8 priority;
	__u8 naddrs;
};
XVRRP_STRUCT_SIZE(struct xvrrp_last_seen, 40);

/* ---- xvrrp_meta: ARRAY[1] of xvrrp_meta, written by the daemon ------------ */
struct xvrrp_meta {
	__u32 abi_version; /* XVRRP_ABI_VERSION of the daemon that pinned */
	__u32 daemon_pid;
	__u64 started_ns; /* CLOCK_MONOTONIC */
};
XVRRP_STRUCT_SIZE(struct xvrrp_meta, 16);

/* ---- xvrrp_vips: HASH, key xvrrp_vip_key, value xvrrp_vip_value -----------
 * Every VIP of every instance (virtual_ipaddress and _excluded), keyed by the
 * instance's interface, where requests for it arrive. Written by the daemon;
 * BPF writes only the two fence counters. A VIP configured in several
 * instances on one interface belongs to the first.
 */
struct xvrrp_vip_key {
	__u32 ifindex;	/* the instance's interface */
	__u8 family;	/* XVRRP_AF_* of the address */
	__u8 pad[3];	/* must be zero */
	__be32 addr[4]; /* IPv4 uses addr[0], rest zero */
};
XVRRP_STRUCT_SIZE(struct xvrrp_vip_key, 24);

struct xvrrp_vip_value {
	__u64 fence_after_ns; /* daemon silence before rule o holds (3 local advert intervals) */
	__u64 fenced;	      /* requests dropped by rules n-p */
	__u64 fenced_at_ns;   /* XDP timestamp of the newest one */
	__u8 vrid;	      /* the owning instance: {ifindex, vrid, instance_family} */
	__u8 instance_family; /* XVRRP_AF_* of the instance (an excluded VIP may differ) */
	__u8 pad[6];
};
XVRRP_STRUCT_SIZE(struct xvrrp_vip_value, 32);

/* ---- xvrrp_alive: ARRAY[1] of xvrrp_alive, BPF_F_MMAPABLE ------------------
 * The daemon maps it and stores CLOCK_MONOTONIC now into stamp_ns on every
 * turn of its event loop (a store, no syscall). Read by rule o.
 */
struct xvrrp_alive {
	__u64 stamp_ns;
};
XVRRP_STRUCT_SIZE(struct xvrrp_alive, 8);

/* ---- xvrrp_bfd: HASH, key xvrrp_bfd_key, value xvrrp_bfd_seen -------------
 * BFD control packets (RFC 5880 §4.1, RFC 5881: UDP destination port 3784) of
 * the daemon's sessions, folded the way unchanged adverts are. The daemon writes
 * an entry per session (neighbor, family, min_ttl; valid 0); BPF writes the rest.
 *
 * A frame is a fold candidate when all of these hold (anything else passes to the
 * daemon's UDP socket untouched, the key is never looked up for the first three):
 *   1. IPv4 (not a fragment) or IPv6 (no extension header), UDP, port 3784;
 *   2. UDP length 32 and the frame holds it: a 24-byte packet, no authentication;
 *   3. version 1, A, D, M, P and F clear, Detect Mult, My and Your Discriminator
 *      non-zero;
 *   4. an entry for Your Discriminator, of the frame's family, whose neighbor is
 *      the source and whose min_ttl the TTL/hop limit reaches.
 * A candidate whose UDP header and packet equal `packet` (valid 1) is a repeat: ts_ns
 * becomes its XDP timestamp, folded grows, and it is dropped. Any other candidate is
 * copied into `packet` (valid 1, ts_ns its timestamp) and passed: the daemon hears
 * every change, every Poll and Final, and every packet of a neighbor not yet known.
 * The daemon's detection timer, when it expires, replays `packet` at ts_ns if that
 * is newer than the last packet its socket delivered (and so also recovers a passed
 * change its socket lost).
 */
#define XVRRP_BFD_PORT 3784
#define XVRRP_BFD_PACKET_LEN 24	      /* mandatory section, no authentication */
#define XVRRP_BFD_RECORD_LEN (8 + 24) /* UDP header + packet */

struct xvrrp_bfd_key {
	__u32 discriminator; /* our bfd.LocalDiscr: the packet's Your Discriminator */
};
XVRRP_STRUCT_SIZE(struct xvrrp_bfd_key, 4);

struct xvrrp_bfd_seen {
	__u64 ts_ns;	    /* XDP timestamp of the newest packet folded or recorded */
	__u64 folded;	    /* repeats dropped */
	__be32 neighbor[4]; /* bfd_instance neighbor_ip; IPv4 uses neighbor[0], rest zero */
	__u8 family;	    /* XVRRP_AF_* of neighbor */
	__u8 min_ttl;	    /* least TTL/hop limit folded (GTSM: ttl - max_hops, or 0) */
	__u8 valid;	    /* packet holds a recorded packet */
	__u8 pad[5];	    /* must be zero */
	__u8 packet[XVRRP_BFD_RECORD_LEN]; /* UDP header and control packet, as received */
};
XVRRP_STRUCT_SIZE(struct xvrrp_bfd_seen, 72);

#endif /* XVRRP_ABI_H */
