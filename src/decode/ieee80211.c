/* ieee80211.c: wireless captures. IEEE 802.11 frames (DLT 105), and the same behind a radiotap
 * header (DLT 127, monitor mode), which says how the radio received the frame. Only data frames
 * that carry an unencrypted, unfragmented LLC/SNAP payload go further, to the ethertype's
 * decoder; management and control frames, encrypted ones (most of a WPA network's traffic) and
 * A-MSDU aggregates are counted and stop here, since nothing past them can be read.
 *
 * Suricata 8 refuses both link types in pcap files, so the event names here are ours, in its
 * style. */
#include "decode/decode-int.h"

#define RADIOTAP_HDR_MIN 8 /* version, pad, length, first present word */
#define RADIOTAP_PRESENT_EXT 0x80000000u
#define RADIOTAP_TSFT 0x00000001u  /* field 0: u64, aligned to 8 */
#define RADIOTAP_FLAGS 0x00000002u /* field 1: u8 */
#define RADIOTAP_F_FCS 0x10        /* the frame ends in its 4-byte FCS */
#define RADIOTAP_F_BADFCS 0x40     /* ... which did not check: the bytes are damaged */
#define RADIOTAP_PRESENT_MAX 16    /* present words we follow; more is not a real header */

#define WLAN_HDR_LEN 24 /* frame control, duration, three addresses, sequence control */
#define WLAN_ADDR4_LEN 6
#define WLAN_QOS_LEN 2
#define WLAN_HTC_LEN 4
#define WLAN_FCS_LEN 4
#define WLAN_TYPE_DATA 2
#define WLAN_SUBTYPE_NODATA 0x04 /* null function and CF-only frames: no payload */
#define WLAN_SUBTYPE_QOS 0x08
#define WLAN_F_TODS 0x01
#define WLAN_F_FROMDS 0x02
#define WLAN_F_MOREFRAG 0x04
#define WLAN_F_PROTECTED 0x40
#define WLAN_F_ORDER 0x80 /* in a QoS data frame: an HT control field follows */
#define WLAN_QOS_AMSDU 0x80

#define LLC_SNAP_LEN 8 /* DSAP AA, SSAP AA, control 03, OUI, ethertype */

/* LLC/SNAP with an OUI of 00-00-00 (RFC 1042) or 00-00-f8 (802.1H bridge tunnel). */
static bool
llc_snap_ethertype(Cursor *c, uint16_t *ethertype)
{
    uint8_t llc[6];

    if (!cur_bytes(c, llc, sizeof(llc)) || !cur_be16(c, ethertype)) {
        return false;
    }
    return llc[0] == 0xaa && llc[1] == 0xaa && llc[2] == 0x03 && llc[3] == 0x00 && llc[4] == 0x00
           && (llc[5] == 0x00 || llc[5] == 0xf8);
}

DecodeStatus
decode_ieee80211(DecodeThread *dt, Packet *p, Cursor c)
{
    uint8_t fc0 = 0, fc1 = 0, qos = 0;
    uint16_t seq = 0, ethertype = 0;
    size_t hdr_len = WLAN_HDR_LEN;
    Cursor hdr = c;
    bool four_addr, is_qos;

    dctr_own_inc(dt, DCTR_IEEE80211);
    if (!cur_u8(&hdr, &fc0) || !cur_u8(&hdr, &fc1)) {
        return decode_fail(p, DECODE_IEEE80211_PKT_TOO_SMALL);
    }
    /* version in bits 0-1, type in 2-3, subtype in 4-7 */
    if ((fc0 & 0x03) != 0 || (fc0 >> 2 & 0x03) != WLAN_TYPE_DATA
        || ((fc0 >> 4) & WLAN_SUBTYPE_NODATA)) {
        return DECODE_OK; /* another version, management, control, or a data frame without data */
    }
    four_addr = (fc1 & (WLAN_F_TODS | WLAN_F_FROMDS)) == (WLAN_F_TODS | WLAN_F_FROMDS);
    is_qos = ((fc0 >> 4) & WLAN_SUBTYPE_QOS) != 0;
    hdr_len += four_addr ? WLAN_ADDR4_LEN : 0;
    hdr_len += is_qos ? WLAN_QOS_LEN + (fc1 & WLAN_F_ORDER ? WLAN_HTC_LEN : 0) : 0;
    /* duration 2, three addresses 18, sequence control (fragment number in its low 4 bits),
     * the fourth address, the QoS control's first byte */
    if (c.left < hdr_len || !cur_skip(&hdr, 20) || !cur_le16(&hdr, &seq)
        || (four_addr && !cur_skip(&hdr, WLAN_ADDR4_LEN)) || (is_qos && !cur_u8(&hdr, &qos))) {
        return decode_fail(p, DECODE_IEEE80211_PKT_TOO_SMALL);
    }
    if (!decode_layer_enter(dt, p)) {
        return DECODE_INVALID;
    }
    if ((fc1 & (WLAN_F_PROTECTED | WLAN_F_MOREFRAG)) || (seq & 0x000f) != 0
        || (qos & WLAN_QOS_AMSDU)) {
        return DECODE_OK; /* encrypted, a fragment, or an aggregate: not read further */
    }
    if (!cur_skip(&c, hdr_len) || c.left < LLC_SNAP_LEN) {
        return decode_fail(p, DECODE_IEEE80211_PKT_TOO_SMALL);
    }
    if (!llc_snap_ethertype(&c, &ethertype)) {
        return DECODE_OK; /* another LLC protocol (spanning tree, ...) */
    }
    (void)decode_network_layer(dt, p, ethertype, c);
    return DECODE_OK;
}

/* The radiotap header's flags field, when present: it says whether the frame carries its FCS.
 * Fields are aligned to their size from the header's start, and the first present word's bits
 * always mean radiotap's own fields. */
static bool
radiotap_flags(Cursor rt, size_t rt_len, uint8_t *flags)
{
    uint32_t present = 0, word = 0;
    unsigned words = 0;

    if (!cur_skip(&rt, 4) || !cur_le32(&rt, &present)) {
        return false;
    }
    word = present;
    while (word & RADIOTAP_PRESENT_EXT) {
        if (++words > RADIOTAP_PRESENT_MAX || !cur_le32(&rt, &word)) {
            return false;
        }
    }
    if (present & RADIOTAP_TSFT) {
        size_t at = rt_len - rt.left;

        if (!cur_skip(&rt, (8 - at % 8) % 8) || !cur_skip(&rt, 8)) {
            return false;
        }
    }
    if (!(present & RADIOTAP_FLAGS)) {
        *flags = 0;
        return true;
    }
    return cur_u8(&rt, flags);
}

DecodeStatus
decode_radiotap(DecodeThread *dt, Packet *p, Cursor c)
{
    uint8_t version = 0, flags = 0;
    uint16_t rt_len = 0;
    Cursor hdr = c, rt;

    dctr_own_inc(dt, DCTR_RADIOTAP);
    if (c.left < RADIOTAP_HDR_MIN || !cur_u8(&hdr, &version) || !cur_skip(&hdr, 1)
        || !cur_le16(&hdr, &rt_len)) {
        return decode_fail(p, DECODE_RADIOTAP_PKT_TOO_SMALL);
    }
    if (version != 0) {
        return decode_fail(p, DECODE_RADIOTAP_WRONG_VERSION);
    }
    /* The length covers the whole radiotap header: below 8, or past the captured bytes, the
     * header lies, and so would any field read from it. */
    if (rt_len < RADIOTAP_HDR_MIN || !cur_take(&c, rt_len, &rt)
        || !radiotap_flags(rt, rt_len, &flags)) {
        return decode_fail(p, DECODE_RADIOTAP_PKT_TOO_SMALL);
    }
    if (flags & RADIOTAP_F_BADFCS) {
        return DECODE_OK; /* damaged on the air: decoding it would only raise false events */
    }
    if (flags & RADIOTAP_F_FCS) {
        if (c.left < WLAN_FCS_LEN) {
            return decode_fail(p, DECODE_IEEE80211_PKT_TOO_SMALL);
        }
        cur_truncate(&c, c.left - WLAN_FCS_LEN);
    }
    return decode_ieee80211(dt, p, c);
}
