// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xvrrp_xdp: validates and timestamps VRRP adverts (IP protocol 112) at XDP.
 *
 * Applies the receive rules of include/xvrrp/abi.h ("Receive rules"), in
 * their order; userspace/core/packet.cpp (xvrrp::packet::validate_frame)
 * implements the same list and tests/bpf runs both over one case table.
 * Only frames of a configured {ifindex, VRID, family} are judged: those are
 * counted in xvrrp_counters and dropped (accepted ones reach the daemon
 * through the xvrrp_events ring buffer; nothing in the kernel listens on
 * protocol 112). Everything else, other routers' VRRP included, passes
 * untouched, except the ARP and neighbour solicitations of the fence
 * (abi.h, "Neighbour fence") once a dead daemon's peer holds its VIPs, and
 * the repeats of the daemon's BFD sessions' control packets (abi.h, xvrrp_bfd).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xvrrp/abi.h"

char LICENSE[] SEC("license") = "GPL";

#define IP_MF_ 0x2000
#define IP_OFFMASK_ 0x1fff
#define VRRP_HDR_LEN 8
#define VRRP_V2_AUTH_LEN 8

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVRRP_MAX_INSTANCES);
	__type(key, struct xvrrp_vrid_key);
	__type(value, struct xvrrp_vrid_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XVRRP_MAP_VRID_CONFIG SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVRRP_MAX_PEERS);
	__type(key, struct xvrrp_peer_key);
	__type(value, struct xvrrp_peer_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XVRRP_MAP_PEERS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XVRRP_EVENTS_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XVRRP_MAP_EVENTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, XVRRP_COUNTER_ENTRIES);
	__type(key, struct xvrrp_vrid_key);
	__type(value, struct xvrrp_counters);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XVRRP_MAP_COUNTERS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XVRRP_MAX_JITTER_PEERS);
	__type(key, struct xvrrp_peer_key);
	__type(value, struct xvrrp_jitter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XVRRP_MAP_JITTER SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVRRP_MAX_INSTANCES);
	__type(key, struct xvrrp_vrid_key);
	__type(value, struct xvrrp_last_seen);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XVRRP_MAP_LAST_SEEN SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xvrrp_meta);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XVRRP_MAP_META SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVRRP_MAX_VIPS);
	__type(key, struct xvrrp_vip_key);
	__type(value, struct xvrrp_vip_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XVRRP_MAP_VIPS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xvrrp_alive);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XVRRP_MAP_ALIVE SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVRRP_MAX_BFD_SESSIONS);
	__type(key, struct xvrrp_bfd_key);
	__type(value, struct xvrrp_bfd_seen);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} XVRRP_MAP_BFD SEC(".maps");

/* Per-CPU copy of the VRRP message: lets the checksum/hash loop index a map
 * value with a bounded index instead of a variable-offset packet pointer.
 * The message follows a record header, so that an XVRRP_EVT_PAYLOAD record
 * (event, payload header, payload) leaves with one bpf_ringbuf_output().
 * Not pinned: private to each loaded program.
 */
struct scratch {
	struct xvrrp_advert_event ev;
	struct xvrrp_payload_hdr ph;
	__u32 words[XVRRP_MAX_VRRP_LEN / 4];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} xvrrp_scratch SEC(".maps");

/* What the L2/L3 parse found out about a frame carrying protocol 112. */
struct frame {
	__u64 ts_ns;
	__u32 ifindex;
	__u32 msg_off; /* offset of the VRRP message from data */
	__u32 ip_len;  /* IP total length (IPv4 tot_len, IPv6 40 + payload_len) */
	__u32 hdr_len; /* IP header length */
	__u32 present; /* bytes of the frame from the IP header on */
	__u8 family;   /* XVRRP_AF_* */
	__u8 ttl;
	__u8 vrid;
	__u8 mf; /* IPv4 more-fragments bit */
	__be32 src[4];
	__be32 dst[4];
};

static const struct xvrrp_counters zero_counters;

/* This CPU's counters of `key`, created on first use; NULL only when the
 * map is full and the LRU has nothing to give. */
static __always_inline struct xvrrp_counters *counters_of(const struct xvrrp_vrid_key *key)
{
	struct xvrrp_counters *c;

	c = bpf_map_lookup_elem(&XVRRP_MAP_COUNTERS, key);
	if (c)
		return c;
	bpf_map_update_elem(&XVRRP_MAP_COUNTERS, key, &zero_counters, BPF_NOEXIST);
	return bpf_map_lookup_elem(&XVRRP_MAP_COUNTERS, key);
}

static __always_inline int reject(struct xvrrp_counters *c, __u32 reason)
{
	if (c && reason < XVRRP_REJECT_MAX)
		c->rejected[reason]++;
	return XDP_DROP;
}

/* Rules c-d: counted in the {ifindex, XVRRP_VRID_NOT_OURS, family} entry. */
static __always_inline int pass_not_ours(__u32 ifindex, __u8 family, __u32 reason)
{
	struct xvrrp_vrid_key key = {
		.ifindex = ifindex,
		.vrid = XVRRP_VRID_NOT_OURS,
		.family = family,
	};
	struct xvrrp_counters *c = counters_of(&key);

	if (c)
		c->rejected[reason]++;
	return XDP_PASS;
}

#define PARSE_NOT_VRRP (-1)
#define PARSE_UNATTRIBUTABLE 1
#define PARSE_NEIGH 2 /* rule n's frame shape: f->family and f->dst (the target) set */
#define PARSE_BFD 3   /* UDP to port 3784: f->family, ttl, src and msg_off (the UDP header) */
#define IPPROTO_UDP_ 17

/* linux/if_arp.h and linux/icmpv6.h pull in libc headers. */
#define ARPHRD_ETHER_ 1
#define ARPOP_REQUEST_ 1
#define IPPROTO_ICMPV6_ 58
#define ND_NEIGHBOR_SOLICIT_ 135

/* The ARP body of Ethernet/IPv4 (RFC 826), as far as rule n reads it. */
struct arp_eth_ipv4 {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[ETH_ALEN];
	__be32 spa;
	__u8 tha[ETH_ALEN];
	__be32 tpa;
} __attribute__((packed));

/* Rule n, ARP: a request for an IPv4 target. */
static __always_inline int parse_arp(void *l3, void *data_end, struct frame *f)
{
	struct arp_eth_ipv4 *arp = l3;

	if ((void *)(arp + 1) > data_end)
		return PARSE_NOT_VRRP;
	if (arp->htype != bpf_htons(ARPHRD_ETHER_) || arp->ptype != bpf_htons(ETH_P_IP) ||
	    arp->hlen != ETH_ALEN || arp->plen != 4 || arp->op != bpf_htons(ARPOP_REQUEST_))
		return PARSE_NOT_VRRP;
	f->family = XVRRP_AF_INET;
	f->dst[0] = arp->tpa;
	return PARSE_NEIGH;
}

/* Rule n, IPv6: a neighbour solicitation (RFC 4861 §4.3: type, code,
 * checksum, reserved, target). ip6h's 40 bytes are already checked. */
static __always_inline int parse_ns(struct ipv6hdr *ip6h, void *data_end, struct frame *f)
{
	__u8 *icmp = (__u8 *)(ip6h + 1);

	if ((void *)(icmp + 24) > data_end)
		return PARSE_NOT_VRRP;
	if (icmp[0] != ND_NEIGHBOR_SOLICIT_ || icmp[1] != 0)
		return PARSE_NOT_VRRP;
	f->family = XVRRP_AF_INET6;
	__builtin_memcpy(f->dst, icmp + 8, 16);
	return PARSE_NEIGH;
}

/* Fold candidate rules 1-2 (abi.h, xvrrp_bfd): UDP to port 3784 whose
 * length is one unauthenticated control packet. `udp` is the UDP header. */
static __always_inline int parse_bfd(struct ethhdr *eth, __u8 *udp, void *data_end, struct frame *f)
{
	if ((void *)(udp + XVRRP_BFD_RECORD_LEN) > data_end)
		return PARSE_NOT_VRRP;
	if (udp[2] != (XVRRP_BFD_PORT >> 8) || udp[3] != (XVRRP_BFD_PORT & 0xff) || udp[4] != 0 ||
	    udp[5] != XVRRP_BFD_RECORD_LEN)
		return PARSE_NOT_VRRP;
	f->msg_off = (__u32)(udp - (__u8 *)eth);
	return PARSE_BFD;
}

/*
 * Rules a-c (abi.h "Receive rules"). Returns 0 when *f holds an attributable
 * frame of protocol 112 (its VRID read), PARSE_NOT_VRRP when rules a-b fail
 * and PARSE_UNATTRIBUTABLE (f->family set) when rule c does.
 */
static __always_inline int parse_frame(struct xdp_md *ctx, struct frame *f)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u8 *msg;

	if ((void *)(eth + 1) > data_end)
		return PARSE_NOT_VRRP;
	/* VLAN-tagged frames belong to the VLAN's own interface. */
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);
		__u32 hdr_len;

		/* The protocol byte (offset 9) decides whether this is VRRP. */
		if ((void *)iph + 10 > data_end)
			return PARSE_NOT_VRRP;
		if (iph->protocol != XVRRP_IPPROTO) {
			if (iph->protocol != IPPROTO_UDP_ || (void *)(iph + 1) > data_end ||
			    iph->ihl < 5 || (iph->frag_off & bpf_htons(IP_MF_ | IP_OFFMASK_)))
				return PARSE_NOT_VRRP;
			f->family = XVRRP_AF_INET;
			f->ttl = iph->ttl;
			f->src[0] = iph->saddr;
			return parse_bfd(eth, (__u8 *)iph + iph->ihl * 4, data_end, f);
		}
		f->family = XVRRP_AF_INET;
		if ((void *)(iph + 1) > data_end || iph->ihl < 5)
			return PARSE_UNATTRIBUTABLE;
		/* Non-first fragments carry no VRRP header. */
		if (iph->frag_off & bpf_htons(IP_OFFMASK_))
			return PARSE_UNATTRIBUTABLE;
		hdr_len = iph->ihl * 4;
		msg = (__u8 *)iph + hdr_len;
		if ((void *)(msg + 2) > data_end)
			return PARSE_UNATTRIBUTABLE;
		f->hdr_len = hdr_len;
		f->ip_len = bpf_ntohs(iph->tot_len);
		if (f->ip_len < hdr_len + 2)
			return PARSE_UNATTRIBUTABLE;
		f->mf = !!(iph->frag_off & bpf_htons(IP_MF_));
		f->ttl = iph->ttl;
		f->src[0] = iph->saddr;
		f->dst[0] = iph->daddr;
		f->msg_off = sizeof(*eth) + hdr_len;
		f->present = (__u32)(data_end - (void *)iph);
		f->vrid = msg[1];
		return 0;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = (void *)(eth + 1);

		/* Next header is at offset 6. Extension headers are not
		 * followed: VRRP (RFC 5798 §5.1.2) sends none. */
		if ((void *)ip6h + 7 > data_end)
			return PARSE_NOT_VRRP;
		if (ip6h->nexthdr != XVRRP_IPPROTO) {
			if ((void *)(ip6h + 1) > data_end)
				return PARSE_NOT_VRRP;
			if (ip6h->nexthdr == IPPROTO_UDP_) {
				f->family = XVRRP_AF_INET6;
				f->ttl = ip6h->hop_limit;
				__builtin_memcpy(f->src, &ip6h->saddr, 16);
				return parse_bfd(eth, (__u8 *)(ip6h + 1), data_end, f);
			}
			if (ip6h->nexthdr != IPPROTO_ICMPV6_)
				return PARSE_NOT_VRRP;
			return parse_ns(ip6h, data_end, f);
		}
		f->family = XVRRP_AF_INET6;
		msg = (__u8 *)(ip6h + 1);
		if ((void *)(msg + 2) > data_end)
			return PARSE_UNATTRIBUTABLE;
		f->hdr_len = sizeof(*ip6h);
		f->ip_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
		if (f->ip_len < sizeof(*ip6h) + 2)
			return PARSE_UNATTRIBUTABLE;
		f->ttl = ip6h->hop_limit;
		__builtin_memcpy(f->src, &ip6h->saddr, 16);
		__builtin_memcpy(f->dst, &ip6h->daddr, 16);
		f->msg_off = sizeof(*eth) + sizeof(*ip6h);
		f->present = (__u32)(data_end - (void *)ip6h);
		f->vrid = msg[1];
		return 0;
	}
	if (eth->h_proto == bpf_htons(ETH_P_ARP))
		return parse_arp(eth + 1, data_end, f);
	return PARSE_NOT_VRRP;
}

/* Rules o-p for the request parse_frame() found (rule n). */
static __always_inline int fence_neigh(const struct frame *f)
{
	struct xvrrp_vip_key vk = {.ifindex = f->ifindex, .family = f->family};
	struct xvrrp_vrid_key key = {};
	struct xvrrp_vip_value *v;
	struct xvrrp_alive *alive;
	struct xvrrp_last_seen *ls;
	__u32 zero = 0;
	__u64 now, stamp, peer_window;

	__builtin_memcpy(vk.addr, f->dst, sizeof(vk.addr));
	v = bpf_map_lookup_elem(&XVRRP_MAP_VIPS, &vk);
	if (!v)
		return XDP_PASS;
	alive = bpf_map_lookup_elem(&XVRRP_MAP_ALIVE, &zero);
	if (!alive)
		return XDP_PASS;
	now = bpf_ktime_get_ns();
	stamp = alive->stamp_ns;
	/* A stamp stored after `now` was read is a live daemon. */
	if (stamp >= now || now - stamp <= v->fence_after_ns)
		return XDP_PASS;
	key.ifindex = f->ifindex;
	key.vrid = v->vrid;
	key.family = v->instance_family;
	ls = bpf_map_lookup_elem(&XVRRP_MAP_LAST_SEEN, &key);
	if (!ls || ls->priority == 0 || ls->ts_ns <= stamp)
		return XDP_PASS;
	/* A record written on another CPU after `now` was read is fresh. */
	peer_window = (__u64)ls->advert_int_cs * 10000000ULL * XVRRP_FENCE_PEER_ADVERTS;
	if (ls->ts_ns < now && now - ls->ts_ns > peer_window)
		return XDP_PASS;
	__sync_fetch_and_add(&v->fenced, 1);
	v->fenced_at_ns = now;
	return XDP_DROP;
}

/* RFC 5798 §5.1.1.2, §5.1.2.2: adverts of a multicast instance go to
 * 224.0.0.18 or ff02::12; f->dst was copied from the bounds-checked header. */
static __always_inline int is_vrrp_group(const struct frame *f)
{
	if (f->family == XVRRP_AF_INET)
		return f->dst[0] == bpf_htonl(0xe0000012);
	return f->dst[0] == bpf_htonl(0xff020000) && f->dst[1] == 0 && f->dst[2] == 0 &&
	       f->dst[3] == bpf_htonl(0x12);
}

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) {
		v >>= 32;
		r += 32;
	}
	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	if (v >> 1) {
		r += 1;
	}
	return r;
}

static const struct xvrrp_jitter empty_jitter;

static __always_inline void record_jitter(const struct xvrrp_peer_key *pk, __u64 now,
					  __u16 advert_int_cs)
{
	struct xvrrp_jitter *j;

	j = bpf_map_lookup_elem(&XVRRP_MAP_JITTER, pk);
	if (!j) {
		/* 288 bytes: inserted from .rodata, not built on the stack. */
		bpf_map_update_elem(&XVRRP_MAP_JITTER, pk, &empty_jitter, BPF_NOEXIST);
		j = bpf_map_lookup_elem(&XVRRP_MAP_JITTER, pk);
		if (j)
			j->last_ns = now;
		return;
	}
	if (now > j->last_ns) {
		__u64 gap_us = (now - j->last_ns) / 1000;
		__u32 b = gap_us ? log2_u64(gap_us) : 0;

		if (b >= XVRRP_JITTER_BUCKETS)
			b = XVRRP_JITTER_BUCKETS - 1;
		__sync_fetch_and_add(&j->bucket[b], 1);
		__sync_fetch_and_add(&j->samples, 1);
		/* A lost race between CPUs loses one maximum, never corrupts one. */
		if (now - j->last_ns > j->max_gap_ns &&
		    now - j->last_ns <=
			    (__u64)advert_int_cs * 10000000ULL * XVRRP_JITTER_MAX_GAP_ADVERTS) {
			j->max_gap_ns = now - j->last_ns;
			j->max_gap_at_ns = now;
		}
	}
	j->last_ns = now;
}

/* Ones' complement sum (unfolded) of the first `len` bytes of the message
 * in scratch; len is a multiple of 4 and at most XVRRP_MAX_VRRP_LEN.
 * bpf_csum_diff sums at most 512 bytes per call. */
static __always_inline __u64 msg_sum(struct scratch *s, __u32 len)
{
	__u32 first = len > 512 ? 512 : len;
	__u32 rest = len > 512 ? len - 512 : 0;
	__s64 part;

	first &= 0x3fc;
	part = bpf_csum_diff(0, 0, s->words, first, 0);
	if (part < 0)
		return 0; /* cannot happen for these sizes; fails the check */
	if (rest) {
		rest &= 0x3fc;
		if (rest > 512)
			rest = 512;
		part = bpf_csum_diff(0, 0, &s->words[128], rest, (__u32)part);
		if (part < 0)
			return 0;
	}
	return (__u32)part;
}

/* XVRRP_ADDR_HASH over `words` 32-bit words after the 8-byte header. */
static __always_inline __u32 addr_hash(struct scratch *s, __u32 words)
{
	__u32 h = XVRRP_ADDR_HASH_SEED;

	for (__u32 i = 0; i < XVRRP_MAX_VRRP_LEN / 4 - VRRP_HDR_LEN / 4; i++) {
		if (i >= words)
			break;
		h ^= s->words[VRRP_HDR_LEN / 4 + i];
		h *= XVRRP_ADDR_HASH_PRIME;
	}
	return h;
}

/* Fold candidate rules 3-4 and the fold itself (abi.h, xvrrp_bfd). Every
 * frame that is not a repeat passes: the daemon's socket judges it. */
static __always_inline int fold_bfd(struct xdp_md *ctx, const struct frame *f)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xvrrp_bfd_key key = {};
	struct xvrrp_bfd_seen *seen;
	__u8 *rec = data + f->msg_off;
	__u8 *bfd;
	__u32 i, diff = 0;

	if (f->msg_off > 128 || (void *)(rec + XVRRP_BFD_RECORD_LEN) > data_end)
		return XDP_PASS;
	bfd = rec + 8;
	/* Version 1; A (0x04), D (0x02), M (0x01), P (0x20), F (0x10) clear. */
	if ((bfd[0] >> 5) != 1 || (bfd[1] & 0x37) != 0 || bfd[2] == 0 ||
	    bfd[3] != XVRRP_BFD_PACKET_LEN)
		return XDP_PASS;
	__builtin_memcpy(&key.discriminator, bfd + 8, 4);
	if (key.discriminator == 0 || (bfd[4] | bfd[5] | bfd[6] | bfd[7]) == 0)
		return XDP_PASS;
	key.discriminator = bpf_ntohl(key.discriminator);
	seen = bpf_map_lookup_elem(&XVRRP_MAP_BFD, &key);
	if (!seen || seen->family != f->family || f->ttl < seen->min_ttl)
		return XDP_PASS;
	if (seen->neighbor[0] != f->src[0] ||
	    (f->family == XVRRP_AF_INET6 &&
	     (seen->neighbor[1] != f->src[1] || seen->neighbor[2] != f->src[2] ||
	      seen->neighbor[3] != f->src[3])))
		return XDP_PASS;
	for (i = 0; i < XVRRP_BFD_RECORD_LEN / 4; i++) {
		__u32 a, b;

		__builtin_memcpy(&a, rec + 4 * i, 4);
		__builtin_memcpy(&b, seen->packet + 4 * i, 4);
		diff |= a ^ b;
	}
	if (seen->valid && diff == 0) {
		seen->ts_ns = bpf_ktime_get_ns();
		__sync_fetch_and_add(&seen->folded, 1);
		return XDP_DROP;
	}
	__builtin_memcpy(seen->packet, rec, XVRRP_BFD_RECORD_LEN);
	seen->valid = 1;
	seen->ts_ns = bpf_ktime_get_ns();
	return XDP_PASS;
}

SEC("xdp")
int xvrrp_xdp(struct xdp_md *ctx)
{
	struct frame f = {};
	struct xvrrp_vrid_key key = {};
	struct xvrrp_vrid_config *cfg;
	struct scratch *s;
	__u32 zero = 0;
	struct xvrrp_counters *c;
	__u32 msg_len, addr_words, csum_len;
	int rc;
	__u32 expected, addr_len, hash, trailer = 0;
	__u8 version, type, vrid, priority, naddrs, csum_flags = 0;
	__u16 advert_int_cs;
	__u64 sum = 0;

	rc = parse_frame(ctx, &f);
	if (rc == PARSE_NOT_VRRP)
		return XDP_PASS;
	if (rc == PARSE_BFD)
		return fold_bfd(ctx, &f);
	f.ifindex = ctx->ingress_ifindex;
	if (rc == PARSE_NEIGH)
		return fence_neigh(&f);
	if (rc == PARSE_UNATTRIBUTABLE)
		return pass_not_ours(f.ifindex, f.family, XVRRP_REJECT_TOO_SHORT);

	key.ifindex = f.ifindex;
	key.vrid = f.vrid;
	key.family = f.family;
	cfg = bpf_map_lookup_elem(&XVRRP_MAP_VRID_CONFIG, &key);
	if (!cfg)
		return pass_not_ours(f.ifindex, f.family, XVRRP_REJECT_UNKNOWN_VRID);

	/* Ours from here on: every failure is dropped and counted. The
	 * timestamp is taken here, before anything that touches the message:
	 * what ran before it is the parse and one lookup (tens of ns, and XDP
	 * is never preempted), and other routers' frames do not pay for it. */
	f.ts_ns = bpf_ktime_get_ns();
	c = counters_of(&key);
	if (f.ip_len > f.present || f.mf)
		return reject(c, XVRRP_REJECT_LENGTH_MISMATCH);
	msg_len = f.ip_len - f.hdr_len;
	if (msg_len < VRRP_HDR_LEN)
		return reject(c, XVRRP_REJECT_TOO_SHORT);
	if (msg_len > XVRRP_MAX_VRRP_LEN)
		return reject(c, XVRRP_REJECT_LENGTH_MISMATCH);

	s = bpf_map_lookup_elem(&xvrrp_scratch, &zero);
	if (!s)
		return XDP_DROP;
	/* Bytes beyond msg_len keep stale data; the loops below stop at
	 * msg_len. The 4-byte tail of a message whose length is not a
	 * multiple of 4 is rejected by the length rule before it is used. */
	if (bpf_xdp_load_bytes(ctx, f.msg_off, s->words, msg_len))
		return reject(c, XVRRP_REJECT_TOO_SHORT);

	version = ((__u8 *)s->words)[0] >> 4;
	type = ((__u8 *)s->words)[0] & 0x0f;
	vrid = f.vrid;
	priority = ((__u8 *)s->words)[2];
	naddrs = ((__u8 *)s->words)[3];

	if (version != cfg->version)
		return reject(c, XVRRP_REJECT_BAD_VERSION);
	if (type != XVRRP_TYPE_ADVERT)
		return reject(c, XVRRP_REJECT_BAD_TYPE);

	addr_len = naddrs * (f.family == XVRRP_AF_INET6 ? 16 : 4);
	expected = VRRP_HDR_LEN + addr_len + (version == 2 ? VRRP_V2_AUTH_LEN : 0);
	if (msg_len != expected) {
		if (!(cfg->flags & XVRRP_CFG_AUTH_HMAC) ||
		    msg_len != expected + XVRRP_HMAC_TRAILER_LEN)
			return reject(c, XVRRP_REJECT_LENGTH_MISMATCH);
		trailer = XVRRP_HMAC_TRAILER_LEN;
	}

	if (cfg->flags & XVRRP_CFG_UNICAST) {
		if (f.ttl < cfg->min_ttl || f.ttl > cfg->max_ttl)
			return reject(c, XVRRP_REJECT_BAD_TTL);
	} else if (f.ttl != XVRRP_TTL) {
		return reject(c, XVRRP_REJECT_BAD_TTL);
	} else if (!is_vrrp_group(&f)) {
		return reject(c, XVRRP_REJECT_BAD_DEST);
	}

	addr_words = addr_len / 4;
	/* A trailer is in the IPv6 checksum only (keepalived's coverage). */
	csum_len = trailer && f.family == XVRRP_AF_INET ? expected : msg_len;
	sum = msg_sum(s, csum_len);

	if (version == 2) {
		if (csum_fold(sum) != 0xffff)
			return reject(c, XVRRP_REJECT_BAD_CHECKSUM);
	} else {
		__u64 pseudo = sum;

		if (f.family == XVRRP_AF_INET) {
			/* RFC 5798 §5.2.8 pseudo-header: src, dst, 0, proto,
			 * VRRP length. RFC 9568 dropped it; accept both. */
			pseudo += f.src[0];
			pseudo += f.dst[0];
			pseudo += bpf_htonl((XVRRP_IPPROTO << 16) | csum_len);
			if (csum_fold(pseudo) == 0xffff)
				csum_flags |= XVRRP_EVT_V3_PSEUDO_CSUM;
			else if (csum_fold(sum) != 0xffff)
				return reject(c, XVRRP_REJECT_BAD_CHECKSUM);
		} else {
			/* RFC 8200 §8.1 pseudo-header, mandatory for IPv6. */
#pragma unroll
			for (int k = 0; k < 4; k++) {
				pseudo += f.src[k];
				pseudo += f.dst[k];
			}
			pseudo += bpf_htonl(msg_len);
			pseudo += bpf_htonl(XVRRP_IPPROTO);
			if (csum_fold(pseudo) != 0xffff)
				return reject(c, XVRRP_REJECT_BAD_CHECKSUM);
			csum_flags |= XVRRP_EVT_V3_PSEUDO_CSUM;
		}
	}

	if (cfg->flags & XVRRP_CFG_CHECK_PEER) {
		struct xvrrp_peer_key pk = {.vrid = key};

		struct xvrrp_peer_value *pv;

		__builtin_memcpy(pk.addr, f.src, sizeof(pk.addr));
		pv = bpf_map_lookup_elem(&XVRRP_MAP_PEERS, &pk);
		if (!pv)
			return reject(c, XVRRP_REJECT_UNKNOWN_PEER);
		if (f.ttl < pv->min_ttl || f.ttl > pv->max_ttl)
			return reject(c, XVRRP_REJECT_BAD_TTL);
	}

	if (version == 2) {
		__u8 auth_type = ((__u8 *)s->words)[4];
		__u8 interval_s = ((__u8 *)s->words)[5];

		if (auth_type != cfg->auth_type)
			return reject(c, XVRRP_REJECT_AUTH_MISMATCH);
		if (auth_type == XVRRP_AUTH_PASS) {
			/* The auth data sits after the address list, at a
			 * variable offset: re-read it from the packet. */
			__u8 pass[XVRRP_AUTH_PASS_LEN];
			__u8 diff = 0;

			if (bpf_xdp_load_bytes(ctx, f.msg_off + VRRP_HDR_LEN + addr_len, pass,
					       sizeof(pass)))
				return reject(c, XVRRP_REJECT_TOO_SHORT);
				/* Constant time: no early exit on the first mismatch. */
#pragma unroll
			for (int k = 0; k < XVRRP_AUTH_PASS_LEN; k++)
				diff |= pass[k] ^ cfg->auth_pass[k];
			if (diff)
				return reject(c, XVRRP_REJECT_AUTH_MISMATCH);
		}
		advert_int_cs = (__u16)interval_s * 100;
		if (advert_int_cs != cfg->advert_int_cs)
			return reject(c, XVRRP_REJECT_INTERVAL_MISMATCH);
	} else {
		advert_int_cs = bpf_ntohs(((__u16 *)s->words)[2]) & 0x0fff;
	}

	if (cfg->flags & XVRRP_CFG_AUTH_HMAC) {
		/* What needs no key: the trailer's fixed fields, and its
		 * presence when required. The MAC is the daemon's. */
		if (trailer) {
			/* ext_type, key id, reserved: the trailer's first word.
			 * expected is a multiple of 4 below XVRRP_MAX_VRRP_LEN; the
			 * mask is for the verifier. */
			__u32 w = s->words[(expected >> 2) & (XVRRP_MAX_VRRP_LEN / 4 - 1)];

			if ((bpf_ntohl(w) & 0xff00ffff) != 0x01000000)
				return reject(c, XVRRP_REJECT_AUTH_MISMATCH);
		} else if (cfg->flags & XVRRP_CFG_HMAC_REQUIRED) {
			return reject(c, XVRRP_REJECT_AUTH_MISMATCH);
		}
	}

	/* Accepted. */
	hash = addr_hash(s, addr_words);
	{
		struct xvrrp_peer_key pk = {.vrid = key};
		struct xvrrp_advert_event *ev;
		struct xvrrp_last_seen *ls = NULL;

		if (c)
			c->accepted++;

		__builtin_memcpy(pk.addr, f.src, sizeof(pk.addr));
		record_jitter(&pk, f.ts_ns, cfg->advert_int_cs);

		if (cfg->flags & XVRRP_CFG_AUTH_HMAC) {
			/* Unverified: reported whole, never folded into
			 * last_seen nor moving its stamp. */
			__u32 size = sizeof(s->ev) + sizeof(s->ph) + msg_len;

			s->ev.ts_ns = f.ts_ns;
			s->ev.ifindex = f.ifindex;
			s->ev.family = f.family;
			s->ev.version = version;
			s->ev.vrid = vrid;
			s->ev.priority = priority;
			__builtin_memcpy(s->ev.src, f.src, sizeof(s->ev.src));
			s->ev.advert_int_cs = advert_int_cs;
			s->ev.naddrs = naddrs;
			s->ev.flags = csum_flags | XVRRP_EVT_PAYLOAD;
			s->ev.addr_hash = hash;
			s->ev.ttl = f.ttl;
			__builtin_memset(s->ev.pad, 0, sizeof(s->ev.pad));
#pragma unroll
			for (int k = 0; k < XVRRP_EVENT_ADDR_WORDS; k++)
				s->ev.addrs[k] =
					(__u32)k < addr_words ? s->words[VRRP_HDR_LEN / 4 + k] : 0;
			s->ph.len = (__u16)msg_len;
			s->ph.msg_len = (__u16)expected;
			__builtin_memset(s->ph.pad, 0, sizeof(s->ph.pad));
			if (size > sizeof(*s))
				return XDP_DROP;
			if (bpf_ringbuf_output(&XVRRP_MAP_EVENTS, s, size, 0))
				return reject(c, XVRRP_REJECT_RINGBUF_FULL);
			return XDP_DROP;
		}

		if (cfg->flags & XVRRP_CFG_SUPPRESS_DUPS) {
			ls = bpf_map_lookup_elem(&XVRRP_MAP_LAST_SEEN, &key);
			if (priority != 0 && ls && ls->priority == priority &&
			    ls->advert_int_cs == advert_int_cs && ls->naddrs == naddrs &&
			    ls->addr_hash == hash && ls->src[0] == f.src[0] &&
			    ls->src[1] == f.src[1] && ls->src[2] == f.src[2] &&
			    ls->src[3] == f.src[3]) {
				ls->ts_ns = f.ts_ns;
				__sync_fetch_and_add(&ls->count, 1);
				if (c)
					c->suppressed++;
				return XDP_DROP;
			}
		}

		/* Reserve before touching last_seen: a change that finds the
		 * ring full must not be folded into last_seen, or every
		 * identical advert after it would be suppressed and the
		 * daemon would never learn of it. */
		ev = bpf_ringbuf_reserve(&XVRRP_MAP_EVENTS, sizeof(*ev), 0);
		if (!ev) {
			/* The same master is still alive, though its change waits
			 * for room: the stamp moves, the content stays, so the
			 * backup's timer is refreshed and the change reported by
			 * the next advert that finds room. */
			if ((cfg->flags & XVRRP_CFG_SUPPRESS_DUPS) && priority != 0 && ls &&
			    ls->src[0] == f.src[0] && ls->src[1] == f.src[1] &&
			    ls->src[2] == f.src[2] && ls->src[3] == f.src[3])
				ls->ts_ns = f.ts_ns;
			return reject(c, XVRRP_REJECT_RINGBUF_FULL);
		}
		ev->ts_ns = f.ts_ns;
		ev->ifindex = f.ifindex;
		ev->family = f.family;
		ev->version = version;
		ev->vrid = vrid;
		ev->priority = priority;
		__builtin_memcpy(ev->src, f.src, sizeof(ev->src));
		ev->advert_int_cs = advert_int_cs;
		ev->naddrs = naddrs;
		ev->flags = csum_flags;
		ev->addr_hash = hash;
		ev->ttl = f.ttl;
		__builtin_memset(ev->pad, 0, sizeof(ev->pad));
#pragma unroll
		for (int k = 0; k < XVRRP_EVENT_ADDR_WORDS; k++)
			ev->addrs[k] = (__u32)k < addr_words ? s->words[VRRP_HDR_LEN / 4 + k] : 0;

		/* Written before the submit, so a daemon that reacts to this
		 * record by forgetting last_seen always runs after it. */
		if (cfg->flags & XVRRP_CFG_SUPPRESS_DUPS) {
			struct xvrrp_last_seen fresh = {
				.ts_ns = f.ts_ns,
				.count = 1,
				.addr_hash = hash,
				.advert_int_cs = advert_int_cs,
				.priority = priority,
				.naddrs = naddrs,
			};

			__builtin_memcpy(fresh.src, f.src, sizeof(fresh.src));
			bpf_map_update_elem(&XVRRP_MAP_LAST_SEEN, &key, &fresh, BPF_ANY);
		}
		bpf_ringbuf_submit(ev, 0);
	}
	return XDP_DROP;
}
