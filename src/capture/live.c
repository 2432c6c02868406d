/* live.c: packets from a network interface, through libpcap (-i, --pcap). Packets carry the
 * kernel's timestamps, the wall clock; when none arrives within the read timeout capture_next
 * says SK_AGAIN, so the caller can move its clock on by the wall clock and time out idle flows
 * and write stats on a quiet link. */
#include "capture/capture.h"

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

static void
live_error(char *errbuf, const char *iface, const char *what, const char *why)
{
    snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture: %s: %s%s%s", iface, what,
             why != NULL && *why != '\0' ? ": " : "", why != NULL ? why : "");
}

CaptureReader *
capture_open_live(const char *iface, const CaptureLiveConfig *lc, char *errbuf)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    CaptureReader *cr;
    pcap_t *pc;
    int rc;

    pc = pcap_create(iface, perr);
    if (pc == NULL) {
        live_error(errbuf, iface, "cannot capture", perr);
        return NULL;
    }
    (void)pcap_set_snaplen(pc, lc->snaplen > 0 ? (int)lc->snaplen : LIVE_SNAPLEN_DEFAULT);
    (void)pcap_set_promisc(pc, lc->promisc ? 1 : 0);
    (void)pcap_set_timeout(pc, LIVE_TIMEOUT_MS);
    if (lc->buffer_size > 0) {
        (void)pcap_set_buffer_size(pc, (int)lc->buffer_size);
    }
    rc = pcap_activate(pc);
    if (rc < 0) {
        /* PCAP_ERROR_PERM_DENIED, _NO_SUCH_DEVICE, ...: pcap_geterr says which, in words. */
        live_error(errbuf, iface, "cannot capture",
                   rc == PCAP_ERROR ? pcap_geterr(pc) : pcap_statustostr(rc));
        pcap_close(pc);
        return NULL;
    }
    /* Non-blocking, with our own poll: with TPACKET_V3 a blocking read on a quiet link waits
     * for the first packet however long that takes, timeout or not. */
    if (pcap_setnonblock(pc, 1, perr) != 0 || pcap_get_selectable_fd(pc) < 0) {
        live_error(errbuf, iface, "cannot read without blocking", perr);
        pcap_close(pc);
        return NULL;
    }
    if (lc->bpf_filter != NULL && *lc->bpf_filter != '\0') {
        struct bpf_program prog;
        if (pcap_compile(pc, &prog, lc->bpf_filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            live_error(errbuf, iface, "bad BPF filter", pcap_geterr(pc));
            pcap_close(pc);
            return NULL;
        }
        rc = pcap_setfilter(pc, &prog);
        pcap_freecode(&prog);
        if (rc != 0) {
            live_error(errbuf, iface, "cannot set the BPF filter", pcap_geterr(pc));
            pcap_close(pc);
            return NULL;
        }
    }
    cr = calloc(1, sizeof(*cr));
    char **paths = calloc(1, sizeof(*paths));
    uint64_t *sizes = calloc(1, sizeof(*sizes));
    char *name = strdup(iface);
    if (cr == NULL || paths == NULL || sizes == NULL || name == NULL) {
        free(cr);
        free(paths);
        free(sizes);
        free(name);
        pcap_close(pc);
        live_error(errbuf, iface, "out of memory", NULL);
        return NULL;
    }
    paths[0] = name; /* for messages, as a file's path is */
    cr->paths = paths;
    cr->sizes = sizes;
    cr->path_cnt = 1;
    cr->f.fd = -1;
    cr->live = pc;
    /* DLT and LINKTYPE values agree for every link type the decoder reads (the raw DLTs 12 and
     * 14 it knows under both numbers). */
    cr->linktype = (uint16_t)pcap_datalink(pc);
    return cr;
}

SkResult
capture_live_next(CaptureReader *cr, Packet *p, char *errbuf)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(cr->live, &h, &data);

    if (rc == 0) {
        /* Nothing buffered: wait for the kernel, at most the timeout (a signal cuts it short,
         * so Ctrl-C is seen at once). */
        struct pollfd pfd = {.fd = pcap_get_selectable_fd(cr->live), .events = POLLIN};
        if (poll(&pfd, 1, LIVE_TIMEOUT_MS) <= 0) {
            return SK_AGAIN;
        }
        rc = pcap_next_ex(cr->live, &h, &data);
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
        live_error(errbuf, cr->paths[0], "capture failed", pcap_geterr(cr->live));
        return SK_ERR_IO;
    }
}

bool
capture_live_stats(const CaptureReader *cr, uint64_t *pkts, uint64_t *drops, uint64_t *ifdrops)
{
    struct pcap_stat st;

    if (cr->live == NULL || pcap_stats(cr->live, &st) != 0) {
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
    pcap_close(cr->live);
    cr->live = NULL;
}
