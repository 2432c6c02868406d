/* eve.c: EVE flow, anomaly and stats records.
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
#include "decode/decode.h"
#include "core/json.h"

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
    uint64_t errors;       /* failed writes (under lock) */
    int last_errno;
};

struct EveWriter {
    EveFile *ef;
    EveConfig cfg;
    JsonBuf jb;
    char *out;
    size_t out_len;
    uint64_t records;
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
            log_error("eve: cannot open %s: %s (check -l / default-log-dir)", path,
                      strerror(err));
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
    return ew;
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

/* Moves the finished record, plus its newline, into the output buffer. */
static void
record_commit(EveWriter *ew)
{
    JsonBuf *jb = &ew->jb;
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

const char *
eve_proto_name(uint8_t proto)
{
    /* IANA protocol keywords, as Suricata prints them. */
    switch (proto) {
    case 0:
        return "HOPOPT";
    case 1:
        return "ICMP";
    case 2:
        return "IGMP";
    case 4:
        return "IPv4";
    case 6:
        return "TCP";
    case 17:
        return "UDP";
    case 41:
        return "IPv6";
    case 43:
        return "IPv6-Route";
    case 44:
        return "IPv6-Frag";
    case 46:
        return "RSVP";
    case 47:
        return "GRE";
    case 50:
        return "ESP";
    case 51:
        return "AH";
    case 58:
        return "IPv6-ICMP";
    case 59:
        return "IPv6-NoNxt";
    case 60:
        return "IPv6-Opts";
    case 88:
        return "EIGRP";
    case 89:
        return "OSPFIGP";
    case 103:
        return "PIM";
    case 112:
        return "VRRP";
    case 115:
        return "L2TP";
    case 132:
        return "SCTP";
    case 136:
        return "UDPLite";
    default:
        return NULL;
    }
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

static void
put_time(JsonBuf *jb, const char *key, SkTime t)
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

static bool
proto_has_ports(uint8_t proto)
{
    return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

static void
put_flow_community_id(EveWriter *ew, const Flow *f)
{
    char cid[32];
    bool icmp = f->proto == 1 || f->proto == 58;
    uint16_t sp = icmp ? f->icmp_type[FLOW_DIR_TOSERVER] : f->sp;
    uint16_t dp = icmp ? f->icmp_code[FLOW_DIR_TOSERVER] : f->dp;
    size_t n = eve_community_id(ew->cfg.community_id_seed, f->ip_ver, &f->src, &f->dst, f->proto,
                                sp, dp, icmp, cid);
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

/* A flow's MACs, "src" side first as seen from the record's orientation: src_macs are the
 * addresses of the record's src_ip end. Sides with none (a flow seen without Ethernet) are
 * left out, and so is the object when both are empty. */
static void
put_flow_ether(JsonBuf *jb, const FlowMacs *m, unsigned src_side)
{
    static const char *const keys[2] = {"src_macs", "dest_macs"};
    char text[18];

    if (m == NULL || (m->cnt[0] == 0 && m->cnt[1] == 0)) {
        return;
    }
    json_open_obj(jb, "ether");
    for (unsigned k = 0; k < 2; k++) {
        unsigned side = k == 0 ? src_side : 1 - src_side;
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

/* Netflow: one record per direction that carried packets, oriented as that direction. */
static void
log_netflow(EveWriter *ew, const Flow *f)
{
    JsonBuf *jb = &ew->jb;

    for (int dir = FLOW_DIR_TOSERVER; dir <= FLOW_DIR_TOCLIENT; dir++) {
        if (f->pkts[dir] == 0) {
            continue;
        }
        const SkAddr *src = dir == FLOW_DIR_TOSERVER ? &f->src : &f->dst;
        const SkAddr *dst = dir == FLOW_DIR_TOSERVER ? &f->dst : &f->src;
        uint16_t sp = dir == FLOW_DIR_TOSERVER ? f->sp : f->dp;
        uint16_t dp = dir == FLOW_DIR_TOSERVER ? f->dp : f->sp;
        json_reset(jb);
        json_open_obj(jb, NULL);
        put_time(jb, "timestamp", f->dir_start[dir]);
        json_u64(jb, "flow_id", f->flow_id);
        json_str(jb, "event_type", "netflow");
        put_vlans(jb, f->vlan_id, f->vlan_cnt);
        put_addr(jb, "src_ip", src, f->ip_ver);
        if (proto_has_ports(f->proto)) {
            json_u64(jb, "src_port", sp);
        }
        put_addr(jb, "dest_ip", dst, f->ip_ver);
        if (proto_has_ports(f->proto)) {
            json_u64(jb, "dest_port", dp);
        }
        json_u64(jb, "ip_v", f->ip_ver);
        put_proto(jb, f->proto);
        if (f->proto == 50) {
            json_u64(jb, "spi", f->spi);
        }
        if (f->icmp_seen & (1u << dir)) {
            json_u64(jb, "icmp_type", f->icmp_type[dir]);
            json_u64(jb, "icmp_code", f->icmp_code[dir]);
        }
        if (ew->cfg.community_id) {
            put_flow_community_id(ew, f); /* symmetric: the same both ways */
        }
        if (ew->cfg.ethernet) {
            put_flow_ether(jb, f->macs, dir == FLOW_DIR_TOSERVER ? FLOW_MACS_SRC : FLOW_MACS_DST);
        }
        json_open_obj(jb, "netflow");
        json_u64(jb, "pkts", f->pkts[dir]);
        json_u64(jb, "bytes", f->bytes[dir]);
        put_time(jb, "start", f->dir_start[dir]);
        put_time(jb, "end", f->dir_last[dir]);
        json_u64(jb, "age", SK_TIME_SEC(f->dir_last[dir]) - SK_TIME_SEC(f->dir_start[dir]));
        json_u64(jb, "min_ttl", f->ttl_min[dir]);
        json_u64(jb, "max_ttl", f->ttl_max[dir]);
        json_close_obj(jb);
        json_close_obj(jb);
        record_commit(ew);
    }
}

void
eve_log_flow(EveWriter *ew, const Flow *f, SkTime now)
{
    JsonBuf *jb = &ew->jb;

    if (!ew->cfg.enabled) {
        return;
    }
    if (ew->cfg.netflow) {
        log_netflow(ew, f);
    }
    if (!ew->cfg.flow) {
        return;
    }
    json_reset(jb);
    json_open_obj(jb, NULL);
    put_time(jb, "timestamp", now);
    json_u64(jb, "flow_id", f->flow_id);
    json_str(jb, "event_type", "flow");
    put_vlans(jb, f->vlan_id, f->vlan_cnt);
    put_addr(jb, "src_ip", &f->src, f->ip_ver);
    if (proto_has_ports(f->proto)) {
        json_u64(jb, "src_port", f->sp);
    }
    put_addr(jb, "dest_ip", &f->dst, f->ip_ver);
    if (proto_has_ports(f->proto)) {
        json_u64(jb, "dest_port", f->dp);
    }
    json_u64(jb, "ip_v", f->ip_ver);
    put_proto(jb, f->proto);
    if (f->proto == 50) {
        json_u64(jb, "spi", f->spi);
    }
    if (f->icmp_seen & 1) {
        json_u64(jb, "icmp_type", f->icmp_type[FLOW_DIR_TOSERVER]);
        json_u64(jb, "icmp_code", f->icmp_code[FLOW_DIR_TOSERVER]);
    }
    if (f->icmp_seen & 2) {
        json_u64(jb, "response_icmp_type", f->icmp_type[FLOW_DIR_TOCLIENT]);
        json_u64(jb, "response_icmp_code", f->icmp_code[FLOW_DIR_TOCLIENT]);
    }
    if (ew->cfg.community_id) {
        put_flow_community_id(ew, f);
    }
    if (ew->cfg.ethernet) {
        put_flow_ether(jb, f->macs, FLOW_MACS_SRC);
    }
    json_open_obj(jb, "flow");
    json_u64(jb, "pkts_toserver", f->pkts[FLOW_DIR_TOSERVER]);
    json_u64(jb, "pkts_toclient", f->pkts[FLOW_DIR_TOCLIENT]);
    json_u64(jb, "bytes_toserver", f->bytes[FLOW_DIR_TOSERVER]);
    json_u64(jb, "bytes_toclient", f->bytes[FLOW_DIR_TOCLIENT]);
    put_time(jb, "start", f->start);
    put_time(jb, "end", f->last);
    json_u64(jb, "age", SK_TIME_SEC(f->last) - SK_TIME_SEC(f->start));
    json_str(jb, "state", flow_state_name((FlowState)f->state));
    json_str(jb, "reason", flow_end_reason_name((FlowEndReason)f->end_reason));
    json_bool(jb, "alerted", false);
    json_close_obj(jb);
    if (f->proto == 6) {
        static const struct {
            uint8_t bit;
            const char *name;
        } flag_names[] = {
            {0x01, "fin"}, {0x02, "syn"}, {0x04, "rst"}, {0x08, "psh"},
            {0x10, "ack"}, {0x20, "urg"}, {0x40, "ecn"}, {0x80, "cwr"},
        };
        static const char hex[] = "0123456789abcdef";
        uint8_t all = f->tcp_flags[0] | f->tcp_flags[1];
        char h[3] = {hex[all >> 4], hex[all & 15], 0};
        json_open_obj(jb, "tcp");
        json_str(jb, "tcp_flags", h);
        h[0] = hex[f->tcp_flags[0] >> 4];
        h[1] = hex[f->tcp_flags[0] & 15];
        json_str(jb, "tcp_flags_ts", h);
        h[0] = hex[f->tcp_flags[1] >> 4];
        h[1] = hex[f->tcp_flags[1] & 15];
        json_str(jb, "tcp_flags_tc", h);
        for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
            if (all & flag_names[i].bit) {
                json_bool(jb, flag_names[i].name, true);
            }
        }
        json_close_obj(jb);
    }
    json_close_obj(jb);
    record_commit(ew);
}

static const char *
tunnel_pkt_src(uint8_t tunnel_type)
{
    switch (tunnel_type) {
    case TUNNEL_GRE:
        return "gre tunnel";
    case TUNNEL_IPIP:
        return "ip tunnel";
    case TUNNEL_TEREDO:
        return "teredo tunnel";
    case TUNNEL_VXLAN:
        return "vxlan encapsulation";
    case TUNNEL_GENEVE:
        return "geneve encapsulation";
    case TUNNEL_ERSPAN:
        return "erspan tunnel";
    default:
        return "wire/pcap";
    }
}

/* The common header of a record about one packet. */
static void
packet_header(EveWriter *ew, const Packet *p, const char *event_type)
{
    JsonBuf *jb = &ew->jb;

    put_time(jb, "timestamp", p->ts);
    if (p->flow != NULL) {
        json_u64(jb, "flow_id", p->flow->flow_id);
    }
    json_u64(jb, "pcap_cnt", p->pcap_cnt);
    json_str(jb, "event_type", event_type);
    put_vlans(jb, p->vlan_id, p->vlan_cnt);
    if (p->ip_ver != 0) {
        put_addr(jb, "src_ip", &p->src, p->ip_ver);
        if (p->flags & PKT_F_HAS_PORTS) {
            json_u64(jb, "src_port", p->sp);
        }
        put_addr(jb, "dest_ip", &p->dst, p->ip_ver);
        if (p->flags & PKT_F_HAS_PORTS) {
            json_u64(jb, "dest_port", p->dp);
        }
        json_u64(jb, "ip_v", p->ip_ver);
        put_proto(jb, p->proto);
        if (p->flags & PKT_F_HAS_ICMP) {
            json_u64(jb, "icmp_type", p->icmp_type);
            json_u64(jb, "icmp_code", p->icmp_code);
        }
        if (ew->cfg.community_id && (p->flags & (PKT_F_HAS_PORTS | PKT_F_HAS_ICMP))) {
            char cid[32];
            bool icmp = (p->flags & PKT_F_HAS_ICMP) != 0;
            size_t n = eve_community_id(ew->cfg.community_id_seed, p->ip_ver, &p->src, &p->dst,
                                        p->proto, icmp ? p->icmp_type : p->sp,
                                        icmp ? p->icmp_code : p->dp, icmp, cid);
            if (n > 0) {
                json_str_plain(jb, "community_id", cid, n);
            }
        }
    }
    json_str(jb, "pkt_src", p->parent != NULL ? tunnel_pkt_src(p->tunnel_type) : "wire/pcap");
    if (p->parent != NULL && p->parent->ip_ver != 0) {
        const Packet *o = p->parent;
        json_open_obj(jb, "tunnel");
        put_addr(jb, "src_ip", &o->src, o->ip_ver);
        put_addr(jb, "dest_ip", &o->dst, o->ip_ver);
        put_proto(jb, o->proto);
        json_u64(jb, "depth", o->tunnel_depth);
        json_str(jb, "pkt_src", o->parent != NULL ? tunnel_pkt_src(o->tunnel_type) : "wire/pcap");
        json_close_obj(jb);
    }
    const uint8_t *eth;
    if (ew->cfg.ethernet && (eth = packet_ether(p)) != NULL) {
        char text[18];
        json_open_obj(jb, "ether");
        json_str_plain(jb, "src_mac", text, format_mac(eth + 6, text));
        json_str_plain(jb, "dest_mac", text, format_mac(eth, text));
        json_close_obj(jb);
    }
}

void
eve_log_anomalies(EveWriter *ew, const Packet *p)
{
    JsonBuf *jb = &ew->jb;
    char name[96];

    if (!ew->cfg.enabled || !ew->cfg.anomaly || !ew->cfg.anomaly_decode) {
        return;
    }
    for (unsigned i = 0; i < p->event_cnt; i++) {
        json_reset(jb);
        json_open_obj(jb, NULL);
        packet_header(ew, p, "anomaly");
        if (ew->cfg.packethdr) {
            /* The captured frame, as Suricata logs it: the root packet of a tunnel. */
            const Packet *root = p;
            while (root->parent != NULL) {
                root = root->parent;
            }
            json_base64(jb, "packet", root->data, root->len);
            json_open_obj(jb, "packet_info");
            json_u64(jb, "linktype", root->linktype);
            json_close_obj(jb);
        }
        json_open_obj(jb, "anomaly");
        json_str(jb, "type", "decode");
        snprintf(name, sizeof(name), "decoder.%s", decode_event_name(p->events[i]));
        json_str(jb, "event", name);
        json_close_obj(jb);
        json_close_obj(jb);
        record_commit(ew);
    }
}

/* How many whole dotted components a and b share as a prefix. */
static unsigned
shared_components(const char *a, const char *b)
{
    unsigned n = 0;
    size_t i = 0;
    /* Only components followed by a '.' in both count: leaves are never shared. */
    while (a[i] != '\0' && a[i] == b[i]) {
        if (a[i] == '.') {
            n++;
        }
        i++;
    }
    return n;
}

static unsigned
count_dots(const char *s)
{
    unsigned n = 0;
    for (; *s; s++) {
        n += *s == '.';
    }
    return n;
}

void
eve_log_stats(EveWriter *ew, SkTime ts, uint64_t uptime_s, const char *const *names,
              const uint64_t *vals, size_t cnt)
{
    JsonBuf *jb = &ew->jb;
    char comp[128];

    if (!ew->cfg.enabled || !ew->cfg.stats) {
        return;
    }
    json_reset(jb);
    json_open_obj(jb, NULL);
    put_time(jb, "timestamp", ts);
    json_str(jb, "event_type", "stats");
    json_open_obj(jb, "stats");
    json_u64(jb, "uptime", uptime_s);

    const char *prev = "";
    unsigned open = 0; /* objects open below "stats" */
    for (size_t i = 0; i < cnt; i++) {
        const char *name = names[i];
        if (vals[i] == 0 && !ew->cfg.stats_null_values) {
            continue;
        }
        unsigned shared = shared_components(prev, name);
        while (open > shared) {
            json_close_obj(jb);
            open--;
        }
        /* Skip the components already open, then open the rest. */
        const char *s = name;
        for (unsigned k = 0; k < open; k++) {
            s = strchr(s, '.') + 1;
        }
        unsigned depth = count_dots(name);
        while (open < depth) {
            const char *dot = strchr(s, '.');
            size_t n = (size_t)(dot - s) < sizeof(comp) - 1 ? (size_t)(dot - s) : sizeof(comp) - 1;
            memcpy(comp, s, n);
            comp[n] = '\0';
            json_open_obj(jb, comp);
            open++;
            s = dot + 1;
        }
        json_u64(jb, s, vals[i]);
        prev = name;
    }
    while (open > 0) {
        json_close_obj(jb);
        open--;
    }
    json_close_obj(jb);
    json_close_obj(jb);
    record_commit(ew);
}
