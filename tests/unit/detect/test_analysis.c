/* test_analysis.c: --engine-analysis output (analysis.c): rules.json's rule types and keyword
 * details, rule_group.json's port grouping, against what Suricata 8.0.7 writes for the same
 * rules (taken from its runs on these rules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "detect/detect_int.h"

static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return NULL;
    }
    char *buf = calloc(1, 1 << 20);
    size_t n = buf != NULL ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    (void)n;
    fclose(f);
    return buf;
}

/* Runs the analysis of rules with config cfg_text (NULL: none) in a fresh temporary folder;
 * returns the folder (rules.json, maybe rule_group.json in it). */
static void
analyse(const char *rules, const char *cfg_text, char dir[64])
{
    CfgNode *cfg = cfg_text != NULL ? cfg_load_string(cfg_text, "test") : NULL;
    DetectConfig dc = {.recursion_limit = 3000, .alert_max = 15};
    DetectRules *r = detect_rules_new(NULL);
    assert_non_null(r);
    assert_int_equal(detect_rules_load_text(r, rules, strlen(rules), "t.rules"), SK_OK);
    DetectEngine *de = detect_engine_build(r, &dc);
    assert_non_null(de);
    snprintf(dir, 64, "/tmp/sk-analysis-XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_int_equal(detect_engine_analysis_write(de, cfg, dir), SK_OK);
    detect_engine_free(de);
    cfg_free(cfg);
}

static char *
read_out(const char *dir, const char *name)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *s = slurp(path);
    unlink(path);
    return s;
}

/* The rules.json line of sid, or NULL. */
static const char *
line_of(const char *json, uint32_t sid, char *out, size_t cap)
{
    char key[32];
    snprintf(key, sizeof(key), "\"id\":%u,", sid);
    const char *p = strstr(json, key);
    if (p == NULL) {
        return NULL;
    }
    const char *b = p;
    while (b > json && b[-1] != '\n') {
        b--;
    }
    const char *e = strchr(p, '\n');
    size_t n = e != NULL ? (size_t)(e - b) : strlen(b);
    n = n < cap - 1 ? n : cap - 1;
    memcpy(out, b, n);
    out[n] = '\0';
    return out;
}

static void
test_rule_types(void **state)
{
    (void)state;
    char dir[64], line[4096];
    analyse("alert ip any any -> any any (flowbits:set,fb1; sid:1;)\n"
            "alert ip any any -> any any (flowbits:unset,fb1; sid:2;)\n"
            "alert tcp [10.0.0.0/8,!10.10.10.10] any -> any any (sid:3;)\n"
            "alert tcp any any -> any 80 (decode-event:ipv4.opt_invalid_len; sid:4;)\n"
            "alert tcp any any -> any any (app-layer-protocol:http; sid:5;)\n"
            "alert tcp any any -> any any (content:\"x\"; sid:6;)\n"
            "alert tcp any any -> any any (content:\"abc\"; depth:4; sid:7;)\n"
            "alert udp any any -> any any (content:\"x\"; sid:8;)\n"
            "alert tcp-pkt any any -> any any (content:\"x\"; sid:9;)\n"
            "alert ip any any -> any any (stream-event:3whs_synack_in_wrong_direction; sid:10;)\n"
            "alert tcp any 80 -> any any (sid:11;)\n"
            "alert tcp any any -> any any (flow:to_server; sid:12;)\n"
            "alert tcp !1.2.3.4 any -> any any (sid:13;)\n",
            NULL, dir);
    char *json = read_out(dir, "rules.json");
    assert_non_null(json);
    static const struct {
        uint32_t sid;
        const char *type;
    } want[] = {
        {1, "ip_only"},  {2, "pkt"},        {3, "like_ip_only"},  {4, "de_only"}, {5, "pd_only"},
        {6, "stream"},   {7, "pkt_stream"}, {8, "pkt_stream"},    {9, "pkt"},     {10, "pkt"},
        {11, "ip_only"}, {12, "pkt"},       {13, "like_ip_only"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        char t[64];
        snprintf(t, sizeof(t), "\"type\":\"%s\"", want[i].type);
        assert_non_null(line_of(json, want[i].sid, line, sizeof(line)));
        if (strstr(line, t) == NULL) {
            fail_msg("sid %u: want %s in %s", want[i].sid, t, line);
        }
    }
    /* flow:to_server is a direction, not a test: only "toserver" among the flags. */
    line_of(json, 12, line, sizeof(line));
    assert_non_null(strstr(line, "\"toserver\"]"));
    assert_null(strstr(line, "\"lists\":{\"packet\""));
    /* A stream-only payload rule. */
    line_of(json, 6, line, sizeof(line));
    assert_non_null(strstr(line, "\"need_stream\""));
    assert_null(strstr(line, "\"need_packet\""));
    free(json);
    rmdir(dir);
}

static void
test_keyword_details(void **state)
{
    (void)state;
    char dir[64], line[4096];
    analyse("alert ip any any -> any any (flowbits:isset,fb1|fb2; sid:1;)\n"
            "alert ip any any -> any any (flowbits:set,fb3; flowbits:noalert; sid:2;)\n"
            "alert icmp any any -> any any (icode:2; icmp_id:7; sid:3;)\n"
            "alert icmp any any -> any any (icode:1<>5; sid:4;)\n"
            "alert ip any any -> any any (ipopts:lsrr; sid:5;)\n"
            "alert tcp any any -> any any (content:\"a|3b 00|b\"; offset:2; depth:10; sid:6;)\n"
            "alert tcp any any -> any any (seq:624; ack:782; sid:7;)\n",
            NULL, dir);
    char *json = read_out(dir, "rules.json");
    assert_non_null(json);
    line_of(json, 1, line, sizeof(line));
    assert_non_null(strstr(line, "\"lists\":{\"packet\":{\"matches\":[{\"name\":\"flowbits\","
                                 "\"flowbits\":{\"cmd\":\"isset\",\"names\":[\"fb1\",\"fb2\"],"
                                 "\"operator\":\"or\"}}]}}"));
    assert_non_null(strstr(line, "\"need_flowvar\""));
    line_of(json, 2, line, sizeof(line));
    assert_non_null(strstr(line, "\"postmatch\":{\"matches\":[{\"name\":\"flowbits\",\"flowbits\":"
                                 "{\"cmd\":\"set\",\"names\":[\"fb3\"]}}]}"));
    assert_non_null(strstr(line, "\"dp_any\",\"noalert\""));
    assert_non_null(strstr(line, "\"actions\":[]"));
    line_of(json, 3, line, sizeof(line));
    assert_non_null(strstr(line, "{\"name\":\"icode\",\"code\":{\"equal\":2}}"));
    assert_non_null(strstr(line, "{\"name\":\"icmp_id\",\"id\":{\"number\":7}}"));
    assert_non_null(strstr(line, "\"requirements\":[\"real_pkt\"]"));
    line_of(json, 4, line, sizeof(line));
    assert_non_null(strstr(line, "\"code\":{\"range\":{\"min\":1,\"max\":5}}"));
    line_of(json, 5, line, sizeof(line));
    assert_non_null(strstr(line, "\"ipopts\":{\"option\":\"lsrr\"}"));
    line_of(json, 6, line, sizeof(line));
    /* Suricata's depth is the window's end; the rule language's own bytes are shown in hex. */
    assert_non_null(strstr(line, "\"pattern\":\"a|3B 00|b\",\"length\":4"));
    assert_non_null(strstr(line, "\"offset\":2,\"depth\":12"));
    assert_non_null(strstr(line, "\"mpm\":{\"buffer\":\"payload\",\"pattern\":\"a|3B 00|b\""));
    line_of(json, 7, line, sizeof(line));
    assert_non_null(strstr(line, "{\"name\":\"tcp.seq\",\"seq\":{\"number\":624}}"));
    assert_non_null(strstr(line, "{\"name\":\"tcp.ack\",\"ack\":{\"number\":782}}"));
    free(json);
    rmdir(dir);
}

static const char *const grouping_cfg = "detect:\n"
                                        "  profiling:\n"
                                        "    grouping:\n"
                                        "      dump-to-disk: yes\n"
                                        "      include-rules: yes\n";

/* rule-grouping-14 of suricata-verify: overlapping ranges cut into pieces, the pieces with two
 * rules first, identical rule sets sharing an id. */
static void
test_port_groups(void **state)
{
    (void)state;
    char dir[64];
    analyse("alert tcp any any -> any 80:120 (flow:to_server; content:\"abc\"; sid:1;)\n"
            "alert tcp any 1024: -> any 100:110 (flow:to_server; content:\"abc\"; sid:2;)\n"
            "alert tcp any 1024: -> any 150:250 (flow:to_server; content:\"abc\"; sid:3;)\n"
            "alert tcp any any -> any 200:220 (flow:to_server; content:\"abc\"; sid:4;)\n",
            grouping_cfg, dir);
    char *json = read_out(dir, "rule_group.json");
    char *rules = read_out(dir, "rules.json");
    assert_non_null(json);
    free(rules);
    static const char *const want[] = {
        "{\"port\":100,\"port2\":110,\"rulegroup\":{\"id\":0,\"rules\":[{\"sig_id\":1},{\"sig_id\":"
        "2}]",
        "{\"port\":200,\"port2\":220,\"rulegroup\":{\"id\":1,\"rules\":[{\"sig_id\":3},{\"sig_id\":"
        "4}]",
        "{\"port\":80,\"port2\":99,\"rulegroup\":{\"id\":2,\"rules\":[{\"sig_id\":1}]",
        "{\"port\":111,\"port2\":120,\"rulegroup\":{\"id\":2,\"rules\":[{\"sig_id\":1}]",
        "{\"port\":150,\"port2\":199,\"rulegroup\":{\"id\":3,\"rules\":[{\"sig_id\":3}]",
        "{\"port\":221,\"port2\":250,\"rulegroup\":{\"id\":3,\"rules\":[{\"sig_id\":3}]",
    };
    const char *at = strstr(json, "\"tcp\":{\"toserver\":[");
    assert_non_null(at);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const char *p = strstr(at, want[i]);
        if (p == NULL) {
            fail_msg("missing or out of order: %s in %s", want[i], json);
        }
        at = p;
    }
    assert_non_null(strstr(json, "\"toclient\":[]"));
    assert_non_null(strstr(json, "{\"icmpv4\":{},"));
    free(json);
    rmdir(dir);
}

/* A whitelisted port (80) scores first; past the group limit the rest share one 0-65535. */
static void
test_port_scores_and_join(void **state)
{
    (void)state;
    char dir[64];
    char rules[8192];
    size_t n = 0;
    for (int i = 0; i < 22; i++) {
        n += (size_t)snprintf(rules + n, sizeof(rules) - n,
                              "alert tcp any %d -> any any (flow:to_client; content:\"abc%d\"; "
                              "sid:%d;)\n",
                              5000 + i * 2, i, 100 + i);
    }
    n += (size_t)snprintf(rules + n, sizeof(rules) - n,
                          "alert tcp any any -> any 81 (content:!\"abc\"; sid:1;)\n"
                          "alert tcp any any -> any 80 (content:\"abc\"; sid:2;)\n");
    analyse(rules, grouping_cfg, dir);
    char *json = read_out(dir, "rule_group.json");
    char *rj = read_out(dir, "rules.json");
    assert_non_null(json);
    free(rj);
    const char *ts = strstr(json, "\"toserver\":[{\"port\":80,\"port2\":80");
    assert_non_null(ts);
    assert_non_null(strstr(ts, "\"score\":111}},{\"port\":81,\"port2\":81"));
    /* 22 to-client ports plus "any" of the two to-server rules: 20 groups, then the rest. */
    const char *tc = strstr(json, "\"toclient\":[");
    assert_non_null(tc);
    unsigned entries = 0;
    for (const char *p = tc; (p = strstr(p, "\"port\":")) != NULL && p < strstr(tc, "]},\"udp\"");
         p++) {
        entries++;
    }
    assert_int_equal(entries, 21);
    assert_non_null(strstr(tc, "{\"port\":0,\"port2\":65535,\"rulegroup\""));
    free(json);
    rmdir(dir);
}

/* Without dump-to-disk only rules.json is written; a folder that cannot be written fails. */
static void
test_files_and_errors(void **state)
{
    (void)state;
    char dir[64];
    analyse("alert tcp any any -> any 80 (sid:1;)\n", NULL, dir);
    char path[128];
    snprintf(path, sizeof(path), "%s/rule_group.json", dir);
    assert_int_not_equal(access(path, F_OK), 0);
    free(read_out(dir, "rules.json"));
    rmdir(dir);

    DetectConfig dc = {.recursion_limit = 3000, .alert_max = 15};
    DetectRules *r = detect_rules_new(NULL);
    const char *rule = "alert tcp any any -> any any (sid:1;)\n";
    assert_int_equal(detect_rules_load_text(r, rule, strlen(rule), "t.rules"), SK_OK);
    DetectEngine *de = detect_engine_build(r, &dc);
    assert_non_null(de);
    assert_int_equal(detect_engine_analysis_write(de, NULL, "/nonexistent/sk-analysis"), SK_ERR_IO);
    detect_engine_free(de);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_types),       cmocka_unit_test(test_keyword_details),
        cmocka_unit_test(test_port_groups),      cmocka_unit_test(test_port_scores_and_join),
        cmocka_unit_test(test_files_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
