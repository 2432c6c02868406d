/* pcapng.c: the pcapng format (draft-ietf-opsawg-pcapng). A file is sections; each opens with a
 * Section Header Block whose byte-order magic sets the byte order of everything up to the next
 * one. Interface Description Blocks give each interface its link type, snaplen and timestamp
 * unit (if_tsresol, if_tsoffset); packets arrive in Enhanced, Simple or the obsolete Packet
 * Blocks and take their link type from their interface. Every other block is skipped unread.
 *
 * Every block starts with type and total length and ends with the length again. A length that
 * cannot be right (under 12, not a multiple of 4, past the file's end, not repeated at the end)
 * means the rest of the file cannot be trusted: it ends the file, counted as truncated. */
#include "capture/capture_int.h"

#include <stdio.h>
#include <stdlib.h>

#define NG_BLOCK_HDR_LEN 8u /* type, total length; the trailing length adds 4 */
#define NG_BLOCK_MIN 12u

#define NG_TYPE_IDB 0x00000001u
#define NG_TYPE_PB 0x00000002u /* obsolete Packet Block */
#define NG_TYPE_SPB 0x00000003u
#define NG_TYPE_EPB 0x00000006u

#define NG_OPT_END 0
#define NG_OPT_IF_TSRESOL 9
#define NG_OPT_IF_TSOFFSET 14

#define NG_VERSION_MAJOR 1
#define NG_TSRESOL_DEFAULT 6 /* microseconds, when an IDB has no if_tsresol */

/* units * 10^6 for a power-of-two resolution needs up to 84 bits. */
__extension__ typedef unsigned __int128 U128;

/* Why a block ends the file; NULL while all is well. */
typedef const char *NgBad;

const char *
capture_ng_header_valid(const uint8_t *hdr, size_t len)
{
    Cursor c = cur_init(hdr, len);
    uint32_t type = 0, block_len = 0, bom = 0;
    uint16_t major = 0;
    bool be;

    if (!cur_le32(&c, &type) || type != PCAPNG_SHB_TYPE) {
        return "not a pcap or pcapng file";
    }
    if (len < PCAP_FILE_HDR_LEN || !cur_skip(&c, 4) || !cur_le32(&c, &bom)) {
        return "pcapng section header cut short";
    }
    if (bom != PCAPNG_BOM && bom != __builtin_bswap32(PCAPNG_BOM)) {
        return "not a pcap or pcapng file (bad pcapng byte-order magic)";
    }
    be = bom != PCAPNG_BOM;
    c = cur_init(hdr + 4, len - 4);
    if (!capture_u32(&c, be, &block_len) || !cur_skip(&c, 4) || !capture_u16(&c, be, &major)) {
        return "pcapng section header cut short";
    }
    if (block_len < PCAPNG_SHB_MIN || block_len % 4 != 0) {
        return "bad pcapng section header length";
    }
    if (major != NG_VERSION_MAJOR) {
        return "unsupported pcapng version (only 1.x is read)";
    }
    return NULL;
}

static bool
ng_u64(Cursor *c, bool be, uint64_t *v)
{
    uint32_t a = 0, b = 0;

    if (!capture_u32(c, be, &a) || !capture_u32(c, be, &b)) {
        return false;
    }
    *v = be ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
    return true;
}

/* if_tsresol: the high bit clear, units are 10^-n s; set, 2^-n s. */
static void
iface_tsresol_set(NgIface *ifc, uint8_t res)
{
    unsigned n = res & 0x7fu;

    if (res & 0x80u) {
        ifc->ts_scale = TS_SHIFT;
        ifc->ts_factor = n;
        return;
    }
    if (n <= 6) {
        ifc->ts_scale = TS_MUL;
        ifc->ts_factor = 1;
        for (unsigned i = n; i < 6; i++) {
            ifc->ts_factor *= 10;
        }
        return;
    }
    if (n - 6 > 19) {
        /* 10^-26 s and finer: 2^64 units are less than a microsecond, and 10^(n-6) would not
         * fit 64 bits. Shifting the 84-bit product by 127 gives the 0 every stamp is. */
        ifc->ts_scale = TS_SHIFT;
        ifc->ts_factor = 127;
        return;
    }
    ifc->ts_scale = TS_DIV;
    ifc->ts_factor = 1;
    for (unsigned i = 6; i < n; i++) {
        ifc->ts_factor *= 10;
    }
}

/* The record's time in microseconds, unclamped (capture_time judges it). In 128 bits nothing
 * here can overflow: units * 10^6 < 2^84, and if_tsoffset * 10^6 is within +-2^83. */
static CaptureUs
iface_us(const NgIface *ifc, uint32_t hi, uint32_t lo)
{
    uint64_t units = (uint64_t)hi << 32 | lo;
    CaptureUs us;

    switch (ifc->ts_scale) {
    case TS_MUL:
        us = (CaptureUs)units * (CaptureUs)ifc->ts_factor;
        break;
    case TS_DIV:
        us = (CaptureUs)(units / ifc->ts_factor);
        break;
    default:
        /* 2^-n s, n up to 127: a shift below the width of the 128-bit product. */
        us = (CaptureUs)(((U128)units * SK_USEC_PER_SEC) >> ifc->ts_factor);
        break;
    }
    return us + (CaptureUs)ifc->ts_offset_s * (CaptureUs)SK_USEC_PER_SEC;
}

/* A Section Header Block at f.pos, block_len bytes, all readable: a new byte order, and no
 * interfaces until this section's IDBs. */
static NgBad
shb_read(CaptureReader *cr, Cursor body)
{
    uint32_t bom = 0;
    uint16_t major = 0;

    if (!cur_le32(&body, &bom)) {
        return "section header cut short";
    }
    cr->be = bom != PCAPNG_BOM;
    if (!capture_u16(&body, cr->be, &major)) {
        return "section header cut short";
    }
    if (major != NG_VERSION_MAJOR) {
        return "section of an unsupported pcapng version";
    }
    cr->iface_cnt = 0;
    return NULL;
}

static NgBad
idb_read(CaptureReader *cr, Cursor body)
{
    NgIface *ifc;
    uint16_t linktype = 0, reserved = 0;
    uint32_t snaplen = 0;

    if (cr->iface_cnt == CAPTURE_IFACE_MAX) {
        return "more interfaces than the reader keeps";
    }
    if (cr->iface_cnt == cr->iface_cap) {
        size_t ncap = cr->iface_cap ? cr->iface_cap * 2 : 8;
        NgIface *ni = realloc(cr->ifaces, ncap * sizeof(*ni));

        if (ni == NULL) {
            return "out of memory for interfaces";
        }
        cr->ifaces = ni;
        cr->iface_cap = ncap;
    }
    if (!capture_u16(&body, cr->be, &linktype) || !capture_u16(&body, cr->be, &reserved)
        || !capture_u32(&body, cr->be, &snaplen)) {
        return "interface description cut short";
    }
    ifc = &cr->ifaces[cr->iface_cnt];
    *ifc = (NgIface){.linktype = linktype, .snaplen = snaplen};
    capture_linktype_note(cr, linktype, (long)cr->iface_cnt);
    iface_tsresol_set(ifc, NG_TSRESOL_DEFAULT);

    /* Options: code, length, value padded to 4. A malformed list ends the options, not the
     * file: the interface is still usable with what was read. */
    for (;;) {
        uint16_t code = 0, opt_len = 0;
        Cursor val;
        uint8_t res = 0;
        uint64_t tsoff = 0;

        if (!capture_u16(&body, cr->be, &code) || !capture_u16(&body, cr->be, &opt_len)
            || code == NG_OPT_END || !cur_take(&body, opt_len, &val)) {
            break;
        }
        if (code == NG_OPT_IF_TSRESOL && cur_u8(&val, &res)) {
            iface_tsresol_set(ifc, res);
        } else if (code == NG_OPT_IF_TSOFFSET && ng_u64(&val, cr->be, &tsoff)) {
            ifc->ts_offset_s = (int64_t)tsoff;
        }
        if (!cur_skip(&body, (4u - opt_len % 4u) % 4u)) {
            break;
        }
    }
    cr->iface_cnt++;
    return NULL;
}

static NgBad
packet_fill(CaptureReader *cr, Packet *p, Cursor *body, uint32_t iface, uint32_t hi, uint32_t lo,
            uint32_t caplen, uint32_t wire_len)
{
    Cursor data;
    const NgIface *ifc;

    if (iface >= cr->iface_cnt) {
        return "packet names an interface not described in its section";
    }
    if (caplen > CAPTURE_RECORD_MAX) {
        return "packet claims more than 262144 captured bytes";
    }
    if (!cur_take(body, caplen, &data)) {
        return "packet longer than its block";
    }
    ifc = &cr->ifaces[iface];
    p->data = data.p;
    p->len = caplen;
    p->wire_len = wire_len > caplen ? wire_len : caplen;
    p->ts = capture_time(cr, iface_us(ifc, hi, lo), false);
    p->linktype = ifc->linktype;
    return NULL;
}

static NgBad
epb_read(CaptureReader *cr, Packet *p, Cursor body)
{
    uint32_t iface = 0, hi = 0, lo = 0, caplen = 0, wire_len = 0;

    if (!capture_u32(&body, cr->be, &iface) || !capture_u32(&body, cr->be, &hi)
        || !capture_u32(&body, cr->be, &lo) || !capture_u32(&body, cr->be, &caplen)
        || !capture_u32(&body, cr->be, &wire_len)) {
        return "enhanced packet block cut short";
    }
    return packet_fill(cr, p, &body, iface, hi, lo, caplen, wire_len);
}

/* The obsolete Packet Block: a 16-bit interface id and a drop count, then as an EPB. */
static NgBad
pb_read(CaptureReader *cr, Packet *p, Cursor body)
{
    uint16_t iface = 0, drops = 0;
    uint32_t hi = 0, lo = 0, caplen = 0, wire_len = 0;

    if (!capture_u16(&body, cr->be, &iface) || !capture_u16(&body, cr->be, &drops)
        || !capture_u32(&body, cr->be, &hi) || !capture_u32(&body, cr->be, &lo)
        || !capture_u32(&body, cr->be, &caplen) || !capture_u32(&body, cr->be, &wire_len)) {
        return "packet block cut short";
    }
    return packet_fill(cr, p, &body, iface, hi, lo, caplen, wire_len);
}

/* A Simple Packet Block belongs to interface 0 and has no timestamp of its own. It keeps the
 * previous packet's time, so the engine clock (packet time offline) never runs backwards. */
static NgBad
spb_read(CaptureReader *cr, Packet *p, Cursor body, SkTime prev_ts)
{
    uint32_t wire_len = 0, caplen;
    Cursor data;

    if (!capture_u32(&body, cr->be, &wire_len)) {
        return "simple packet block cut short";
    }
    if (cr->iface_cnt == 0) {
        return "simple packet block before any interface description";
    }
    /* The captured length is the wire length cut to the snaplen; the block, padded, holds it. */
    caplen = wire_len;
    if (cr->ifaces[0].snaplen != 0 && caplen > cr->ifaces[0].snaplen) {
        caplen = cr->ifaces[0].snaplen;
    }
    if (caplen > body.left) {
        caplen = (uint32_t)body.left;
    }
    if (caplen > CAPTURE_RECORD_MAX) {
        return "packet claims more than 262144 captured bytes";
    }
    if (!cur_take(&body, caplen, &data)) {
        return "simple packet block cut short";
    }
    p->data = data.p;
    p->len = caplen;
    p->wire_len = wire_len > caplen ? wire_len : caplen;
    p->ts = prev_ts;
    p->linktype = cr->ifaces[0].linktype;
    return NULL;
}

/* Reads the type and total length of the block at f.pos. SK_EOF: the file ended cleanly
 * (no byte left) or in a cut header (counted). For a section header, the length is read in the
 * byte order its own magic announces. */
static SkResult
block_head(CaptureReader *cr, uint32_t *type, uint32_t *block_len, char *errbuf)
{
    CaptureFile *f = &cr->f;
    Cursor c;
    uint32_t bom = 0;
    bool be = cr->be;
    SkResult rc = capture_fill(cr, NG_BLOCK_MIN, errbuf);

    if (rc < 0 || rc == SK_AGAIN) {
        return rc;
    }
    if (rc == SK_EOF) {
        if (f->end > f->pos) {
            capture_file_truncated(cr, "block header cut short");
        }
        return SK_EOF;
    }
    c = cur_init(f->buf + f->pos, f->end - f->pos);
    if (!cur_le32(&c, type) || !cur_skip(&c, 4) || !cur_le32(&c, &bom)) {
        return SK_EOF; /* not reached: 12 bytes are there */
    }
    if (*type == PCAPNG_SHB_TYPE) {
        if (bom != PCAPNG_BOM && bom != __builtin_bswap32(PCAPNG_BOM)) {
            capture_file_truncated(cr, "section header with a bad byte-order magic");
            return SK_EOF;
        }
        be = bom != PCAPNG_BOM;
    }
    c = cur_init(f->buf + f->pos, NG_BLOCK_HDR_LEN);
    if (!capture_u32(&c, be, type) || !capture_u32(&c, be, block_len)) {
        return SK_EOF; /* not reached */
    }
    if (*block_len < NG_BLOCK_MIN || *block_len % 4 != 0) {
        capture_file_truncated(cr, "bad block length");
        return SK_EOF;
    }
    return SK_OK;
}

static bool
block_parsed(uint32_t type)
{
    return type == PCAPNG_SHB_TYPE || type == NG_TYPE_IDB || type == NG_TYPE_EPB
           || type == NG_TYPE_SPB || type == NG_TYPE_PB;
}

/* Reads the next block we parse whole into the buffer, skipping the others. On SK_OK, *body
 * spans its bytes between the length fields. */
static SkResult
block_next(CaptureReader *cr, uint32_t *type, Cursor *body, char *errbuf)
{
    CaptureFile *f = &cr->f;

    for (;;) {
        uint32_t block_len = 0, trail_len = 0;
        Cursor tail;
        SkResult rc = SK_OK;

        /* A skip a signal interrupted finishes first (f.skip_left); then the next block. */
        if (f->skip_left == 0) {
            rc = block_head(cr, type, &block_len, errbuf);
            if (rc != SK_OK) {
                return rc;
            }
        }
        if (f->skip_left > 0 || !block_parsed(*type)) {
            rc = capture_skip(cr, f->skip_left > 0 ? 0 : block_len, errbuf);
            if (rc == SK_EOF) {
                capture_file_truncated(cr, "block cut short");
            }
            if (rc != SK_OK) {
                return rc;
            }
            continue;
        }
        /* Checked before reading, so a lying length costs no memory. */
        if (block_len > CAPTURE_BLOCK_MAX) {
            capture_file_truncated(cr, "block longer than 16 MiB");
            return SK_EOF;
        }
        if (f->size > 0 && f->off + block_len > f->size) {
            capture_file_truncated(cr, "block cut short");
            return SK_EOF;
        }
        rc = capture_fill(cr, block_len, errbuf);
        if (rc < 0 || rc == SK_AGAIN) {
            return rc; /* SK_AGAIN: nothing consumed; block_head reads this block again */
        }
        if (rc == SK_EOF) {
            capture_file_truncated(cr, "block cut short");
            return SK_EOF;
        }
        if (*type == PCAPNG_SHB_TYPE) {
            /* The byte order changes with this block; block_head read its length that way. */
            uint32_t bom = 0;
            Cursor c = cur_init(f->buf + f->pos + NG_BLOCK_HDR_LEN, 4);

            if (cur_le32(&c, &bom)) {
                cr->be = bom != PCAPNG_BOM;
            }
        }
        tail = cur_init(f->buf + f->pos + block_len - 4, 4);
        if (!capture_u32(&tail, cr->be, &trail_len) || trail_len != block_len) {
            capture_file_truncated(cr, "block's trailing length differs from its length");
            return SK_EOF;
        }
        *body = cur_init(f->buf + f->pos + NG_BLOCK_HDR_LEN, block_len - NG_BLOCK_MIN);
        return SK_OK;
    }
}

SkResult
capture_ng_start(CaptureReader *cr, char *errbuf)
{
    uint32_t type = 0;
    Cursor body;
    SkResult rc;
    NgBad bad;

    cr->iface_cnt = 0;
    rc = block_next(cr, &type, &body, errbuf);
    if (rc < 0 || rc == SK_AGAIN) {
        return rc;
    }
    if (rc == SK_EOF || type != PCAPNG_SHB_TYPE || (bad = shb_read(cr, body)) != NULL) {
        /* capture.c checked the first 24 bytes; this is a section header cut or lying. */
        if (errbuf != NULL) {
            snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture: %s: bad pcapng section header",
                     cr->paths[cr->path_idx]);
        }
        return SK_ERR_FORMAT;
    }
    capture_consume(cr, (size_t)(body.p - (cr->f.buf + cr->f.pos)) + body.left + 4);
    return SK_OK;
}

SkResult
capture_ng_next(CaptureReader *cr, Packet *p, char *errbuf)
{
    for (;;) {
        uint32_t type = 0;
        Cursor body;
        size_t block_len;
        NgBad bad = NULL;
        bool got = false;
        SkResult rc = block_next(cr, &type, &body, errbuf);

        if (rc != SK_OK) {
            return rc;
        }
        block_len = (size_t)(body.p - (cr->f.buf + cr->f.pos)) + body.left + 4;
        switch (type) {
        case PCAPNG_SHB_TYPE:
            bad = shb_read(cr, body);
            break;
        case NG_TYPE_IDB:
            bad = idb_read(cr, body);
            break;
        case NG_TYPE_EPB:
            bad = epb_read(cr, p, body);
            got = true;
            break;
        case NG_TYPE_PB:
            bad = pb_read(cr, p, body);
            got = true;
            break;
        case NG_TYPE_SPB:
            bad = spb_read(cr, p, body, cr->last_ts);
            got = true;
            break;
        default:
            break;
        }
        if (bad != NULL) {
            capture_file_truncated(cr, bad);
            return SK_EOF;
        }
        capture_consume(cr, block_len);
        if (got) {
            return SK_OK;
        }
    }
}
