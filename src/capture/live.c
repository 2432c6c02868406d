/* live.c: packets from a network interface, through libpcap (-i, --pcap). Packets carry the
 * kernel's timestamps, the wall clock; when none arrives within the read timeout capture_next
 * says SK_AGAIN, so the caller can move its clock on by the wall clock and time out idle flows
 * and write stats on a quiet link.
 *
 * libpcap is loaded with dlopen when a live capture opens, not linked: Debian's libpcap pulls in
 * D-Bus, systemd and libgcrypt, whose loading made every start 2 ms slower (3.8 to 5.7 ms on the
 * sample, hyperfine), a cost runs that read files would pay for nothing. */
#include "capture/capture.h"

#include <dlfcn.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture_int.h"

/* How long a read waits for a packet before SK_AGAIN: the clock's and Ctrl-C's resolution on an
 * idle link, and (TPACKET_V3 hands packets over in blocks) the most a packet waits in the kernel. */
#define LIVE_TIMEOUT_MS 100
#define LIVE_SNAPLEN_DEFAULT 262144 /* libpcap's own maximum: every byte of every frame */

/* The libpcap calls we make, looked up by name in the loaded library. */
#define PCAP_FUNCS(X)                                                                              \
    X(pcap_t *, pcap_create, (const char *, char *))                                               \
    X(int, pcap_set_snaplen, (pcap_t *, int))                                                      \
    X(int, pcap_set_promisc, (pcap_t *, int))                                                      \
    X(int, pcap_set_timeout, (pcap_t *, int))                                                      \
    X(int, pcap_set_buffer_size, (pcap_t *, int))                                                  \
    X(int, pcap_activate, (pcap_t *))                                                              \
    X(int, pcap_setnonblock, (pcap_t *, int, char *))                                              \
    X(int, pcap_get_selectable_fd, (pcap_t *))                                                     \
    X(int, pcap_compile, (pcap_t *, struct bpf_program *, const char *, int, bpf_u_int32))         \
    X(int, pcap_setfilter, (pcap_t *, struct bpf_program *))                                       \
    X(void, pcap_freecode, (struct bpf_program *))                                                 \
    X(int, pcap_datalink, (pcap_t *))                                                              \
    X(int, pcap_next_ex, (pcap_t *, struct pcap_pkthdr **, const u_char **))                       \
    X(int, pcap_stats, (pcap_t *, struct pcap_stat *))                                             \
    X(char *, pcap_geterr, (pcap_t *))                                                             \
    X(const char *, pcap_statustostr, (int))                                                       \
    X(void, pcap_close, (pcap_t *))

struct CaptureLive {
    void *lib; /* dlopen handle */
    pcap_t *pc;
    int fd; /* to poll */
#define PCAP_FIELD(ret, name, args) ret(*name) args;
    PCAP_FUNCS(PCAP_FIELD)
#undef PCAP_FIELD
};

static void
live_error(char *errbuf, const char *iface, const char *what, const char *why)
{
    snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture: %s: %s%s%s", iface, what,
             why != NULL && *why != '\0' ? ": " : "", why != NULL ? why : "");
}

/* Loads libpcap under the names distributions give it. */
static bool
live_load(CaptureLive *lv, const char *iface, char *errbuf)
{
    static const char *const names[] = {"libpcap.so.1", "libpcap.so.0.8", "libpcap.so"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && lv->lib == NULL; i++) {
        lv->lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (lv->lib == NULL) {
        live_error(errbuf, iface, "live capture needs libpcap, which cannot be loaded", dlerror());
        return false;
    }
    /* POSIX allows the object-to-function-pointer conversion dlsym needs; memcpy keeps ISO C
     * quiet about it. */
#define PCAP_LOAD(ret, name, args)                                                                 \
    {                                                                                              \
        void *sym = dlsym(lv->lib, #name);                                                         \
        if (sym == NULL) {                                                                         \
            live_error(errbuf, iface, "libpcap lacks " #name, NULL);                               \
            return false;                                                                          \
        }                                                                                          \
        memcpy(&lv->name, &sym, sizeof(sym));                                                      \
    }
    PCAP_FUNCS(PCAP_LOAD)
#undef PCAP_LOAD
    return true;
}

static void
live_free(CaptureLive *lv)
{
    if (lv == NULL) {
        return;
    }
    if (lv->pc != NULL) {
        lv->pcap_close(lv->pc);
    }
    if (lv->lib != NULL) {
        dlclose(lv->lib);
    }
    free(lv);
}

/* Create, configure, activate; then non-blocking, and the filter. */
static bool
live_start(CaptureLive *lv, const char *iface, const CaptureLiveConfig *lc, char *errbuf)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    int rc;

    lv->pc = lv->pcap_create(iface, perr);
    if (lv->pc == NULL) {
        live_error(errbuf, iface, "cannot capture", perr);
        return false;
    }
    (void)lv->pcap_set_snaplen(lv->pc, lc->snaplen > 0 ? (int)lc->snaplen : LIVE_SNAPLEN_DEFAULT);
    (void)lv->pcap_set_promisc(lv->pc, lc->promisc ? 1 : 0);
    (void)lv->pcap_set_timeout(lv->pc, LIVE_TIMEOUT_MS);
    if (lc->buffer_size > 0) {
        (void)lv->pcap_set_buffer_size(lv->pc, (int)lc->buffer_size);
    }
    rc = lv->pcap_activate(lv->pc);
    if (rc < 0) {
        /* PCAP_ERROR_PERM_DENIED, _NO_SUCH_DEVICE, ...: in words. */
        live_error(errbuf, iface, "cannot capture",
                   rc == PCAP_ERROR ? lv->pcap_geterr(lv->pc) : lv->pcap_statustostr(rc));
        return false;
    }
    /* Non-blocking, with our own poll: with TPACKET_V3 a blocking read on a quiet link waits
     * for the first packet however long that takes, timeout or not. */
    if (lv->pcap_setnonblock(lv->pc, 1, perr) != 0
        || (lv->fd = lv->pcap_get_selectable_fd(lv->pc)) < 0) {
        live_error(errbuf, iface, "cannot read without blocking", perr);
        return false;
    }
    if (lc->bpf_filter != NULL && *lc->bpf_filter != '\0') {
        struct bpf_program prog;
        if (lv->pcap_compile(lv->pc, &prog, lc->bpf_filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            live_error(errbuf, iface, "bad BPF filter", lv->pcap_geterr(lv->pc));
            return false;
        }
        rc = lv->pcap_setfilter(lv->pc, &prog);
        lv->pcap_freecode(&prog);
        if (rc != 0) {
            live_error(errbuf, iface, "cannot set the BPF filter", lv->pcap_geterr(lv->pc));
            return false;
        }
    }
    return true;
}

CaptureReader *
capture_open_live(const char *iface, const CaptureLiveConfig *lc, char *errbuf)
{
    CaptureLive *lv = calloc(1, sizeof(*lv));
    CaptureReader *cr = calloc(1, sizeof(*cr));
    char **paths = calloc(1, sizeof(*paths));
    uint64_t *sizes = calloc(1, sizeof(*sizes));
    char *name = strdup(iface);

    if (lv == NULL || cr == NULL || paths == NULL || sizes == NULL || name == NULL) {
        live_error(errbuf, iface, "out of memory", NULL);
        goto fail;
    }
    if (!live_load(lv, iface, errbuf) || !live_start(lv, iface, lc, errbuf)) {
        goto fail;
    }
    paths[0] = name; /* for messages, as a file's path is */
    cr->paths = paths;
    cr->sizes = sizes;
    cr->path_cnt = 1;
    cr->f.fd = -1;
    cr->live = lv;
    /* DLT and LINKTYPE values agree for every link type the decoder reads (the raw DLTs 12 and
     * 14 it knows under both numbers). */
    cr->linktype = (uint16_t)lv->pcap_datalink(lv->pc);
    return cr;
fail:
    live_free(lv);
    free(cr);
    free(paths);
    free(sizes);
    free(name);
    return NULL;
}

SkResult
capture_live_next(CaptureReader *cr, Packet *p, char *errbuf)
{
    CaptureLive *lv = cr->live;
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = lv->pcap_next_ex(lv->pc, &h, &data);

    if (rc == 0) {
        /* Nothing buffered: wait for the kernel, at most the timeout (a signal cuts it short,
         * so Ctrl-C is seen at once). */
        struct pollfd pfd = {.fd = lv->fd, .events = POLLIN};
        if (poll(&pfd, 1, LIVE_TIMEOUT_MS) <= 0) {
            return SK_AGAIN;
        }
        rc = lv->pcap_next_ex(lv->pc, &h, &data);
    }
    switch (rc) {
    case 1:
        p->data = data;
        p->len = h->caplen;
        p->wire_len = h->len > h->caplen ? h->len : h->caplen;
        p->ts = SK_TIME_FROM_SEC(h->ts.tv_sec) + (SkTime)h->ts.tv_usec;
        p->linktype = cr->linktype;
        return SK_OK;
    case 0:
        return SK_AGAIN;
    case PCAP_ERROR_BREAK:
        return SK_EOF;
    default:
        live_error(errbuf, cr->paths[0], "capture failed", lv->pcap_geterr(lv->pc));
        return SK_ERR_IO;
    }
}

bool
capture_live_stats(const CaptureReader *cr, uint64_t *pkts, uint64_t *drops, uint64_t *ifdrops)
{
    struct pcap_stat st;
    CaptureLive *lv = cr->live;

    /* libpcap's counts are 32 bits: they wrap after 4 G packets, as Suricata's pcap ones do. */
    if (lv == NULL || lv->pcap_stats(lv->pc, &st) != 0) {
        return false;
    }
    *pkts = st.ps_recv;
    *drops = st.ps_drop;
    *ifdrops = st.ps_ifdrop;
    return true;
}

void
capture_live_close(CaptureReader *cr)
{
    live_free(cr->live);
    cr->live = NULL;
}
