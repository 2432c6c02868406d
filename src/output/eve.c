/* eve.c: the EVE file, the per-worker writers, and the record API every record type uses:
 * the common headers of packet and flow records, and the commit of a finished line. The records
 * themselves are in eve_flow.c (flow, netflow), eve_anomaly.c and eve_stats.c.
 *
 * Each worker formats a record into its JsonBuf, then copies the finished line into its output
 * buffer; a full buffer is written to the shared file in one write(2) under the file's lock, so
 * lines from different workers never interleave and the lock is taken once per ~64 KiB. */
#include "output/eve.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/proto.h"
#include "decode/decode.h"
#include "output/eve_int.h"

#define EVE_OUTBUF 65536

struct EveFile {
    int fd;
    bool seekable;         /* a regular file: a failed write can be cut back to a whole line */
    bool line_open;        /* a pipe took part of a line before failing: start the next with \n */
    bool dead;             /* stop requested while the reader stalled: nothing more is tried */
    char *path;            /* for SIGHUP's reopen */
    const EveSignals *sig; /* may be NULL */
    sig_atomic_t reopen_seen;
    pthread_mutex_t lock;
    _Atomic uint64_t records;
    _Atomic uint64_t lost;
    uint64_t errors; /* failed writes (under lock) */
    int last_errno;
};

/* Opens path for appending. A FIFO, a pipe or a socket is written without blocking (poll with a
 * timeout between tries), so a reader that stalls cannot hold a worker past a stop request. */
static bool
sig_stop(const EveSignals *sig)
{
    return sig != NULL && sig->stop != NULL && *sig->stop;
}

static int
file_open_fd(const char *path, const EveSignals *sig, bool *seekable, int *err)
{
    int fd;
    do {
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    } while (fd < 0 && errno == EINTR && !sig_stop(sig));
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    struct stat st;
    *seekable = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (!*seekable) {
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0) {
            (void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
        }
    }
    return fd;
}

EveFile *
eve_file_open(const char *path, const EveSignals *sig)
{
    EveFile *ef = calloc(1, sizeof(*ef));
    int err = 0;
    if (ef == NULL || (ef->path = strdup(path)) == NULL) {
        log_error("eve: out of memory");
        free(ef);
        return NULL;
    }
    ef->sig = sig;
    if (sig != NULL && sig->reopen != NULL) {
        ef->reopen_seen = *sig->reopen;
    }
    /* open() of a FIFO waits for a reader; a stop signal interrupts it (no SA_RESTART). */
    ef->fd = file_open_fd(path, sig, &ef->seekable, &err);
    if (ef->fd < 0) {
        if (err == EINTR) {
            log_error("eve: interrupted while opening %s (a FIFO with no reader?)", path);
        } else {
            log_error("eve: cannot open %s: %s (check -l / default-log-dir)", path, strerror(err));
        }
        free(ef->path);
        free(ef);
        return NULL;
    }
    pthread_mutex_init(&ef->lock, NULL);
    return ef;
}

void
eve_file_close(EveFile *ef)
{
    if (ef == NULL) {
        return;
    }
    if (ef->fd >= 0) {
        close(ef->fd);
    }
    pthread_mutex_destroy(&ef->lock);
    free(ef->path);
    free(ef);
}

uint64_t
eve_file_records(const EveFile *ef)
{
    return ef != NULL ? ef->records : 0;
}

uint64_t
eve_file_lost(const EveFile *ef)
{
    return ef != NULL ? ef->lost : 0;
}

bool
eve_file_failed(const EveFile *ef)
{
    return ef != NULL && (ef->lost > 0 || ef->errors > 0);
}

/* SIGHUP (logrotate): the file is closed and opened again by name, so a rotated eve.json is let
 * go and a new one is started, as Suricata does. Called under the lock, between whole lines. */
static void
file_reopen_check(EveFile *ef)
{
    if (ef->sig == NULL || ef->sig->reopen == NULL || *ef->sig->reopen == ef->reopen_seen) {
        return;
    }
    ef->reopen_seen = *ef->sig->reopen;
    bool seekable = false;
    int err = 0;
    int fd = file_open_fd(ef->path, ef->sig, &seekable, &err);
    if (fd < 0) {
        log_error("eve: SIGHUP: cannot reopen %s: %s; still writing to the old file", ef->path,
                  strerror(err));
        return;
    }
    close(ef->fd);
    ef->fd = fd;
    ef->seekable = seekable;
    ef->line_open = false;
    log_notice("eve: SIGHUP: reopened %s", ef->path);
}

/* Waits until a non-blocking fd takes bytes again. False: give up (stop requested and the
 * reader made no room for a second, or poll failed). */
static bool
file_wait_writable(EveFile *ef)
{
    unsigned stalled_ms = 0;
    for (;;) {
        struct pollfd pfd = {.fd = ef->fd, .events = POLLOUT};
        int r = poll(&pfd, 1, 100);
        if (r > 0) {
            return true; /* writable, or POLLERR/POLLHUP: write() says which */
        }
        if (r < 0 && errno != EINTR) {
            return false;
        }
        if (sig_stop(ef->sig)) {
            stalled_ms += 100;
            if (stalled_ms >= 1000) {
                errno = ETIMEDOUT;
                return false;
            }
        }
    }
}

static size_t
count_lines(const char *buf, size_t len)
{
    size_t n = 0;
    for (const char *p = buf, *end = buf + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL;
         p++) {
        n++;
    }
    return n;
}

/* Writes whole lines (buf holds nlines records, each ending in \n). On a write error the file
 * is left ending in a whole line: a regular file is cut back to the last newline written; a
 * pipe, which cannot take bytes back, gets the line finished by a newline at the next write.
 * Records not written are counted lost and the run ends with a non-zero exit code. Returns the
 * number of records written. */
static uint64_t
file_write(EveFile *ef, const char *buf, size_t len, uint64_t nlines)
{
    const char *const start = buf;
    off_t base = -1;
    bool ok = true;

    pthread_mutex_lock(&ef->lock);
    file_reopen_check(ef);
    if (ef->dead) {
        ef->lost += nlines;
        pthread_mutex_unlock(&ef->lock);
        return 0;
    }
    if (ef->seekable) {
        base = lseek(ef->fd, 0, SEEK_END); /* O_APPEND writes land here (one writer: us) */
    }
    if (ef->line_open) {
        ssize_t n = write(ef->fd, "\n", 1);
        if (n == 1) {
            ef->line_open = false;
        }
    }
    while (len > 0) {
        ssize_t n = write(ef->fd, buf, len);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue; /* the fd is non-blocking unless it is a regular file: no stall here */
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (file_wait_writable(ef)) {
                continue;
            }
            if (errno == ETIMEDOUT) {
                ef->dead = true; /* stopping, and the reader is gone quiet: stop trying */
            }
        } else if (n == 0) {
            errno = EIO;
        }
        ok = false;
        break;
    }
    size_t done = (size_t)(buf - start);
    uint64_t written = nlines;
    if (!ok) {
        int e = errno;
        written = count_lines(start, done);
        size_t whole = 0; /* bytes up to and including the last newline written */
        for (size_t i = done; i > 0; i--) {
            if (start[i - 1] == '\n') {
                whole = i;
                break;
            }
        }
        if (whole < done) {
            if (base >= 0 && ftruncate(ef->fd, base + (off_t)whole) == 0) {
                /* the partial line is gone */
            } else {
                ef->line_open = true;
            }
        }
        ef->lost += nlines - written;
        if (ef->errors++ == 0 || e != ef->last_errno) {
            log_error("eve: write to %s failed: %s; records are being lost (counted at exit)",
                      ef->path, e == ETIMEDOUT ? "the reader stopped reading" : strerror(e));
        }
        ef->last_errno = e;
    }
    ef->records += written;
    pthread_mutex_unlock(&ef->lock);
    return written;
}

EveWriter *
eve_writer_new(EveFile *ef, const EveConfig *cfg)
{
    EveWriter *ew = calloc(1, sizeof(*ew));
    if (ew == NULL || !json_init(&ew->jb, 4096) || (ew->out = malloc(EVE_OUTBUF)) == NULL) {
        log_error("eve: out of memory");
        eve_writer_free(ew);
        return NULL;
    }
    ew->ef = ef;
    ew->cfg = *cfg;
    ew->event_name[PKT_EVENT_SRC_DECODE] = decode_event_name;
    return ew;
}

void
eve_writer_set_event_names(EveWriter *ew, PktEventSrc src, EveEventNameFn fn)
{
    if ((unsigned)src < PKT_EVENT_SRC_MAX) {
        ew->event_name[src] = fn;
    }
}

void
eve_writer_flush(EveWriter *ew)
{
    if (ew->out_len > 0 && ew->ef != NULL) {
        file_write(ew->ef, ew->out, ew->out_len, ew->records);
    }
    ew->records = 0;
    ew->out_len = 0;
}

void
eve_writer_free(EveWriter *ew)
{
    if (ew == NULL) {
        return;
    }
    if (ew->out != NULL) {
        eve_writer_flush(ew);
    }
    json_fini(&ew->jb);
    free(ew->out);
    free(ew);
}

/* --- event types (eve_types.def) --- */

static const char *const type_names[EVE_TYPE_MAX] = {
#define EVE_TYPE(id, name) [id] = name,
#define EVE_OPTION(type, id, key, dflt)
#include "output/eve_types.def"
#undef EVE_OPTION
#undef EVE_TYPE
};

const EveOptionDesc eve_options[EVE_OPTION_MAX] = {
#define EVE_TYPE(id, name)
#define EVE_OPTION(type, id, key, dflt) [id] = {type, key, dflt},
#include "output/eve_types.def"
#undef EVE_OPTION
#undef EVE_TYPE
};

_Static_assert(EVE_OPTION_MAX <= 32, "EveTypeConfig.opts holds one bit per option");

const char *
eve_type_name(EveType t)
{
    return (unsigned)t < EVE_TYPE_MAX ? type_names[t] : NULL;
}

int
eve_type_lookup(const char *name)
{
    for (int t = 0; t < EVE_TYPE_MAX; t++) {
        if (strcmp(type_names[t], name) == 0) {
            return t;
        }
    }
    return -1;
}

void
eve_config_types_default(EveConfig *ec)
{
    memset(ec->types, 0, sizeof(ec->types));
    for (unsigned o = 0; o < EVE_OPTION_MAX; o++) {
        if (eve_options[o].dflt) {
            ec->types[eve_options[o].type].opts |= 1u << o;
        }
    }
}

/* --- field formatting --- */

/* Suricata's names for IP protocol numbers (the IANA keywords, with its own spellings: 4 is
 * "IP-in-IP", 89 "OSPF", the "any ..." rows "Any"), read from the proto of anomaly records it
 * wrote for every number (tests/eve/proto_names.py checks ours the same way). From 144 on it
 * writes the number. */
/* clang-format off */
static const char *const proto_names[] = {
    /*   0 */ "HOPOPT", "ICMP", "IGMP", "GGP", "IP-in-IP", "ST",
    /*   6 */ "TCP", "CBT", "EGP", "IGP", "BBN-RCC-MON", "NVP-II",
    /*  12 */ "PUP", "ARGUS", "EMCON", "XNET", "CHAOS", "UDP",
    /*  18 */ "MUX", "DCN-MEAS", "HMP", "PRM", "XNS-IDP", "TRUNK-1",
    /*  24 */ "TRUNK-2", "LEAF-1", "LEAF-2", "RDP", "IRTP", "ISO-TP4",
    /*  30 */ "NETBLT", "MFE-NSP", "MERIT-INP", "DCCP", "3PC", "IDPR",
    /*  36 */ "XTP", "DDP", "IDPR-CMTP", "TP++", "IL", "IPv6",
    /*  42 */ "SDRP", "IPv6-Route", "IPv6-Frag", "IDRP", "RSVP", "GRE",
    /*  48 */ "DSR", "BNA", "ESP", "AH", "I-NLSP", "SwIPe",
    /*  54 */ "NARP", "MOBILE", "TLSP", "SKIP", "IPv6-ICMP", "IPv6-NoNxt",
    /*  60 */ "IPv6-Opts", "Any", "CFTP", "Any", "SAT-EXPAK", "KRYPTOLAN",
    /*  66 */ "RVD", "IPPC", "Any", "SAT-MON", "VISA", "IPCU",
    /*  72 */ "CPNX", "CPHB", "WSN", "PVP", "BR-SAT-MON", "SUN-ND",
    /*  78 */ "WB-MON", "WB-EXPAK", "ISO-IP", "VMTP", "SECURE-VMTP", "VINES",
    /*  84 */ "TTP", "NSFNET-IGP", "DGP", "TCF", "EIGRP", "OSPF",
    /*  90 */ "Sprite-RPC", "LARP", "MTP", "AX.25", "OS", "MICP",
    /*  96 */ "SCC-SP", "ETHERIP", "ENCAP", "Any", "GMTP", "IFMP",
    /* 102 */ "PNNI", "PIM", "ARIS", "SCPS", "QNX", "A/N",
    /* 108 */ "IPComp", "SNP", "Compaq-Peer", "IPX-in-IP", "VRRP", "PGM",
    /* 114 */ "Any", "L2TP", "DDX", "IATP", "STP", "SRP",
    /* 120 */ "UTI", "SMP", "SM", "PTP", "IS-IS", "FIRE",
    /* 126 */ "CRTP", "CRUDP", "SSCOPMCE", "IPLT", "SPS", "PIPE",
    /* 132 */ "SCTP", "FC", "RSVP-E2E-IGNORE", "Mobility", "UDPLite", "MPLS-in-IP",
    /* 138 */ "manet", "HIP", "Shim6", "WESP", "ROHC", "Ethernet",
};
/* clang-format on */

const char *
eve_proto_name(uint8_t proto)
{
    return proto < sizeof(proto_names) / sizeof(proto_names[0]) ? proto_names[proto] : NULL;
}

size_t
eve_format_addr(const SkAddr *a, uint8_t ip_ver, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    if (ip_ver == 4) {
        char *o = buf;
        for (int i = 0; i < 4; i++) {
            unsigned v = a->b[i];
            if (i > 0) {
                *o++ = '.';
            }
            if (v >= 100) {
                *o++ = (char)('0' + v / 100);
            }
            if (v >= 10) {
                *o++ = (char)('0' + v / 10 % 10);
            }
            *o++ = (char)('0' + v % 10);
        }
        *o = '\0';
        return (size_t)(o - buf);
    }
    /* Suricata writes IPv6 fully expanded: 2001:0db8:0000:...; kept so SIEM queries match. */
    char *o = buf;
    for (int i = 0; i < 16; i += 2) {
        if (i > 0) {
            *o++ = ':';
        }
        *o++ = hex[a->b[i] >> 4];
        *o++ = hex[a->b[i] & 15];
        *o++ = hex[a->b[i + 1] >> 4];
        *o++ = hex[a->b[i + 1] & 15];
    }
    *o = '\0';
    return (size_t)(o - buf);
}

static void
put_addr(JsonBuf *jb, const char *key, const SkAddr *a, uint8_t ip_ver)
{
    char buf[48];
    size_t n = eve_format_addr(a, ip_ver, buf);
    json_str_plain(jb, key, buf, n);
}

void
eve_put_time(JsonBuf *jb, const char *key, SkTime t)
{
    char ts[SK_TIME_EVE_LEN + 1];
    size_t n = time_format_eve(t, ts);
    json_str_plain(jb, key, ts, n);
}

static void
put_proto(JsonBuf *jb, uint8_t proto)
{
    const char *name = eve_proto_name(proto);
    if (name != NULL) {
        json_str(jb, "proto", name);
    } else {
        char num[4];
        snprintf(num, sizeof(num), "%u", proto);
        json_str(jb, "proto", num);
    }
}

static void
put_vlans(JsonBuf *jb, const uint16_t *ids, unsigned cnt)
{
    if (cnt == 0) {
        return;
    }
    json_open_arr(jb, "vlan");
    for (unsigned i = 0; i < cnt; i++) {
        json_u64(jb, NULL, ids[i]);
    }
    json_close_arr(jb);
}

/* Both ends, each followed by its port when the protocol has ports. */
static void
put_ends(JsonBuf *jb, uint8_t ip_ver, const SkAddr *src, const SkAddr *dst, bool ports, uint16_t sp,
         uint16_t dp)
{
    put_addr(jb, "src_ip", src, ip_ver);
    if (ports) {
        json_u64(jb, "src_port", sp);
    }
    put_addr(jb, "dest_ip", dst, ip_ver);
    if (ports) {
        json_u64(jb, "dest_port", dp);
    }
}

static void
put_community_id(EveWriter *ew, uint8_t ip_ver, const SkAddr *src, const SkAddr *dst, uint8_t proto,
                 uint16_t sp, uint16_t dp, bool icmp)
{
    char cid[32];
    size_t n =
        eve_community_id(ew->cfg.community_id_seed, ip_ver, src, dst, proto, sp, dp, icmp, cid);
    if (n > 0) {
        json_str_plain(&ew->jb, "community_id", cid, n);
    }
}

/* "aa:bb:cc:dd:ee:ff" into out (18 bytes with the NUL). */
static size_t
format_mac(const uint8_t *mac, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 6; i++) {
        out[i * 3] = hex[mac[i] >> 4];
        out[i * 3 + 1] = hex[mac[i] & 15];
        out[i * 3 + 2] = i < 5 ? ':' : '\0';
    }
    return 17;
}

/* --- the record API --- */

JsonBuf *
eve_begin(EveWriter *ew, SkTime ts, const char *event_type)
{
    JsonBuf *jb = &ew->jb;

    json_reset(jb);
    json_open_obj(jb, NULL);
    eve_put_time(jb, "timestamp", ts);
    json_str(jb, "event_type", event_type);
    return jb;
}

void
eve_commit(EveWriter *ew)
{
    JsonBuf *jb = &ew->jb;

    json_close_obj(jb);
    json_end_line(jb);
    if (jb->oom) {
        return;
    }
    if (ew->out_len + jb->len > EVE_OUTBUF) {
        eve_writer_flush(ew);
    }
    if (ew->ef == NULL) {
        return;
    }
    if (jb->len > EVE_OUTBUF) {
        /* A record larger than the buffer goes straight out, whole. */
        file_write(ew->ef, jb->buf, jb->len, 1);
        return;
    }
    memcpy(ew->out + ew->out_len, jb->buf, jb->len);
    ew->out_len += jb->len;
    ew->records++;
}

/* pkt_src: where a packet came from, in Suricata's words. An IP-in-IP packet is named after
 * the outer IP version that carried it; ERSPAN rides in GRE. */
static const char *
packet_src_name(const Packet *p)
{
    if (p->flags & PKT_F_REASSEMBLED) { /* Suricata's PKT_SRC_DEFRAG */
        return "defrag";
    }
    if (p->flags & PKT_F_PSEUDO) { /* Suricata's PKT_SRC_FFR: the flow-end flush */
        return "stream (flow timeout)";
    }
    if (p->parent == NULL) {
        return "wire/pcap";
    }
    switch (p->tunnel_type) {
    case TUNNEL_GRE:
    case TUNNEL_ERSPAN:
        return "gre tunnel";
    case TUNNEL_IPIP:
        return p->parent->ip_ver == 6 ? "ipv6 tunnel" : "ipv4 tunnel";
    case TUNNEL_TEREDO:
        return "teredo tunnel";
    case TUNNEL_VXLAN:
        return "vxlan encapsulation";
    case TUNNEL_GENEVE:
        return "geneve encapsulation";
    default:
        return "wire/pcap";
    }
}

const uint8_t *
eve_packet_ether(const Packet *p)
{
    /* Suricata's VXLAN decoder consumes the inner Ethernet header itself: its inner packet
     * starts at the layer after it and has no Ethernet of its own. */
    if (!(p->flags & PKT_F_ETH) || (p->parent != NULL && p->tunnel_type == TUNNEL_VXLAN)) {
        return NULL;
    }
    return p->data + p->eth_off;
}

void
eve_packet_frame(const Packet *p, const uint8_t **data, uint32_t *len, uint16_t *linktype)
{
    *data = p->data;
    *len = p->len;
    *linktype = p->linktype;
    if (p->parent == NULL) {
        return;
    }
    /* Suricata hands every tunnel's inner packet on as a raw packet (its datalink is RAW, what
     * the layer really is notwithstanding). */
    *linktype = LINKTYPE_RAW;
    if (p->tunnel_type == TUNNEL_VXLAN && (p->flags & PKT_F_ETH) && p->len >= p->eth_off + 14) {
        *data = p->data + p->eth_off + 14;
        *len = p->len - p->eth_off - 14;
    }
}

void
eve_put_tunnel(JsonBuf *jb, const Packet *p)
{
    const Packet *root = p;
    char text[48];

    if (p->parent == NULL) {
        return;
    }
    while (root->parent != NULL) {
        root = root->parent;
    }
    bool ports = (root->flags & PKT_F_HAS_PORTS) != 0;
    json_open_obj(jb, "tunnel");
    if (root->ip_ver != 0) {
        json_str_plain(jb, "src_ip", text, eve_format_addr(&root->src, root->ip_ver, text));
        json_u64(jb, "src_port", ports ? root->sp : 0);
        json_str_plain(jb, "dest_ip", text, eve_format_addr(&root->dst, root->ip_ver, text));
        json_u64(jb, "dest_port", ports ? root->dp : 0);
        put_proto(jb, root->proto);
    }
    json_u64(jb, "depth", p->tunnel_depth);
    if (root->pcap_cnt != 0) {
        json_u64(jb, "pcap_cnt", root->pcap_cnt);
    }
    json_str(jb, "pkt_src", packet_src_name(root));
    json_close_obj(jb);
}

/* metadata.flowbits: the flowbits set on the flow (eve-log metadata: yes), when there are any. */
static void
put_metadata(EveWriter *ew, const Flow *f)
{
    const char *names[64];
    unsigned n;

    if (!ew->cfg.metadata || f == NULL
        || (n = detect_flow_flowbits(f, names, sizeof(names) / sizeof(names[0]))) == 0) {
        return;
    }
    json_open_obj(&ew->jb, "metadata");
    json_open_arr(&ew->jb, "flowbits");
    for (unsigned i = 0; i < n; i++) {
        json_str(&ew->jb, NULL, names[i]);
    }
    json_close_arr(&ew->jb);
    json_close_obj(&ew->jb);
}

/* swap: the record is about the other direction of p's flow (a transaction of the other side
 * whose data p's acknowledgement released): its ends are turned around. */
static JsonBuf *
begin_packet(EveWriter *ew, const Packet *p, const char *event_type, bool swap, int64_t tx_id)
{
    JsonBuf *jb = &ew->jb;

    json_reset(jb);
    json_open_obj(jb, NULL);
    eve_put_time(jb, "timestamp", p->ts);
    if (p->flow != NULL) {
        json_u64(jb, "flow_id", p->flow->flow_id);
    }
    /* A tunnel's inner packet is not a record of the capture: Suricata gives it no pcap_cnt
     * (an alert's "tunnel" object carries the captured packet's); nor does a pseudo packet
     * (flow end), which is none. */
    if (p->parent == NULL && !(p->flags & PKT_F_PSEUDO)) {
        json_u64(jb, "pcap_cnt", p->pcap_cnt);
    }
    json_str(jb, "event_type", event_type);
    put_vlans(jb, p->vlan_id, p->vlan_cnt);
    if (p->ip_ver != 0) {
        put_ends(jb, p->ip_ver, swap ? &p->dst : &p->src, swap ? &p->src : &p->dst,
                 (p->flags & PKT_F_HAS_PORTS) != 0, swap ? p->dp : p->sp, swap ? p->sp : p->dp);
        /* Packet records have proto before ip_v, flow records after: Suricata's order. */
        put_proto(jb, p->proto);
        json_u64(jb, "ip_v", p->ip_ver);
        if (p->flags & PKT_F_HAS_ICMP) {
            json_u64(jb, "icmp_type", p->icmp_type);
            json_u64(jb, "icmp_code", p->icmp_code);
        }
    }
    json_str(jb, "pkt_src", packet_src_name(p));
    if (tx_id >= 0) {
        json_u64(jb, "tx_id", (uint64_t)tx_id);
    }
    put_metadata(ew, p->flow);
    const uint8_t *eth;
    if (ew->cfg.ethernet && (eth = eve_packet_ether(p)) != NULL) {
        char text[18];
        json_open_obj(jb, "ether");
        json_u64(jb, "ether_type", (unsigned)eth[12] << 8 | eth[13]);
        json_str_plain(jb, "src_mac", text, format_mac(eth + 6, text));
        json_str_plain(jb, "dest_mac", text, format_mac(eth, text));
        json_close_obj(jb);
    }
    if (p->ip_ver != 0 && ew->cfg.community_id && (p->flags & (PKT_F_HAS_PORTS | PKT_F_HAS_ICMP))) {
        bool icmp = (p->flags & PKT_F_HAS_ICMP) != 0;
        put_community_id(ew, p->ip_ver, &p->src, &p->dst, p->proto, icmp ? p->icmp_type : p->sp,
                         icmp ? p->icmp_code : p->dp, icmp);
    }
    return jb;
}

JsonBuf *
eve_begin_packet(EveWriter *ew, const Packet *p, const char *event_type)
{
    return begin_packet(ew, p, event_type, false, -1);
}

JsonBuf *
eve_begin_packet_tx(EveWriter *ew, const Packet *p, const char *event_type, int dir, int64_t tx_id)
{
    bool pkt_toserver = p->flow == NULL || p->flow_toserver;
    bool swap = dir >= 0 && (dir == FLOW_DIR_TOSERVER) != pkt_toserver;
    return begin_packet(ew, p, event_type, swap, tx_id);
}

JsonBuf *
eve_begin_packet_dir(EveWriter *ew, const Packet *p, const char *event_type, int dir)
{
    bool pkt_toserver = p->flow == NULL || p->flow_toserver;
    return begin_packet(ew, p, event_type, (dir == FLOW_DIR_TOSERVER) != pkt_toserver, -1);
}

/* A flow's MACs as seen from the record's orientation: src_macs are the addresses of the
 * record's src_ip end; Suricata writes dest_macs first. Sides with none (a flow seen without
 * Ethernet) are left out, and so is the object when both are empty. */
static void
put_flow_ether(JsonBuf *jb, const FlowMacs *m, unsigned src_side)
{
    static const char *const keys[2] = {"dest_macs", "src_macs"};
    char text[18];

    if (m == NULL || (m->cnt[0] == 0 && m->cnt[1] == 0)) {
        return;
    }
    json_open_obj(jb, "ether");
    for (unsigned k = 0; k < 2; k++) {
        unsigned side = k == 1 ? src_side : 1 - src_side;
        if (m->cnt[side] == 0) {
            continue;
        }
        json_open_arr(jb, keys[k]);
        for (unsigned i = 0; i < m->cnt[side]; i++) {
            json_str_plain(jb, NULL, text, format_mac(m->mac[side][i], text));
        }
        json_close_arr(jb);
    }
    json_close_obj(jb);
}

static bool
proto_has_ports(uint8_t proto)
{
    return proto == SK_IPPROTO_TCP || proto == SK_IPPROTO_UDP || proto == SK_IPPROTO_SCTP
           || proto == SK_IPPROTO_UDPLITE;
}

/* A flow's application protocol as EVE names it: the app layer's registry ("unknown",
 * "failed", then protocols.def's names). */
static const char *
app_proto_name(uint16_t alproto)
{
    return applayer_proto_name(alproto);
}

JsonBuf *
eve_begin_flow_dir(EveWriter *ew, const Flow *f, SkTime ts, const char *event_type, int dir,
                   unsigned flags)
{
    JsonBuf *jb = &ew->jb;
    const bool back = dir == FLOW_DIR_TOCLIENT;
    const int other = back ? FLOW_DIR_TOSERVER : FLOW_DIR_TOCLIENT;

    json_reset(jb);
    json_open_obj(jb, NULL);
    eve_put_time(jb, "timestamp", ts);
    json_u64(jb, "flow_id", f->flow_id);
    json_str(jb, "event_type", event_type);
    put_vlans(jb, f->vlan_id, f->vlan_cnt);
    put_ends(jb, f->ip_ver, back ? &f->dst : &f->src, back ? &f->src : &f->dst,
             proto_has_ports(f->proto), back ? f->dp : f->sp, back ? f->sp : f->dp);
    json_u64(jb, "ip_v", f->ip_ver);
    put_proto(jb, f->proto);
    if (f->proto == SK_IPPROTO_ESP) {
        json_u64(jb, "spi", f->spi);
    }
    if (f->icmp_seen & (1u << dir)) {
        json_u64(jb, "icmp_type", f->icmp_type[dir]);
        json_u64(jb, "icmp_code", f->icmp_code[dir]);
    }
    if ((flags & EVE_FLOW_ICMP_RESPONSE) && (f->icmp_seen & (1u << other))) {
        json_u64(jb, "response_icmp_type", f->icmp_type[other]);
        json_u64(jb, "response_icmp_code", f->icmp_code[other]);
    }
    /* Suricata's flow records name the protocol once detection has run ("failed" when it gave
     * up); its netflow records say "unknown" before that. */
    if (f->alproto != FLOW_ALPROTO_UNKNOWN || (flags & EVE_FLOW_APP_PROTO_ALL)) {
        const char *name = app_proto_name(f->alproto);
        if (name != NULL) {
            json_str_plain(jb, "app_proto", name, strlen(name));
        }
    }
    return jb;
}

void
eve_put_flow_common(EveWriter *ew, const Flow *f, int dir)
{
    put_metadata(ew, f);
    if (ew->cfg.ethernet) {
        put_flow_ether(&ew->jb, f->macs, dir == FLOW_DIR_TOCLIENT ? FLOW_MACS_DST : FLOW_MACS_SRC);
    }
    if (ew->cfg.community_id) {
        /* Symmetric: the same for both directions, from the first packet's ICMP type. */
        bool icmp = f->proto == SK_IPPROTO_ICMP || f->proto == SK_IPPROTO_ICMPV6;
        put_community_id(ew, f->ip_ver, &f->src, &f->dst, f->proto,
                         icmp ? f->icmp_type[FLOW_DIR_TOSERVER] : f->sp,
                         icmp ? f->icmp_code[FLOW_DIR_TOSERVER] : f->dp, icmp);
    }
}

JsonBuf *
eve_begin_flow(EveWriter *ew, const Flow *f, SkTime ts, const char *event_type)
{
    return eve_begin_flow_dir(ew, f, ts, event_type, FLOW_DIR_TOSERVER, EVE_FLOW_ICMP_RESPONSE);
}
