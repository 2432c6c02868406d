/* eve_drop.c: "drop" records, one per packet an inline engine drops, as Suricata 8.0.7 writes
 * them: the packet header, direction, "drop" {the IP header's length, TOS/class, TTL/hop
 * limit, id/flow label; the TCP header's fields, UDP's length or ICMP's id and sequence;
 * reason}, then verdict and the alert of the rule that dropped it, as the drop type's options
 * ask. Written in IPS mode only: in IDS mode nothing is dropped. */
#include "output/eve_int.h"

#include "core/cursor.h"
#include "core/proto.h"

/* Was the packet dropped by one of its own rules (reason "rules"), not as a packet of a flow
 * dropped earlier ("flow drop")? The rule's alert, the first logged one when there are several
 * (a noalert drop has none logged, but still dropped the packet). */
static const DetectAlert *
drop_rule(const DetectAlerts *a)
{
    const DetectAlert *quiet = NULL;

    for (uint16_t i = 0; i < a->cnt; i++) {
        uint8_t act = a->a[i].action;
        if (act == DETECT_ACT_PASS || act == DETECT_ACT_ALERT || a->a[i].sig == NULL) {
            continue;
        }
        if (!(a->a[i].flags & DETECT_ALERT_F_NOALERT)) {
            return &a->a[i];
        }
        if (quiet == NULL) {
            quiet = &a->a[i];
        }
    }
    return quiet;
}

/* ICMP's identifier and sequence as Suricata logs them: the two header bytes read in host
 * order (its decoder keeps them unconverted), and only for the messages that carry them. */
static void
put_icmp_ids(JsonBuf *jb, Cursor l4, bool v6, uint8_t type)
{
    uint16_t id = 0, seq = 0;
    bool has_ids =
        v6 ? (type == 128 || type == 129) : (type == 0 || type == 8 || (type >= 13 && type <= 18));

    if (!has_ids || !cur_skip(&l4, 4) || !cur_le16(&l4, &id) || !cur_le16(&l4, &seq)) {
        id = seq = 0;
    }
    json_u64(jb, "icmp_id", id);
    json_u64(jb, "icmp_seq", seq);
}

static void
put_tcp(JsonBuf *jb, Cursor t)
{
    static const struct {
        const char *name;
        uint8_t bit;
    } flags[] = {{"syn", 0x02}, {"ack", 0x10}, {"psh", 0x08},
                 {"rst", 0x04}, {"urg", 0x20}, {"fin", 0x01}};
    uint32_t seq, ack;
    uint16_t ports0, ports1, win, sum, urgp;
    uint8_t off, fl;

    if (!cur_be16(&t, &ports0) || !cur_be16(&t, &ports1) || !cur_be32(&t, &seq)
        || !cur_be32(&t, &ack) || !cur_u8(&t, &off) || !cur_u8(&t, &fl) || !cur_be16(&t, &win)
        || !cur_be16(&t, &sum) || !cur_be16(&t, &urgp)) {
        return;
    }
    json_u64(jb, "tcpseq", seq);
    json_u64(jb, "tcpack", ack);
    json_u64(jb, "tcpwin", win);
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        json_bool(jb, flags[i].name, (fl & flags[i].bit) != 0);
    }
    json_u64(jb, "tcpres", off & 0x0f);
    json_u64(jb, "tcpurgp", urgp);
}

/* The "drop" object's header fields. */
static void
put_drop_fields(JsonBuf *jb, const Packet *p)
{
    Cursor ip = cur_init(p->data + p->l3_off, p->l3_len);
    Cursor l4 = cur_init(p->data + p->l4_off, p->l4_len);
    uint16_t len, id;
    uint8_t b0, b1, b2, b3, ttl;

    if (p->ip_ver == 4 && cur_u8(&ip, &b0) && cur_u8(&ip, &b1) && cur_be16(&ip, &len)
        && cur_be16(&ip, &id) && cur_skip(&ip, 2) && cur_u8(&ip, &ttl)) {
        json_u64(jb, "len", len);
        json_u64(jb, "tos", b1);
        json_u64(jb, "ttl", ttl);
        json_u64(jb, "ipid", id);
    } else if (p->ip_ver == 6 && cur_u8(&ip, &b0) && cur_u8(&ip, &b1) && cur_u8(&ip, &b2)
               && cur_u8(&ip, &b3) && cur_be16(&ip, &len) && cur_skip(&ip, 1)
               && cur_u8(&ip, &ttl)) {
        json_u64(jb, "len", len);
        json_u64(jb, "tc", (unsigned)(b0 & 0x0f) << 4 | b1 >> 4);
        json_u64(jb, "hoplimit", ttl);
        json_u64(jb, "flowlbl", (uint32_t)(b1 & 0x0f) << 16 | (uint32_t)b2 << 8 | b3);
    } else {
        return;
    }
    if (p->l4_len == 0) {
        return;
    }
    switch (p->proto) {
    case SK_IPPROTO_TCP:
        put_tcp(jb, l4);
        break;
    case SK_IPPROTO_UDP:
        if (cur_skip(&l4, 4) && cur_be16(&l4, &len)) {
            json_u64(jb, "udplen", len);
        }
        break;
    case SK_IPPROTO_ICMP:
        if (p->ip_ver == 4 && (p->flags & PKT_F_HAS_ICMP)) {
            put_icmp_ids(jb, l4, false, p->icmp_type);
        }
        break;
    case SK_IPPROTO_ICMPV6:
        if (p->ip_ver == 6 && (p->flags & PKT_F_HAS_ICMP)) {
            put_icmp_ids(jb, l4, true, p->icmp_type);
        }
        break;
    default:
        break;
    }
}

void
eve_log_drop(EveWriter *ew, const Packet *p, const DetectAlerts *a)
{
    const EveConfig *cfg = &ew->cfg;
    Flow *f = p->flow;

    if (!cfg->ips || !eve_config_type_on(cfg, EVE_TYPE_DROP)
        || !(a->verdict & (DETECT_VERDICT_DROP | DETECT_VERDICT_REJECT))
        || (a->verdict & DETECT_VERDICT_PASS)) {
        return;
    }
    const DetectAlert *rule = drop_rule(a);
    if (rule == NULL && (f == NULL || !(f->flags & FLOW_F_DROP))) {
        return; /* nothing here dropped it */
    }
    /* flows: start: a dropped flow's packets are logged once per direction; a packet a rule
     * dropped is logged all the same. */
    uint8_t logged = p->flow_toserver ? FLOW_F_DROP_LOGGED_TS : FLOW_F_DROP_LOGGED_TC;
    if (f != NULL && !eve_config_option_on(cfg, EVE_OPT_DROP_FLOWS_ALL)) {
        if (rule == NULL && (f->flags & logged)) {
            return;
        }
        f->flags |= logged;
    }

    JsonBuf *jb = eve_begin_packet(ew, p, "drop");
    if (f != NULL) {
        json_str(jb, "direction", p->flow_toserver ? "to_server" : "to_client");
    }
    json_open_obj(jb, "drop");
    put_drop_fields(jb, p);
    json_str(jb, "reason", rule != NULL ? "rules" : "flow drop");
    json_close_obj(jb);
    if (eve_config_option_on(cfg, EVE_OPT_DROP_VERDICT)) {
        eve_put_verdict(jb, p, a, true);
    }
    if (rule != NULL && eve_config_option_on(cfg, EVE_OPT_DROP_ALERTS)) {
        eve_put_alert_obj(jb, p, rule, cfg, false);
    }
    eve_commit(ew);
}
