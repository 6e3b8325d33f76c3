// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xvrrp_xdp: validates and timestamps VRRP adverts (IP protocol 112) at XDP.
 *
 * Accepted adverts become an xvrrp_advert_event in the xvrrp_events ring
 * buffer; rejected ones are counted per VRID and reason in xvrrp_counters.
 * Every frame parsed as VRRP is dropped (nothing in the kernel listens on
 * protocol 112; it would answer with ICMP protocol-unreachable). Everything
 * else passes untouched.
 *
 * The validation order is part of the contract: userspace/core/packet.cpp
 * (xvrrp::packet::validate_frame) implements the same list and tests/bpf
 * cross-checks the two on every fixture:
 *   a. Ethernet, up to two VLAN tags, IPv4 (full header incl. options, no
 *      fragments) or IPv6 with next header 112
 *   b. protocol != 112 -> XDP_PASS
 *   c. IP total length within the frame and >= the IP header
 *   d. 8 <= VRRP length <= XVRRP_MAX_VRRP_LEN
 *   e. configured {ifindex, vrid, family}
 *   f. version, type
 *   g. VRRP length == 8 + naddrs * (4|16) + (v2 ? 8 : 0)
 *   h. TTL
 *   i. checksum
 *   j. peer
 *   k. v2 auth type, password, interval
 *   l. accept: jitter, duplicate suppression, ring buffer
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

#define ETH_P_8021Q_ 0x8100
#define ETH_P_8021AD_ 0x88A8
#define IP_MF_ 0x2000
#define IP_OFFMASK_ 0x1fff
#define VRRP_HDR_LEN 8
#define VRRP_V2_AUTH_LEN 8

struct vlan_hdr_ {
	__be16 tci;
	__be16 encap_proto;
};

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
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XVRRP_COUNTER_SLOTS);
	__type(key, __u32);
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

/* Per-CPU copy of the VRRP message: lets the checksum/hash loop index a map
 * value with a bounded index instead of a variable-offset packet pointer.
 * Not pinned: private to each loaded program.
 */
struct scratch {
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
	__u32 l3_off;  /* offset of the IP header from data */
	__u32 msg_off; /* offset of the VRRP message from data */
	__u32 msg_len; /* VRRP message length (IP total length - IP header) */
	__u8 family;   /* XVRRP_AF_* */
	__u8 ttl;
	__u8 vlan;
	__u8 pad;
	__be32 src[4];
	__be32 dst[4];
};

static __always_inline void count_reject(__u32 slot, __u32 reason)
{
	struct xvrrp_counters *c;

	c = bpf_map_lookup_elem(&XVRRP_MAP_COUNTERS, &slot);
	if (c && reason < XVRRP_REJECT_MAX)
		c->rejected[reason]++;
}

static __always_inline int reject(__u32 slot, __u32 reason)
{
	count_reject(slot, reason);
	return XDP_DROP;
}

static __always_inline __u32 family_slot(__u8 family)
{
	return family == XVRRP_AF_INET6 ? 256 : 0;
}

/*
 * Parses Ethernet/VLAN/IP. Returns -1 when the frame is not VRRP (pass),
 * XVRRP_REJECT_* when it is VRRP but malformed before the VRID is known, and
 * XVRRP_REJECT_MAX when *f describes a well-formed IP packet of protocol 112.
 */
static __always_inline int parse_frame(struct xdp_md *ctx, struct frame *f)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 present;
	__u32 off;
	__be16 proto;

	/* Ethertype must be readable before anything else matters. */
	if ((void *)(eth + 1) > data_end)
		return -1;
	proto = eth->h_proto;
	off = sizeof(*eth);

#pragma unroll
	for (int i = 0; i < 2; i++) {
		struct vlan_hdr_ *vh;

		if (proto != bpf_htons(ETH_P_8021Q_) && proto != bpf_htons(ETH_P_8021AD_))
			break;
		vh = data + off;
		if ((void *)(vh + 1) > data_end)
			return -1;
		proto = vh->encap_proto;
		off += sizeof(*vh);
		f->vlan = 1;
	}
	f->l3_off = off;
	present = (__u32)(data_end - data) - off;

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = data + off;
		__u32 hdr_len, tot_len;

		f->family = XVRRP_AF_INET;
		/* The protocol byte (offset 9) decides whether this is ours. */
		if ((void *)iph + 10 > data_end)
			return -1;
		if (iph->protocol != XVRRP_IPPROTO) {
			return -1;
		}
		if ((void *)(iph + 1) > data_end || iph->ihl < 5)
			return XVRRP_REJECT_TOO_SHORT;
		hdr_len = iph->ihl * 4;
		if (hdr_len > present)
			return XVRRP_REJECT_TOO_SHORT;
		if (iph->frag_off & bpf_htons(IP_MF_ | IP_OFFMASK_))
			return XVRRP_REJECT_LENGTH_MISMATCH;
		tot_len = bpf_ntohs(iph->tot_len);
		if (tot_len > present || tot_len < hdr_len)
			return XVRRP_REJECT_LENGTH_MISMATCH;
		f->ttl = iph->ttl;
		f->src[0] = iph->saddr;
		f->dst[0] = iph->daddr;
		f->msg_off = off + hdr_len;
		f->msg_len = tot_len - hdr_len;
		return XVRRP_REJECT_MAX;
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = data + off;
		__u32 tot_len;

		f->family = XVRRP_AF_INET6;
		/* Next header is at offset 6. Extension headers are not
		 * followed: VRRP (RFC 5798 §5.1.2) sends none. */
		if ((void *)ip6h + 7 > data_end)
			return -1;
		if (ip6h->nexthdr != XVRRP_IPPROTO)
			return -1;
		if ((void *)(ip6h + 1) > data_end)
			return XVRRP_REJECT_TOO_SHORT;
		tot_len = sizeof(*ip6h) + bpf_ntohs(ip6h->payload_len);
		if (tot_len > present)
			return XVRRP_REJECT_LENGTH_MISMATCH;
		f->ttl = ip6h->hop_limit;
		__builtin_memcpy(f->src, &ip6h->saddr, 16);
		__builtin_memcpy(f->dst, &ip6h->daddr, 16);
		f->msg_off = off + sizeof(*ip6h);
		f->msg_len = tot_len - sizeof(*ip6h);
		return XVRRP_REJECT_MAX;
	}
	return -1;
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

static __always_inline void record_jitter(const struct xvrrp_peer_key *pk, __u64 now)
{
	struct xvrrp_jitter *j;

	j = bpf_map_lookup_elem(&XVRRP_MAP_JITTER, pk);
	if (!j) {
		/* 272 bytes: inserted from .rodata, not built on the stack. */
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
	}
	j->last_ns = now;
}

/* bpf_loop state for the checksum/hash pass over xvrrp_scratch. */
struct msg_walk {
	__u64 sum;
	__u32 hash;
	__u32 addr_first; /* first word index of the address list */
	__u32 addr_end;	  /* one past its last word index */
	__u32 pad;
};

static long msg_walk_word(__u64 index, void *arg)
{
	struct msg_walk *walk = arg;
	struct scratch *s;
	__u32 zero = 0;
	__u32 i = index;
	__u32 w;

	s = bpf_map_lookup_elem(&xvrrp_scratch, &zero);
	if (!s || i >= XVRRP_MAX_VRRP_LEN / 4)
		return 1;
	w = s->words[i];
	walk->sum += w;
	if (i >= walk->addr_first && i < walk->addr_end) {
		walk->hash ^= w;
		walk->hash *= XVRRP_ADDR_HASH_PRIME;
	}
	return 0;
}

SEC("xdp")
int xvrrp_xdp(struct xdp_md *ctx)
{
	struct frame f = {};
	struct xvrrp_vrid_key key = {};
	struct xvrrp_vrid_config *cfg;
	struct scratch *s;
	__u32 zero = 0;
	__u32 slot, msg_len, nwords, addr_words, addr_first;
	__u32 expected, addr_len, hash;
	__u8 version, type, vrid, priority, naddrs, csum_flags = 0;
	__u16 advert_int_cs;
	__u64 sum = 0;
	int rc;

	f.ts_ns = bpf_ktime_get_ns();
	f.ifindex = ctx->ingress_ifindex;

	rc = parse_frame(ctx, &f);
	if (rc < 0)
		return XDP_PASS;
	slot = family_slot(f.family);
	if (rc != XVRRP_REJECT_MAX)
		return reject(slot, rc);

	msg_len = f.msg_len;
	if (msg_len < VRRP_HDR_LEN)
		return reject(slot, XVRRP_REJECT_TOO_SHORT);
	if (msg_len > XVRRP_MAX_VRRP_LEN)
		return reject(slot, XVRRP_REJECT_LENGTH_MISMATCH);

	s = bpf_map_lookup_elem(&xvrrp_scratch, &zero);
	if (!s)
		return XDP_DROP;
	/* Bytes beyond msg_len keep stale data; the loops below stop at
	 * msg_len. The 4-byte tail of a message whose length is not a
	 * multiple of 4 is rejected by the length rule before it is used. */
	if (bpf_xdp_load_bytes(ctx, f.msg_off, s->words, msg_len))
		return reject(slot, XVRRP_REJECT_TOO_SHORT);

	version = ((__u8 *)s->words)[0] >> 4;
	type = ((__u8 *)s->words)[0] & 0x0f;
	vrid = ((__u8 *)s->words)[1];
	priority = ((__u8 *)s->words)[2];
	naddrs = ((__u8 *)s->words)[3];

	key.ifindex = f.ifindex;
	key.vrid = vrid;
	key.family = f.family;
	slot += vrid;
	cfg = bpf_map_lookup_elem(&XVRRP_MAP_VRID_CONFIG, &key);
	if (!cfg)
		return reject(slot, XVRRP_REJECT_UNKNOWN_VRID);

	if (version != cfg->version)
		return reject(slot, XVRRP_REJECT_BAD_VERSION);
	if (type != XVRRP_TYPE_ADVERT)
		return reject(slot, XVRRP_REJECT_BAD_TYPE);

	addr_len = naddrs * (f.family == XVRRP_AF_INET6 ? 16 : 4);
	expected = VRRP_HDR_LEN + addr_len + (version == 2 ? VRRP_V2_AUTH_LEN : 0);
	if (msg_len != expected)
		return reject(slot, XVRRP_REJECT_LENGTH_MISMATCH);

	if (cfg->flags & XVRRP_CFG_UNICAST) {
		if (f.ttl < cfg->min_ttl || f.ttl > cfg->max_ttl)
			return reject(slot, XVRRP_REJECT_BAD_TTL);
	} else if (f.ttl != XVRRP_TTL) {
		return reject(slot, XVRRP_REJECT_BAD_TTL);
	}

	/* One pass over the message: ones' complement sum of every 32-bit
	 * word and FNV-1a over the address words. bpf_loop keeps the verifier
	 * from walking up to 256 iterations times every path after them. */
	nwords = msg_len / 4;
	addr_first = VRRP_HDR_LEN / 4;
	addr_words = addr_len / 4;
	{
		struct msg_walk walk = {
			.addr_first = addr_first,
			.addr_end = addr_first + addr_words,
			.hash = XVRRP_ADDR_HASH_SEED,
		};

		if (bpf_loop(nwords, msg_walk_word, &walk, 0) < 0)
			return XDP_DROP;
		sum = walk.sum;
		hash = walk.hash;
	}

	if (version == 2) {
		if (csum_fold(sum) != 0xffff)
			return reject(slot, XVRRP_REJECT_BAD_CHECKSUM);
	} else {
		__u64 pseudo = sum;

		if (f.family == XVRRP_AF_INET) {
			/* RFC 5798 §5.2.8 pseudo-header: src, dst, 0, proto,
			 * VRRP length. RFC 9568 dropped it; accept both. */
			pseudo += f.src[0];
			pseudo += f.dst[0];
			pseudo += bpf_htonl((XVRRP_IPPROTO << 16) | msg_len);
			if (csum_fold(pseudo) == 0xffff)
				csum_flags |= XVRRP_EVT_V3_PSEUDO_CSUM;
			else if (csum_fold(sum) != 0xffff)
				return reject(slot, XVRRP_REJECT_BAD_CHECKSUM);
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
				return reject(slot, XVRRP_REJECT_BAD_CHECKSUM);
			csum_flags |= XVRRP_EVT_V3_PSEUDO_CSUM;
		}
	}

	if (cfg->flags & XVRRP_CFG_CHECK_PEER) {
		struct xvrrp_peer_key pk = {.vrid = key};

		__builtin_memcpy(pk.addr, f.src, sizeof(pk.addr));
		if (!bpf_map_lookup_elem(&XVRRP_MAP_PEERS, &pk))
			return reject(slot, XVRRP_REJECT_UNKNOWN_PEER);
	}

	if (version == 2) {
		__u8 auth_type = ((__u8 *)s->words)[4];
		__u8 interval_s = ((__u8 *)s->words)[5];

		if (auth_type != cfg->auth_type)
			return reject(slot, XVRRP_REJECT_AUTH_MISMATCH);
		if (auth_type == XVRRP_AUTH_PASS) {
			/* The auth data sits after the address list, at a
			 * variable offset: re-read it from the packet. */
			__u8 pass[XVRRP_AUTH_PASS_LEN];
			__u8 diff = 0;

			if (bpf_xdp_load_bytes(ctx, f.msg_off + VRRP_HDR_LEN + addr_len, pass,
					       sizeof(pass)))
				return reject(slot, XVRRP_REJECT_TOO_SHORT);
				/* Constant time: no early exit on the first mismatch. */
#pragma unroll
			for (int k = 0; k < XVRRP_AUTH_PASS_LEN; k++)
				diff |= pass[k] ^ cfg->auth_pass[k];
			if (diff)
				return reject(slot, XVRRP_REJECT_AUTH_MISMATCH);
		}
		advert_int_cs = (__u16)interval_s * 100;
		if (advert_int_cs != cfg->advert_int_cs)
			return reject(slot, XVRRP_REJECT_INTERVAL_MISMATCH);
	} else {
		advert_int_cs = bpf_ntohs(((__u16 *)s->words)[2]) & 0x0fff;
	}

	/* Accepted. */
	{
		struct xvrrp_counters *c;
		struct xvrrp_peer_key pk = {.vrid = key};
		struct xvrrp_advert_event *ev;

		c = bpf_map_lookup_elem(&XVRRP_MAP_COUNTERS, &slot);
		if (c)
			c->accepted++;

		__builtin_memcpy(pk.addr, f.src, sizeof(pk.addr));
		record_jitter(&pk, f.ts_ns);

		if (cfg->flags & XVRRP_CFG_SUPPRESS_DUPS) {
			struct xvrrp_last_seen *ls;

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
			{
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
		}

		ev = bpf_ringbuf_reserve(&XVRRP_MAP_EVENTS, sizeof(*ev), 0);
		if (!ev)
			return reject(slot, XVRRP_REJECT_RINGBUF_FULL);
		ev->ts_ns = f.ts_ns;
		ev->ifindex = f.ifindex;
		ev->family = f.family;
		ev->version = version;
		ev->vrid = vrid;
		ev->priority = priority;
		__builtin_memcpy(ev->src, f.src, sizeof(ev->src));
		ev->advert_int_cs = advert_int_cs;
		ev->naddrs = naddrs;
		ev->flags = csum_flags | (f.vlan ? XVRRP_EVT_VLAN : 0);
		ev->addr_hash = hash;
		ev->ttl = f.ttl;
		__builtin_memset(ev->pad, 0, sizeof(ev->pad));
#pragma unroll
		for (int k = 0; k < XVRRP_EVENT_ADDR_WORDS; k++)
			ev->addrs[k] = (__u32)k < addr_words ? s->words[VRRP_HDR_LEN / 4 + k] : 0;
		bpf_ringbuf_submit(ev, 0);
	}
	return XDP_DROP;
}
