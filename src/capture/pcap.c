/* pcap.c: the classic libpcap savefile format. A 24-byte file header (magic, version, snaplen,
 * link type) and then records of a 16-byte header (seconds, micro- or nanoseconds, caplen, wire
 * length) followed by caplen bytes. The magic says both the byte order of every later number and
 * the timestamp unit. Records are handed out in place, from the reader's buffer (capture.c). */
#include "capture/capture_int.h"

#define PCAP_REC_HDR_LEN 16u
#define PCAP_VERSION_MAJOR 2

const char *
capture_pcap_header_valid(const uint8_t *hdr, size_t len)
{
    Cursor c = cur_init(hdr, len);
    uint32_t magic = 0;
    uint16_t major = 0;
    bool be;

    if (!cur_le32(&c, &magic)) {
        return "not a pcap or pcapng file";
    }
    be = magic == PCAP_MAGIC_USEC_SWAPPED || magic == PCAP_MAGIC_NSEC_SWAPPED;
    if (len < PCAP_FILE_HDR_LEN) {
        return "pcap file header cut short";
    }
    if (!capture_u16(&c, be, &major) || major != PCAP_VERSION_MAJOR) {
        return "unsupported pcap version (only 2.x is read)";
    }
    return NULL;
}

SkResult
capture_pcap_start(CaptureReader *cr, char *errbuf)
{
    CaptureFile *f = &cr->f;
    Cursor c = cur_init(f->buf + f->pos, PCAP_FILE_HDR_LEN);
    uint32_t magic = 0, linktype = 0;

    (void)errbuf; /* capture.c has made and checked these 24 bytes */
    if (!cur_le32(&c, &magic) || !cur_skip(&c, 16)) {
        return SK_ERR_FORMAT;
    }
    cr->be = magic == PCAP_MAGIC_USEC_SWAPPED || magic == PCAP_MAGIC_NSEC_SWAPPED;
    cr->nsec = magic == PCAP_MAGIC_NSEC || magic == PCAP_MAGIC_NSEC_SWAPPED;
    if (!capture_u32(&c, cr->be, &linktype)) {
        return SK_ERR_FORMAT;
    }
    /* The top bits may carry the FCS length (LT_FCS_DATALINK_EXT); DLT values fit 16 bits. */
    cr->linktype = (uint16_t)(linktype & 0xffffu);
    capture_linktype_note(cr, cr->linktype, -1);
    capture_consume(cr, PCAP_FILE_HDR_LEN);
    return SK_OK;
}

SkResult
capture_pcap_next(CaptureReader *cr, Packet *p, char *errbuf)
{
    CaptureFile *f = &cr->f;
    uint32_t sec = 0, frac = 0, caplen = 0, wire_len = 0;
    Cursor rec, data;
    SkResult rc;

    if (f->end - f->pos < PCAP_REC_HDR_LEN) {
        rc = capture_fill(cr, PCAP_REC_HDR_LEN, errbuf);
        if (rc < 0 || rc == SK_AGAIN) {
            return rc;
        }
        if (rc == SK_EOF) {
            if (f->end > f->pos) {
                capture_file_truncated(cr, "record header cut short");
            }
            return SK_EOF;
        }
    }
    rec = cur_init(f->buf + f->pos, f->end - f->pos);
    if (!capture_u32(&rec, cr->be, &sec) || !capture_u32(&rec, cr->be, &frac)
        || !capture_u32(&rec, cr->be, &caplen) || !capture_u32(&rec, cr->be, &wire_len)) {
        return SK_EOF; /* not reached: 16 bytes are there */
    }
    /* Larger than any snaplen a capture tool writes (libpcap's maximum is 256 KiB): what follows
     * is not a record, and reading on would hand garbage to the decoder as packets. */
    if (caplen > CAPTURE_RECORD_MAX) {
        capture_file_truncated(cr, "record claims more than 262144 captured bytes");
        return SK_EOF;
    }
    if (rec.left < caplen) {
        rc = capture_fill(cr, PCAP_REC_HDR_LEN + (size_t)caplen, errbuf);
        if (rc < 0 || rc == SK_AGAIN) {
            return rc; /* SK_AGAIN: the header is not consumed, so it is read again */
        }
        if (rc == SK_EOF) {
            capture_file_truncated(cr, "last record cut short");
            return SK_EOF;
        }
        rec = cur_init(f->buf + f->pos + PCAP_REC_HDR_LEN, f->end - f->pos - PCAP_REC_HDR_LEN);
    }
    if (!cur_take(&rec, caplen, &data)) {
        return SK_EOF; /* not reached: capture_fill made caplen bytes readable */
    }
    p->data = data.p;
    p->len = caplen;
    /* Some writers put a wire length below caplen; the Packet promises wire_len >= len. */
    p->wire_len = wire_len > caplen ? wire_len : caplen;
    p->ts = capture_time(
        cr, (CaptureUs)sec * (CaptureUs)SK_USEC_PER_SEC + (cr->nsec ? frac / 1000u : frac),
        frac >= (cr->nsec ? 1000000000u : 1000000u));
    p->linktype = cr->linktype;
    capture_consume(cr, PCAP_REC_HDR_LEN + (size_t)caplen);
    return SK_OK;
}
