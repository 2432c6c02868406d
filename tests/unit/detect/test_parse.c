/* test_parse.c: the rule parser (src/detect/parse.c, vars.c, keywords/). Header grammar with
 * every construct and its odd cases, option splitting and escaping, content and its modifiers
 * with Suricata 8.0.7's checks (each "fails" case below was checked to fail in Suricata 8.0.7
 * -T, each "loads" case to load), and the error lines and summary counts of a rule file. */
#include "detect/detect_int.h"

#include <arpa/inet.h>

#include "core/log.h"
#include "../core/test_support.h"

static CfgNode *cfg;

static int
setup(void **state)
{
    (void)state;
    cfg = cfg_load_default();
    return cfg == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    (void)state;
    cfg_free(cfg);
    return 0;
}

/* Parses text; returns the signature (caller frees) or NULL, the status in *st. */
static Signature *
parse_st(const char *text, SigParseStatus *st, char *err)
{
    Signature *s = NULL;
    SigParseInfo info;
    *st = sig_parse(cfg, text, strlen(text), &s, &info);
    if (err != NULL) {
        snprintf(err, DETECT_ERR_MAX, "%s", info.err);
    }
    sig_parse_info_fini(&info);
    return s;
}

static Signature *
parse_ok(const char *text)
{
    SigParseStatus st;
    char err[DETECT_ERR_MAX];
    Signature *s = parse_st(text, &st, err);
    if (st != SIG_PARSE_OK) {
        fail_msg("expected to load: %s\n  got: %s", text, err);
    }
    return s;
}

/* The rule fails, and its reason contains want. */
static void
parse_fails(const char *text, const char *want)
{
    SigParseStatus st;
    char err[DETECT_ERR_MAX];
    Signature *s = parse_st(text, &st, err);
    if (st != SIG_PARSE_FAILED) {
        sig_free(s);
        fail_msg("expected to fail: %s (status %d)", text, st);
    }
    if (want != NULL && strstr(err, want) == NULL) {
        fail_msg("%s\n  reason \"%s\" lacks \"%s\"", text, err, want);
    }
}

static uint32_t
v4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return ntohl(a.s_addr);
}

static bool
has6(const DetectAddr *a, const char *s)
{
    uint8_t b[16];
    assert_int_equal(inet_pton(AF_INET6, s, b), 1);
    return detect_addr_has_v6(a, b);
}

static const DetectContent *
content_at(const Signature *s, uint32_t i)
{
    const SigMatchList *l = &s->lists[DETECT_LIST_PMATCH];
    assert_true(i < l->cnt);
    assert_int_equal(l->sm[i].kw, DETECT_KW_CONTENT);
    return l->sm[i].ctx;
}

/* ---- header ---- */

static void
every_action_parses(void **state)
{
    static const struct {
        const char *name;
        SigAction act;
    } acts[] = {{"alert", SIG_ACT_ALERT},
                {"pass", SIG_ACT_PASS},
                {"drop", SIG_ACT_DROP},
                {"reject", SIG_ACT_REJECT},
                {"rejectsrc", SIG_ACT_REJECTSRC},
                {"rejectdst", SIG_ACT_REJECTDST},
                {"rejectboth", SIG_ACT_REJECTBOTH}};
    (void)state;
    for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
        char rule[128];
        Signature *s;
        snprintf(rule, sizeof(rule), "%s tcp any any -> any any (sid:1;)", acts[i].name);
        s = parse_ok(rule);
        assert_int_equal(s->action, acts[i].act);
        sig_free(s);
    }
    parse_fails("alerts tcp any any -> any any (sid:1;)", "action");
    parse_fails("Alert tcp any any -> any any (sid:1;)", "action");
}

static void
protocols_and_app_protocols_parse(void **state)
{
    static const struct {
        const char *name;
        SigProto proto;
    } ps[] = {{"ip", SIG_PROTO_IP},           {"tcp", SIG_PROTO_TCP},
              {"udp", SIG_PROTO_UDP},         {"icmp", SIG_PROTO_ICMP},
              {"tcp-pkt", SIG_PROTO_TCP_PKT}, {"tcp-stream", SIG_PROTO_TCP_STREAM},
              {"http", SIG_PROTO_APP},        {"tls", SIG_PROTO_APP},
              {"dns", SIG_PROTO_APP},         {"smb", SIG_PROTO_APP}};
    (void)state;
    for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
        char rule[128];
        Signature *s;
        snprintf(rule, sizeof(rule), "alert %s any any -> any any (sid:1;)", ps[i].name);
        s = parse_ok(rule);
        assert_int_equal(s->proto, ps[i].proto);
        if (ps[i].proto == SIG_PROTO_APP) {
            assert_string_equal(s->app_proto, ps[i].name);
        }
        sig_free(s);
    }
    parse_fails("alert foo any any -> any any (sid:1;)", "cannot be used in a signature");
}

static void
direction_arrow_or_both_ways(void **state)
{
    Signature *s;
    (void)state;
    s = parse_ok("alert tcp 1.1.1.1 any -> 2.2.2.2 80 (sid:1;)");
    assert_false(s->flags & SIG_F_BIDIR);
    sig_free(s);
    s = parse_ok("alert tcp 1.1.1.1 any <> 2.2.2.2 80 (sid:1;)");
    assert_true(s->flags & SIG_F_BIDIR);
    sig_free(s);
    /* Suricata: <> with the same both sides is treated as one direction */
    s = parse_ok("alert tcp any any <> any any (sid:1;)");
    assert_false(s->flags & SIG_F_BIDIR);
    sig_free(s);
    parse_fails("alert tcp any any <- any any (sid:1;)", "direction");
    parse_fails("alert tcp any any > any any (sid:1;)", "direction");
    parse_fails("alert tcp any any -> any (sid:1;)", "incomplete rule header");
    parse_fails("alert tcp any any -> any any", "no rule options");
}

static void
addresses_cidr_ranges_groups_and_negation(void **state)
{
    Signature *s;
    (void)state;
    s = parse_ok("alert ip 10.0.0.0/8 any -> [192.168.1.1,192.168.2.0/24] any (sid:1;)");
    assert_true(detect_addr_has_v4(&s->src, v4("10.255.0.1")));
    assert_false(detect_addr_has_v4(&s->src, v4("11.0.0.0")));
    assert_int_equal(s->src.v6.cnt, 0);
    assert_true(detect_addr_has_v4(&s->dst, v4("192.168.1.1")));
    assert_true(detect_addr_has_v4(&s->dst, v4("192.168.2.77")));
    assert_false(detect_addr_has_v4(&s->dst, v4("192.168.1.2")));
    sig_free(s);

    /* host bits under the mask are ignored (1.2.3.5/24 loads in Suricata) */
    s = parse_ok("alert ip 1.2.3.5/24 any -> 1.2.3.4-1.2.3.9 any (sid:1;)");
    assert_true(detect_addr_has_v4(&s->src, v4("1.2.3.0")));
    assert_true(detect_addr_has_v4(&s->dst, v4("1.2.3.9")));
    assert_false(detect_addr_has_v4(&s->dst, v4("1.2.3.10")));
    sig_free(s);

    /* netmask form */
    s = parse_ok("alert ip 10.1.0.0/255.255.0.0 any -> any any (sid:1;)");
    assert_true(detect_addr_has_v4(&s->src, v4("10.1.200.1")));
    assert_false(detect_addr_has_v4(&s->src, v4("10.2.0.1")));
    sig_free(s);

    /* negation, as Suricata merges it: a family with negated values and no plain ones starts
     * from the whole family; a family with neither stays empty (no IPv6 here) */
    s = parse_ok("alert ip !1.2.3.4 any -> any any (sid:1;)");
    assert_false(detect_addr_has_v4(&s->src, v4("1.2.3.4")));
    assert_true(detect_addr_has_v4(&s->src, v4("1.2.3.5")));
    assert_true(detect_addr_has_v4(&s->src, v4("0.0.0.0")));
    assert_true(detect_addr_has_v4(&s->src, v4("255.255.255.255")));
    assert_false(has6(&s->src, "::1"));
    sig_free(s);

    /* a plain nested group is flattened into its parent; a negated one is merged first and
     * its result negated: ![1.1.1.1,!1.1.1.2] is ![1.1.1.1], every IPv4 address but 1.1.1.1 */
    s = parse_ok("alert ip [1.0.0.0/8,[1.2.0.0/16,!1.1.1.1],!1.2.3.4] any -> "
                 "![1.1.1.1,!1.1.1.2] any (sid:1;)");
    assert_false(detect_addr_has_v4(&s->src, v4("1.1.1.1")));
    assert_false(detect_addr_has_v4(&s->src, v4("1.2.3.4")));
    assert_true(detect_addr_has_v4(&s->src, v4("1.2.3.5")));
    assert_false(detect_addr_has_v4(&s->dst, v4("1.1.1.1")));
    assert_true(detect_addr_has_v4(&s->dst, v4("1.1.1.2")));
    sig_free(s);
    parse_fails("alert ip [!::/0] any -> any any (sid:1;)", "negated");
    parse_fails("alert ip [1.2.3.4,!1.2.3.4/24] any -> any any (sid:1;)", "no addresses left");

    /* a group of positives minus negatives, nested negated group */
    s = parse_ok("alert ip [1.2.3.0/24,![1.2.3.4,1.2.3.5]] any -> [any,!1.2.3.4] any (sid:1;)");
    assert_true(detect_addr_has_v4(&s->src, v4("1.2.3.3")));
    assert_false(detect_addr_has_v4(&s->src, v4("1.2.3.4")));
    assert_false(detect_addr_has_v4(&s->src, v4("1.2.3.5")));
    assert_true(detect_addr_has_v4(&s->src, v4("1.2.3.6")));
    assert_false(detect_addr_has_v4(&s->dst, v4("1.2.3.4")));
    assert_true(has6(&s->dst, "2001:db8::1"));
    sig_free(s);

    /* only negatives: everything else */
    s = parse_ok("alert ip [!1.2.3.4,!5.6.7.8] any -> any any (sid:1;)");
    assert_false(detect_addr_has_v4(&s->src, v4("5.6.7.8")));
    assert_true(detect_addr_has_v4(&s->src, v4("5.6.7.9")));
    sig_free(s);

    parse_fails("alert ip !any any -> any any (sid:1;)", "negated");
    parse_fails("alert ip [1.2.3.4,!1.2.3.4] any -> any any (sid:1;)", "no addresses left");
    parse_fails("alert ip 1.2.3.4/33 any -> any any (sid:1;)", "failed to parse address");
    parse_fails("alert ip 1.2.3 any -> any any (sid:1;)", "failed to parse address");
    parse_fails("alert ip 1.2.3.9-1.2.3.4 any -> any any (sid:1;)", "failed to parse address");
    parse_fails("alert ip 1.2.3.0/255.0.255.0 any -> any any (sid:1;)", "failed to parse");
    parse_fails("alert ip [1.2.3.4 any -> any any (sid:1;)", NULL);
    parse_fails("alert ip [] any -> any any (sid:1;)", "empty");
    parse_fails("alert ip [1.2.3.4,,1.2.3.5] any -> any any (sid:1;)", "empty");
}

static void
ipv6_addresses_and_prefixes(void **state)
{
    Signature *s;
    (void)state;
    s = parse_ok("alert ip [2001:db8::/32,::1] any -> !fe80::/10 any (sid:1;)");
    assert_true(has6(&s->src, "2001:db8:ffff::1"));
    assert_false(has6(&s->src, "2001:db9::1"));
    assert_true(has6(&s->src, "::1"));
    assert_false(has6(&s->src, "::2"));
    assert_int_equal(s->src.v4.cnt, 0);
    assert_false(has6(&s->dst, "fe80::1"));
    assert_true(has6(&s->dst, "fec0::1"));
    assert_false(detect_addr_has_v4(&s->dst, v4("1.1.1.1"))); /* only IPv6 was negated */
    sig_free(s);
    s = parse_ok("alert ip ::/0 any -> 2001:db8::1-2001:db8::ff any (sid:1;)");
    assert_true(has6(&s->src, "ffff::"));
    assert_true(has6(&s->dst, "2001:db8::80"));
    assert_false(has6(&s->dst, "2001:db8::100"));
    sig_free(s);
    parse_fails("alert ip ::1/129 any -> any any (sid:1;)", "failed to parse address");
}

static void
ports_ranges_groups_and_negation(void **state)
{
    Signature *s;
    (void)state;
    s = parse_ok("alert tcp any [80,8080:8090,!8085] -> any 1024: (sid:1;)");
    assert_true(detect_ports_has(&s->sp, 80));
    assert_true(detect_ports_has(&s->sp, 8084));
    assert_false(detect_ports_has(&s->sp, 8085));
    assert_false(detect_ports_has(&s->sp, 81));
    assert_true(detect_ports_has(&s->dp, 65535));
    assert_false(detect_ports_has(&s->dp, 1023));
    sig_free(s);
    s = parse_ok("alert tcp any :1023 -> any !80: (sid:1;)");
    assert_true(detect_ports_has(&s->sp, 0));
    assert_false(detect_ports_has(&s->sp, 1024));
    assert_true(detect_ports_has(&s->dp, 79));
    assert_false(detect_ports_has(&s->dp, 80));
    sig_free(s);
    s = parse_ok("alert tcp any 0 -> any ![80,443] (sid:1;)");
    assert_true(detect_ports_has(&s->sp, 0));
    assert_false(detect_ports_has(&s->dp, 443));
    assert_true(detect_ports_has(&s->dp, 444));
    sig_free(s);
    parse_fails("alert tcp any [80,!80] -> any any (sid:1;)", "no ports left");
    parse_fails("alert tcp any 80:70 -> any any (sid:1;)", "failed to parse port");
    parse_fails("alert tcp any 65536 -> any any (sid:1;)", "failed to parse port");
    parse_fails("alert tcp any 80a -> any any (sid:1;)", "failed to parse port");
    parse_fails("alert tcp any !: -> any any (sid:1;)", "negated");
    /* a variable's text stands in for its name: SHELLCODE_PORTS is "!80" */
    parse_fails("alert tcp any [$SHELLCODE_PORTS,80] -> any any (sid:1;)", "no ports left");
    s = parse_ok("alert tcp any : -> any [1:10,![2:3]] (sid:1;)"); /* ":" is every port */
    assert_true(detect_ports_has(&s->sp, 0));
    assert_true(detect_ports_has(&s->sp, 65535));
    assert_true(detect_ports_has(&s->dp, 4));
    assert_false(detect_ports_has(&s->dp, 3));
    sig_free(s);
    parse_fails("alert tcp any !any -> any any (sid:1;)", "negated");
}

static void
variables_come_from_the_config(void **state)
{
    Signature *s;
    (void)state;
    /* built-in config: HOME_NET [192.168.0.0/16,10.0.0.0/8,172.16.0.0/12], EXTERNAL_NET
     * !$HOME_NET, HTTP_PORTS 80, FILE_DATA_PORTS [$HTTP_PORTS,110,143], SIP_PORTS "[5060, 5061]" */
    s = parse_ok("alert tcp $HOME_NET any -> $EXTERNAL_NET $FILE_DATA_PORTS (sid:1;)");
    assert_true(detect_addr_has_v4(&s->src, v4("10.1.1.1")));
    assert_false(detect_addr_has_v4(&s->src, v4("8.8.8.8")));
    assert_false(detect_addr_has_v4(&s->dst, v4("10.1.1.1")));
    assert_true(detect_addr_has_v4(&s->dst, v4("8.8.8.8")));
    assert_false(has6(&s->dst, "2001:db8::1")); /* Suricata's !$HOME_NET: IPv4 only */
    assert_true(detect_ports_has(&s->dp, 80));
    assert_true(detect_ports_has(&s->dp, 143));
    assert_false(detect_ports_has(&s->dp, 81));
    sig_free(s);
    s = parse_ok("alert udp [$HTTP_SERVERS,!10.0.0.1] $SIP_PORTS -> any !$HTTP_PORTS (sid:1;)");
    assert_false(detect_addr_has_v4(&s->src, v4("10.0.0.1")));
    assert_true(detect_addr_has_v4(&s->src, v4("10.0.0.2")));
    assert_true(detect_ports_has(&s->sp, 5061));
    assert_false(detect_ports_has(&s->dp, 80));
    sig_free(s);
    parse_fails("alert tcp $FOO any -> any any (sid:1;)", "\"FOO\" is not defined");
    parse_fails("alert tcp any $NOPE -> any any (sid:1;)", "\"NOPE\" is not defined");
}

static void
variable_loops_are_bounded(void **state)
{
    CfgNode *c =
        cfg_load_string("vars:\n  address-groups:\n    A: \"$B\"\n    B: \"[$A]\"\n", "loop");
    Signature *s = NULL;
    SigParseInfo info;
    (void)state;
    assert_non_null(c);
    assert_int_equal(sig_parse(c, "alert ip $A any -> any any (sid:1;)", 35, &s, &info),
                     SIG_PARSE_FAILED);
    assert_non_null(strstr(info.err, "too deep"));
    sig_parse_info_fini(&info);
    cfg_free(c);
}

/* ---- options and escaping ---- */

static void
options_split_on_unescaped_semicolons(void **state)
{
    Signature *s;
    (void)state;
    s = parse_ok("alert tcp any any -> any any (msg:\"a\\;b\\\"c\\\\d\"; sid:5;)");
    assert_string_equal(s->msg, "a;b\"c\\d");
    assert_int_equal(s->sid, 5);
    sig_free(s);
    /* blanks around names and values, no blank before "(", no closing ")" (Suricata loads) */
    s = parse_ok("alert tcp any any -> any any(  msg : \"x\" ;sid: 62 ;  rev:2;   ");
    assert_string_equal(s->msg, "x");
    assert_int_equal(s->sid, 62);
    assert_int_equal(s->rev, 2);
    sig_free(s);
    parse_fails("alert tcp any any -> any any (msg:\"x\")", "no terminating");
    parse_fails("alert tcp any any -> any any (msg:\"un;terminated\"; sid:1;)",
                "possible missing semicolon");
    parse_fails("alert tcp any any -> any any (msg:abc; sid:1;)", "double quoted");
    parse_fails("alert tcp any any -> any any (msg:\"\"; sid:1;)", NULL);
}

static void
metadata_keywords_parse(void **state)
{
    Signature *s;
    (void)state;
    s = parse_ok("alert tcp any any -> any any (msg:\"m\"; sid:2000001; rev:3; gid:0; "
                 "classtype:trojan-activity; priority:2; reference:url,example.com/x; "
                 "reference:cve,2024-1; metadata:created_at 2025_01_01, signature_severity "
                 "Major; target:dest_ip; noalert;)");
    assert_int_equal(s->sid, 2000001);
    assert_int_equal(s->rev, 3);
    assert_int_equal(s->gid, 0);
    assert_string_equal(s->classtype, "trojan-activity");
    assert_int_equal(s->priority, 2);
    assert_int_equal(s->ref_cnt, 2);
    assert_string_equal(s->refs[1], "cve,2024-1");
    assert_int_equal(s->meta_cnt, 2);
    assert_string_equal(s->metadata[0], "created_at 2025_01_01");
    assert_string_equal(s->metadata[1], "signature_severity Major");
    assert_true(s->flags & SIG_F_TARGET_DST);
    assert_true(s->flags & SIG_F_NOALERT);
    sig_free(s);
    /* Suricata 8.0.7 loads priority 0 and 256 */
    sig_free(parse_ok("alert tcp any any -> any any (sid:1; priority:0;)"));
    sig_free(parse_ok("alert tcp any any -> any any (sid:1; priority:256;)"));
    parse_fails("alert tcp any any -> any any (msg:\"x\";)", "missing required value \"sid\"");
    parse_fails("alert tcp any any -> any any (sid:0;)", "sid value 0 is invalid");
    parse_fails("alert tcp any any -> any any (sid:1; rev:0;)", "rev value 0 is invalid");
    parse_fails("alert tcp any any -> any any (sid:abc;)", "invalid sid");
    parse_fails("alert tcp any any -> any any (sid:4294967296;)", "invalid sid");
    parse_fails("alert tcp any any -> any any (sid:59; sid:60;)", "duplicated 'sid'");
    parse_fails("alert tcp any any -> any any (sid:1; msg:\"a\"; msg:\"b\";)", "duplicated");
    parse_fails("alert tcp any any -> any any (sid:1; target:foo;)", "target");
    parse_fails("alert tcp any any -> any any (sid:1; noalert:x;)", "unexpected option");
    parse_fails("alert tcp any any -> any any (sid:1; reference:foo;)", "reference");
    parse_fails("alert tcp any any -> any any (sid:1; sid;)", "needs a value");
}

/* ---- content ---- */

static void
content_decodes_hex_and_escapes(void **state)
{
    Signature *s;
    const DetectContent *c;
    (void)state;
    s = parse_ok("alert tcp any any -> any any (content:\"A|42 43|D\\;\\\"\\\\\\:|7c|\"; "
                 "content:!\"x\"; content:\"a||b\"; content:\"|20 |\"; sid:1;)");
    c = content_at(s, 0);
    assert_int_equal(c->len, 9);
    assert_memory_equal(c->pat, "ABCD;\"\\:|", 9);
    assert_false(c->flags & DETECT_CONTENT_NEGATED);
    c = content_at(s, 1);
    assert_true(c->flags & DETECT_CONTENT_NEGATED);
    assert_int_equal(c->len, 1);
    c = content_at(s, 2);
    assert_int_equal(c->len, 2); /* "||" is an empty hex run, loads in Suricata */
    c = content_at(s, 3);
    assert_int_equal(c->len, 1);
    assert_int_equal(c->pat[0], 0x20);
    sig_free(s);
    sig_free(parse_ok("alert tcp any any -> any any (content:! \"abc\"; sid:1;)"));
    parse_fails("alert tcp any any -> any any (content:\"a|4|1\"; sid:1;)", "Incomplete hex");
    parse_fails("alert tcp any any -> any any (content:\"a|41 4G|\"; sid:1;)", "Invalid hex");
    parse_fails("alert tcp any any -> any any (content:\"a|41\"; sid:1;)", "assembly");
    parse_fails("alert tcp any any -> any any (content:\"a\\x\"; sid:1;)", "has to be escaped");
    parse_fails("alert tcp any any -> any any (content:\"a\\nb\"; sid:1;)", "has to be escaped");
    parse_fails("alert tcp any any -> any any (content:\"a\\|b\"; sid:1;)", "escaped");
    parse_fails("alert tcp any any -> any any (content:\"a\"b\"; sid:1;)", "double quote");
    parse_fails("alert tcp any any -> any any (content:\"\"; sid:1;)", "bad input");
    parse_fails("alert tcp any any -> any any (content:abc; sid:1;)", "double quoted");
    parse_fails("alert tcp any any -> any any (content:\"ab\"x; sid:1;)", "missing semicolon");
}

static void
content_modifiers_apply_to_the_last_content(void **state)
{
    Signature *s;
    const DetectContent *c;
    (void)state;
    s = parse_ok("alert tcp any any -> any any (content:\"abc\"; nocase; offset:3; depth:5; "
                 "rawbytes; content:\"de\"; distance:-5; within:10; fast_pattern; "
                 "content:\"fgh\"; startswith; endswith; sid:1;)");
    c = content_at(s, 0);
    assert_int_equal(c->flags
                         & (DETECT_CONTENT_NOCASE | DETECT_CONTENT_OFFSET | DETECT_CONTENT_DEPTH
                            | DETECT_CONTENT_RAWBYTES | DETECT_CONTENT_RELATIVE_NEXT),
                     DETECT_CONTENT_NOCASE | DETECT_CONTENT_OFFSET | DETECT_CONTENT_DEPTH
                         | DETECT_CONTENT_RAWBYTES | DETECT_CONTENT_RELATIVE_NEXT);
    assert_int_equal(c->offset, 3);
    assert_int_equal(c->depth, 5);
    c = content_at(s, 1);
    assert_int_equal(c->distance, -5);
    assert_int_equal(c->within, 10);
    assert_true(c->flags & DETECT_CONTENT_FAST_PATTERN);
    c = content_at(s, 2);
    assert_true(c->flags & DETECT_CONTENT_STARTSWITH);
    assert_true(c->flags & DETECT_CONTENT_ENDSWITH);
    assert_int_equal(c->depth, 3);
    sig_free(s);
    s = parse_ok("alert tcp any any -> any any (content:\"abcd\"; fast_pattern:1,2; sid:1;)");
    assert_true(content_at(s, 0)->flags & DETECT_CONTENT_FP_CHOP);
    assert_int_equal(content_at(s, 0)->fp_chop_off, 1);
    assert_int_equal(content_at(s, 0)->fp_chop_len, 2);
    sig_free(s);
    /* odd cases that load in Suricata 8.0.7 */
    sig_free(parse_ok("alert tcp any any -> any any (content:\"abc\"; distance:2; sid:1;)"));
    sig_free(parse_ok("alert tcp any any -> any any (content:\"abc\"; fast_pattern; "
                      "fast_pattern:only; sid:1;)"));
    sig_free(parse_ok("alert tcp any any -> any any (content:\"abc\"; fast_pattern:only; "
                      "nocase; sid:1;)"));
    sig_free(parse_ok("alert tcp any any -> any any (content:!\"abc\"; fast_pattern; sid:1;)"));
    sig_free(parse_ok("alert tcp any any -> any any (content:\"abc\"; endswith; within:4; "
                      "sid:1;)"));
    sig_free(parse_ok("alert tcp any any -> any any (content:\"abc\"; within:70000; sid:1;)"));
    sig_free(parse_ok("alert tcp any any -> any any (content:\"abc\"; depth:+4; sid:1;)"));
}

static void
content_modifier_checks_match_suricata(void **state)
{
    (void)state;
    parse_fails("alert tcp any any -> any any (depth:4; content:\"abc\"; sid:2;)",
                "depth needs preceding content, uricontent option");
    parse_fails("alert tcp any any -> any any (endswith; content:\"a\"; sid:2;)",
                "needs a preceding content");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; depth:0; sid:1;)",
                "depth:0 smaller than content of len 3");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; offset:2; depth:2; sid:1;)",
                "smaller than content");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; within:2; sid:1;)",
                "less than the content length");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; within:-5; distance:1; sid:1;)",
                "less than the content length");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; depth:5; within:5; sid:1;)",
                "relative keyword");
    parse_fails("alert tcp any any -> any any (content:\"a\"; distance:1; offset:2; sid:1;)",
                "relative keyword");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; startswith; within:4; sid:1;)",
                "relative keyword");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; depth:5; depth:6; sid:1;)",
                "multiple depth");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; startswith; depth:5; sid:1;)",
                "multiple depth");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; depth:3; startswith; sid:1;)",
                "multiple depth");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; startswith; offset:2; sid:1;)",
                "offset with startswith");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; offset:1; offset:2; sid:1;)",
                "multiple offsets");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; distance:1; distance:2; sid:1;)",
                "multiple distances");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; within:4; within:5; sid:1;)",
                "multiple withins");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; nocase; nocase; sid:1;)",
                "multiple nocase");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; rawbytes; rawbytes; sid:1;)",
                "multiple rawbytes");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; offset:-1; sid:1;)",
                "invalid value for offset");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; offset:70000; sid:1;)",
                "invalid value for offset");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; depth:abc; sid:1;)",
                "unknown byte_ keyword var");
    parse_fails("alert tcp any any -> any any (content:!\"abc\"; fast_pattern:only; sid:1;)",
                "cannot be used with negated");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; fast_pattern:only; depth:4; "
                "sid:1;)",
                "fast_pattern:only");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; fast_pattern; content:\"def\"; "
                "fast_pattern; sid:1;)",
                "only one content");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; fast_pattern:only; "
                "fast_pattern; sid:1;)",
                "multiple fast_pattern");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; fast_pattern:2,2; sid:1;)",
                "exceeds pattern length");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; fast_pattern:chop; sid:1;)",
                "fast_pattern");
    parse_fails("alert tcp any any -> any any (content:!\"abc\"; fast_pattern:1,1; depth:10; "
                "sid:1;)",
                "relative negated");
    parse_fails("alert tcp any any -> any any (content:!\"abc\"; distance:-5; "
                "fast_pattern:0,2; sid:1;)",
                "negated content");
    parse_fails("alert tcp any any -> any any (content:\"abc\"; fast_pattern:only; "
                "content:\"d\"; distance:1; sid:1;)",
                "previous keyword has a fast_pattern:only");
    /* loads in Suricata 8.0.7: the non-plain forms skip the one-content checks */
    sig_free(parse_ok("alert tcp any any -> any any (content:\"ab\"; fast_pattern; content:\"cd\"; "
                      "fast_pattern:1,1; sid:1;)"));
    sig_free(parse_ok("alert tcp any any -> any any (content:\"abcdef\"; fast_pattern:only; "
                      "fast_pattern:0,2; fast_pattern:1,1; sid:1;)"));
    parse_fails("alert tcp any any -> any any (content:\"abc\"; nocase:x; sid:1;)",
                "unexpected option to nocase");
}

static void
unknown_keywords_make_the_rule_unsupported(void **state)
{
    Signature *s = NULL;
    SigParseInfo info;
    const char *r = "alert tcp any any -> any any (msg:\"x\"; lua:established; "
                    "content:\"a\"; luajit:\"/a/\"; lua:to_server; sid:1;)";
    (void)state;
    assert_int_equal(sig_parse(cfg, r, strlen(r), &s, &info), SIG_PARSE_UNSUPPORTED);
    assert_null(s);
    assert_int_equal(info.sid, 1);
    assert_int_equal(info.unsupported_cnt, 2); /* lua once, luajit */
    assert_string_equal(info.unsupported[0], "lua");
    assert_string_equal(info.unsupported[1], "luajit");
    sig_parse_info_fini(&info);
    /* a bad value before the unknown keyword fails the rule as bad, as in Suricata */
    parse_fails("alert tcp any any -> any any (msg:\"un;terminated\"; sid:85;)",
                "missing semicolon");
}

/* ---- rule files ---- */

static void
a_file_reports_each_bad_rule_on_one_line_and_goes_on(void **state)
{
    static const char text[] =
        "# a comment\n"
        "\n"
        "   # an indented comment\n"
        "alert tcp any any -> any any (msg:\"ok\"; content:\"abc\"; sid:1;)\n"
        "alert tcp any any -> any any (msg:\"bad\"; depth:4; content:\"abc\"; sid:2;)\r\n"
        "alert tcp any any -> any any (msg:\"multi\"; \\\n"
        "    content:\"x\"; \\\n"
        "    sid:3;)\n"
        "alert tcp any any -> any any (msg:\"unk\"; foobarkw:1; sid:4;)\n"
        "alert tcp any any -> any any (msg:\"dup\"; sid:1;)\n"
        "#alert tcp any any -> any any (msg:\"commented out\"; sid:5;)\n"
        "alert tcp any any -> any any (msg:\"no newline at end\"; sid:6;)";
    DetectRules *r = detect_rules_new(cfg);
    Capture cap;
    char *out;
    (void)state;
    assert_non_null(r);
    capture_start(&cap);
    assert_int_equal(detect_rules_load_text(r, text, strlen(text), "t.rules"), SK_OK);
    out = capture_end(&cap);
    /* Suricata's two lines per bad rule: the reason under the keyword's module, then the rule
     * and where it is */
    assert_int_equal(line_count(out), 6);
    assert_non_null(strstr(out, "Error: detect-depth: depth needs preceding content, "));
    assert_non_null(strstr(out, "Error: detect: error parsing signature \"alert tcp any any -> "
                                "any any (msg:\"bad\"; depth:4; content:\"abc\"; sid:2;)\" from "
                                "file t.rules at line 5\n"));
    assert_non_null(strstr(out, "Error: detect-parse: unsupported rule keyword 'foobarkw'\n"));
    assert_non_null(strstr(out, "from file t.rules at line 9\n"));
    assert_non_null(strstr(out, "Error: detect-parse: duplicate signature"));
    assert_non_null(strstr(out, "from file t.rules at line 10\n"));
    free(out);
    assert_int_equal(detect_rules_stats(r)->loaded, 3);
    assert_int_equal(detect_rules_stats(r)->failed, 3);
    assert_int_equal(detect_rules_stats(r)->unsupported, 1);
    assert_int_equal(detect_rules_stats(r)->skipped, 0);

    log_set_level(LOG_LEVEL_INFO);
    capture_start(&cap);
    detect_rules_log_summary(r);
    out = capture_end(&cap);
    log_set_level(LOG_LEVEL_NOTICE);
    assert_string_equal(out, "Info: detect: 0 rule files processed. 3 rules successfully loaded, "
                             "3 rules failed, 0 rules skipped\n"
                             "Warning: detect: 1 rules use unsupported keywords (rules per "
                             "keyword): foobarkw 1\n");
    free(out);
    detect_rules_free(r);
}

static void
a_newer_revision_replaces_the_loaded_rule(void **state)
{
    /* Suricata 8.0.7 on these five lines: 3 loaded, 2 failed */
    static const char text[] = "alert tcp any any -> any any (msg:\"a\"; sid:1; rev:1;)\n"
                               "alert tcp any any -> any any (msg:\"b\"; sid:1; rev:2;)\n"
                               "alert tcp any any -> any any (msg:\"c\"; sid:1; rev:2;)\n"
                               "alert tcp any any -> any any (msg:\"d\"; sid:1; gid:2;)\n"
                               "alert tcp any any -> any any (msg:\"e\"; sid:1; rev:1;)\n";
    DetectRules *r = detect_rules_new(cfg);
    Capture cap;
    char *out;
    (void)state;
    capture_start(&cap);
    assert_int_equal(detect_rules_load_text(r, text, strlen(text), "d.rules"), SK_OK);
    out = capture_end(&cap);
    assert_non_null(strstr(out, "Warning: d.rules:2: sid 1: rev 2 replaces the loaded rev 1\n"));
    assert_non_null(strstr(out, "(msg:\"c\"; sid:1; rev:2;)\" from file d.rules at line 3\n"));
    assert_non_null(strstr(out, "(msg:\"e\"; sid:1; rev:1;)\" from file d.rules at line 5\n"));
    assert_int_equal(line_count(out), 5);
    free(out);
    assert_int_equal(detect_rules_stats(r)->loaded, 3);
    assert_int_equal(detect_rules_stats(r)->failed, 2);
    detect_rules_free(r);
}

static void
many_rules_grow_the_sid_table(void **state)
{
    DetectRules *r = detect_rules_new(cfg);
    (void)state;
    for (unsigned i = 1; i <= 5000; i++) {
        char rule[96];
        int n = snprintf(rule, sizeof(rule), "alert ip any any -> any any (sid:%u;)\n", i);
        assert_int_equal(detect_rules_load_text(r, rule, (size_t)n, "g.rules"), SK_OK);
    }
    assert_int_equal(detect_rules_stats(r)->loaded, 5000);
    assert_int_equal(detect_rules_stats(r)->failed, 0);
    detect_rules_free(r);
}

static void
a_missing_file_is_an_io_error(void **state)
{
    DetectRules *r = detect_rules_new(cfg);
    Capture cap;
    char *out;
    (void)state;
    capture_start(&cap);
    assert_int_equal(detect_rules_load_file(r, "/nonexistent/x.rules"), SK_ERR_IO);
    out = capture_end(&cap);
    assert_int_equal(line_count(out), 1);
    free(out);
    assert_int_equal(detect_rules_stats(r)->files, 0);
    detect_rules_free(r);
}

/* tag: scope, count, metric, direction as Suricata's docs give them; direction only for host. */
static void
tag_forms_parse(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "alert tcp any any -> any any (tag:session; sid:1;)",
        "alert tcp any any -> any any (tag:host; sid:1;)",
        "alert tcp any any -> any any (tag:host,100,packets,src; sid:1;)",
        "alert tcp any any -> any any (tag:host,3600,seconds,dst; sid:1;)",
        "alert tcp any any -> any any (tag:session,10,bytes; tag:host,2,packets,src; sid:1;)",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        Signature *s = parse_ok(ok[i]);
        assert_true(s->lists[DETECT_LIST_POSTMATCH].cnt >= 1);
        sig_free(s);
    }
    parse_fails("alert tcp any any -> any any (tag:flow; sid:1;)", "session or host");
    parse_fails("alert tcp any any -> any any (tag:session,10; sid:1;)", "invalid tag");
    parse_fails("alert tcp any any -> any any (tag:session,10,packets,src; sid:1;)", "direction");
    parse_fails("alert tcp any any -> any any (tag:host,x,packets; sid:1;)", "count");
    parse_fails("alert tcp any any -> any any (tag:host,5,frames; sid:1;)", "metric");
}

/* Transaction directions as Suricata 8.0.7 checks them (each case run there). */
static void
tx_directions_conflict(void **state)
{
    (void)state;
    parse_fails("alert http any any -> any any (flow:to_client; http.uri; content:\"x\"; sid:1;)",
                "rule 1 mixes keywords with conflicting directions");
    parse_fails("alert http any any -> any any (http.uri; content:\"x\"; http.stat_code; "
                "content:\"200\"; sid:3;)",
                "a transactional rule with => should be used");
    parse_fails(
        "alert http any any -> any any (urilen:>5; http.stat_code; content:\"200\"; sid:7;)",
        "conflicting directions");
    sig_free(parse_ok("alert http any any -> any any (flow:to_server; http.header; content:\"x\"; "
                      "sid:4;)"));
    sig_free(parse_ok("alert http any any -> any any (http.uri; content:\"x\"; http.header; "
                      "content:\"y\"; sid:5;)"));
    Signature *s = parse_ok("alert tcp any any -> any any (content:\"GET\"; http_method; "
                            "content:\"/a\"; http_uri; nocase; content:\"z\"; sid:6;)");
    const SigMatchList *uri = &s->lists[detect_buffer_find("http.uri")];
    assert_int_equal(uri->cnt, 1);
    assert_true(((const DetectContent *)uri->sm[0].ctx)->flags & DETECT_CONTENT_NOCASE);
    assert_int_equal(s->lists[detect_buffer_find("http.method")].cnt, 1);
    assert_int_equal(s->lists[DETECT_LIST_PMATCH].cnt, 1); /* "z" stays in pkt_data */
    sig_free(s);
}

/* Legacy spellings: sticky aliases name the same list as the dotted buffer. */
static void
legacy_aliases_name_the_buffer(void **state)
{
    (void)state;
    Signature *a = parse_ok("alert dns any any -> any any (dns_query; content:\"x\"; sid:1;)");
    int l = detect_buffer_find("dns.query");
    assert_true(l > 0);
    assert_int_equal(detect_buffer_find("dns_query"), l);
    assert_int_equal(a->lists[l].cnt, 1);
    sig_free(a);
}

static void
odd_input_never_crashes(void **state)
{
    static const char *const odd[] = {
        "",
        "alert",
        "alert tcp",
        "alert tcp any any -> any any (",
        "alert tcp any any -> any any ()",
        "alert tcp any any -> any any (;)",
        "alert tcp any any -> any any (:;)",
        "alert tcp any any -> any any (sid:1; content:\"\\",
        "alert tcp any any -> any any (sid:1; content:\"\\\";)",
        "alert tcp any any -> any any (sid:1; content:\"|\";)",
        "alert tcp any any -> any any (sid:1; content:!;)",
        "alert tcp any any -> any any (sid:1; content:\";)",
        "alert tcp any any -> any any (sid:1; msg:\"\\\";)",
        "alert tcp [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1.1.1.1]]]]]]]]]]]]]]]]]]]]]]]]]]]]] any -> any "
        "any (sid:1;)",
        "alert tcp ]]] any -> any any (sid:1;)",
        "alert tcp [1.1.1.1]] any -> any any (sid:1;)",
        "alert tcp !!!1.1.1.1 any -> any any (sid:1;)",
        "alert tcp $ any -> any any (sid:1;)",
        "alert tcp any any -> any any (sid:1; fast_pattern:,;)",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        SigParseStatus st;
        Signature *s = parse_st(odd[i], &st, NULL);
        sig_free(s);
    }
    /* a rule's text with a NUL inside stops being a rule at the NUL, and never reads past */
    {
        static const char withnul[] = "alert tcp any any -> any any (sid:1;\0 content:\"a\";)";
        Signature *s = NULL;
        SigParseInfo info;
        (void)sig_parse(cfg, withnul, sizeof(withnul) - 1, &s, &info);
        sig_free(s);
        sig_parse_info_fini(&info);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_action_parses),
        cmocka_unit_test(protocols_and_app_protocols_parse),
        cmocka_unit_test(direction_arrow_or_both_ways),
        cmocka_unit_test(addresses_cidr_ranges_groups_and_negation),
        cmocka_unit_test(ipv6_addresses_and_prefixes),
        cmocka_unit_test(ports_ranges_groups_and_negation),
        cmocka_unit_test(variables_come_from_the_config),
        cmocka_unit_test(variable_loops_are_bounded),
        cmocka_unit_test(options_split_on_unescaped_semicolons),
        cmocka_unit_test(metadata_keywords_parse),
        cmocka_unit_test(content_decodes_hex_and_escapes),
        cmocka_unit_test(content_modifiers_apply_to_the_last_content),
        cmocka_unit_test(content_modifier_checks_match_suricata),
        cmocka_unit_test(unknown_keywords_make_the_rule_unsupported),
        cmocka_unit_test(a_file_reports_each_bad_rule_on_one_line_and_goes_on),
        cmocka_unit_test(a_newer_revision_replaces_the_loaded_rule),
        cmocka_unit_test(many_rules_grow_the_sid_table),
        cmocka_unit_test(a_missing_file_is_an_io_error),
        cmocka_unit_test(odd_input_never_crashes),
        cmocka_unit_test(tag_forms_parse),
        cmocka_unit_test(legacy_aliases_name_the_buffer),
        cmocka_unit_test(tx_directions_conflict),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
