/* test_payload.c: buffer inspection (src/detect/inspect.c) with the payload family's keywords:
 * content and its modifiers, isdataat, bsize, pcre. Rules are parsed with sig_parse and their
 * payload list inspected on byte strings, with Suricata's relative matching and backtracking,
 * the recursion limit, and byte variables set by hand (as byte_extract would). */
#include "detect/detect_int.h"

#include "../core/test_support.h"

static DetectThread *dt;

static int
setup(void **state)
{
    (void)state;
    dt = calloc(1, sizeof(*dt));
    if (dt == NULL) {
        return -1;
    }
    dt->recursion_limit = 3000;
    return detect_inspect_thread_init(dt) ? 0 : -1;
}

static int
teardown(void **state)
{
    (void)state;
    detect_inspect_thread_fini(dt);
    free(dt);
    return 0;
}

/* "alert tcp any any -> any any (<opts> sid:1;)"; status in *st, reason in err. */
static Signature *
rule_st(const char *opts, SigParseStatus *st, char *err)
{
    char text[2048];
    Signature *s = NULL;
    SigParseInfo info;
    snprintf(text, sizeof(text), "alert tcp any any -> any any (%s sid:1;)", opts);
    *st = sig_parse(NULL, text, strlen(text), &s, &info);
    snprintf(err, DETECT_ERR_MAX, "%s", info.err);
    sig_parse_info_fini(&info);
    return s;
}

static Signature *
rule(const char *opts)
{
    SigParseStatus st;
    char err[DETECT_ERR_MAX];
    Signature *s = rule_st(opts, &st, err);
    if (st != SIG_PARSE_OK) {
        fail_msg("rule (%s) did not load: %s", opts, err);
    }
    return s;
}

static void
rule_fails(const char *opts, const char *why)
{
    SigParseStatus st;
    char err[DETECT_ERR_MAX];
    Signature *s = rule_st(opts, &st, err);
    if (st != SIG_PARSE_FAILED || strstr(err, why) == NULL) {
        fail_msg("rule (%s): status %d, \"%s\", wanted a failure with \"%s\"", opts, st, err, why);
    }
    sig_free(s);
}

static bool
inspect_list(const Signature *s, unsigned list, const void *data, size_t len)
{
    memset(dt->vars, 0, sizeof(dt->vars));
    dt->cur_sig = s;
    return detect_inspect_buffer(dt, NULL, s, list, data, (uint32_t)len, 0);
}

static bool
inspect(const Signature *s, const char *data)
{
    return inspect_list(s, DETECT_LIST_PMATCH, data, strlen(data));
}

/* Does the rule (options) match each of the strings in yes and none of those in no? */
static void
check(const char *opts, const char *const *yes, const char *const *no)
{
    Signature *s = rule(opts);
    for (; yes != NULL && *yes != NULL; yes++) {
        if (!inspect(s, *yes)) {
            fail_msg("(%s) should match \"%s\"", opts, *yes);
        }
    }
    for (; no != NULL && *no != NULL; no++) {
        if (inspect(s, *no)) {
            fail_msg("(%s) should not match \"%s\"", opts, *no);
        }
    }
    sig_free(s);
}

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

static void
content_anywhere_and_its_case(void **state)
{
    (void)state;
    check("content:\"abc\";", L("abcdef", "xxabcxx", "xxabc", "abc"), L("abxc", "ab", "ABC"));
    check("content:\"ABC\"; nocase;", L("xaBcx", "abc", "ABC"), L("ab c", "xyz"));
    check("content:\"|01 02|z\"; nocase;", L("x\x01\x02Z"), L("x\x01\x03z"));
    check("content:\"a\"; content:\"b\";", L("ba", "ab"), L("aa"));
}

static void
negated_content(void **state)
{
    (void)state;
    check("content:!\"abc\";", L("xyz", "ab"), L("abc", "xxabcxx"));
    /* a negated content only in its window */
    check("content:\"abc\"; content:!\"def\"; within:3;", L("abcxdef", "abc"), L("abcdef"));
    check("content:!\"ab\"; depth:3;", L("xxab", "b"), L("xab"));
}

static void
depth_offset_distance_within(void **state)
{
    (void)state;
    /* depth counts from offset, as in Suricata: offset 2, depth 3 is bytes 2..4 */
    check("content:\"abc\"; offset:2; depth:3;", L("xxabc", "xxabcabc"), L("xxxabc", "abcxx"));
    check("content:\"abc\"; depth:4;", L("abc", "xabc"), L("xxabc"));
    check("content:\"abc\"; offset:1;", L("xabc", "abcabc"), L("abc"));
    check("content:\"a\"; content:\"b\"; distance:1; within:2;", L("a_b", "a_bx"),
          L("ab", "a___b", "ba"));
    check("content:\"a\"; content:\"b\"; distance:0;", L("ab", "a__b", "bab"), L("ba"));
    check("content:\"a\"; content:\"b\"; within:1;", L("ab"), L("a_b", "ba"));
    /* negative distance: "ab" starting up to 3 bytes before the end of "bc" */
    check("content:\"bc\"; content:\"ab\"; distance:-3; within:2;", L("abc"), L("a_bc", "bcab"));
    /* a negative distance past the buffer start clamps to 0 */
    check("content:\"b\"; content:\"a\"; distance:-10; within:11;", L("ab"), L("b"));
    /* Suricata 8.0.7 (checked on a pcap): a window ending before the buffer start searches it
     * all */
    check("content:\"a\"; content:\"b\"; distance:-10; within:3;", L("ab", "ba"), L("a"));
}

static void
backtracking_retries_the_previous_content(void **state)
{
    (void)state;
    /* the first "a" has a blank after it; the third is followed by "b" */
    check("content:\"a\"; content:\"b\"; within:1;", L("a a ab"), L("a a a b"));
    check("content:\"x\"; content:\"y\"; distance:1; within:1; content:\"z\"; within:1;",
          L("x_y_x_yz"), L("x_y_x_y_z"));
    /* an absolute content after the relative pair is found once: no retry needed or done */
    check("content:\"a\"; content:\"b\"; within:1; content:\"q\"; depth:1;", L("qa ab"),
          L("xa ab"));
}

static void
startswith_endswith(void **state)
{
    (void)state;
    check("content:\"ab\"; startswith;", L("abc", "ab"), L("cab", "a"));
    check("content:\"ab\"; endswith;", L("cab", "abab", "ab"), L("abc", "b"));
    check("content:\"ab\"; nocase; endswith;", L("xAB"), L("ABx"));
    check("content:\"ab\"; startswith; endswith;", L("ab"), L("abab"));
    check("content:\"x\"; content:\"ab\"; distance:0; endswith;", L("xab", "x_ab", "abxab"),
          L("abx"));
    check("content:\"hello\"; rawbytes;", L("hello"), L("hell"));
}

static void
isdataat_absolute_relative_negated(void **state)
{
    (void)state;
    check("isdataat:3;", L("abcd"), L("abc"));
    check("isdataat:!3;", L("abc", "a"), L("abcd"));
    check("isdataat:0;", L("a"), NULL);
    check("content:\"ab\"; isdataat:2,relative;", L("abcd", "abcde"), L("abc", "ab"));
    check("content:\"ab\"; isdataat:!1,relative;", L("xab", "abxab"), L("xabc"));
    check("content:\"ab\"; isdataat:1,relative,rawbytes;", L("abc"), L("ab"));
    rule_fails("isdataat:70000;", "isdataat out of range");
    rule_fails("isdataat:-1;", "isdataat out of range");
    rule_fails("isdataat:x;", "Unknown byte_extract var seen in isdataat - x");
    rule_fails("isdataat:5,foo;", "parse error");
    rule_fails("isdataat:5,rawbytes,relative;", "parse error");
}

static void
bsize_forms(void **state)
{
    char opts[256];
    const char *buf;
    Signature *s;
    (void)state;
    rule_fails("bsize:5;", "sticky buffer");
    rule_fails("content:\"a\"; bsize:5;", "sticky buffer");
    if (DETECT_LIST_MAX <= DETECT_LIST_PMATCH + 1) {
        printf("bsize matching skipped: no sticky buffer built yet\n");
        return;
    }
    buf = detect_buffers[DETECT_LIST_PMATCH + 1].name;
    snprintf(opts, sizeof(opts), "%s; bsize:5;", buf);
    s = rule(opts);
    assert_true(inspect_list(s, DETECT_LIST_PMATCH + 1, "12345", 5));
    assert_false(inspect_list(s, DETECT_LIST_PMATCH + 1, "1234", 4));
    sig_free(s);
    snprintf(opts, sizeof(opts), "%s; bsize:<5;", buf);
    s = rule(opts);
    assert_true(inspect_list(s, DETECT_LIST_PMATCH + 1, "1234", 4));
    assert_false(inspect_list(s, DETECT_LIST_PMATCH + 1, "12345", 5));
    sig_free(s);
    snprintf(opts, sizeof(opts), "%s; bsize:2<>5;", buf);
    s = rule(opts);
    assert_true(inspect_list(s, DETECT_LIST_PMATCH + 1, "123", 3));
    assert_false(inspect_list(s, DETECT_LIST_PMATCH + 1, "12345", 5));
    sig_free(s);
    snprintf(opts, sizeof(opts), "%s; content:\"abc\"; bsize:>=3;", buf);
    s = rule(opts);
    assert_true(inspect_list(s, DETECT_LIST_PMATCH + 1, "abc", 3));
    sig_free(s);
    snprintf(opts, sizeof(opts), "%s; content:\"abcdef\"; bsize:5;", buf);
    rule_fails(opts, "required content length 6 exceeds bsize value: 5");
    snprintf(opts, sizeof(opts), "%s; bsize:5-2;", buf);
    rule_fails(opts, "invalid");
}

static void
pcre_flags_relative_and_negation(void **state)
{
    (void)state;
    check("pcre:\"/a.c/\";", L("xabc", "a-c"), L("AbC", "ac"));
    check("pcre:\"/a.c/i\";", L("xAbC"), L("ac"));
    check("pcre:\"/^a/\";", L("ab"), L("ba"));
    check("pcre:!\"/a.c/\";", L("xyz"), L("abc"));
    check("pcre:\"/a.c/s\";", L("a\nc"), NULL);
    check("pcre:\"/a.c/\";", NULL, L("a\nc"));
    check("pcre:\"/^b$/m\";", L("a\nb\nc"), L("ab"));
    check("pcre:\"/a b/x\";", L("ab"), L("a b"));
    check("pcre:\"/b/A\";", L("bc"), L("abc"));
    check("pcre:\"/a+/G\"; content:\"aa\"; within:2;", L("aaaa"), NULL);
    /* R: from the previous match end; ^ anchors there */
    check("content:\"foo\"; pcre:\"/^bar/R\";", L("foobar", "foo foobar"), L("foo bar", "barfoo"));
    /* the match end of R is the anchor for what follows */
    check("content:\"k\"; pcre:\"/=\\d+/R\"; content:\"|3b|\"; within:1;", L("k=12;", "k=1 k=2;"),
          L("k=12 ;"));
    /* a pcre with a relative successor is retried at its next match */
    check("pcre:\"/b/\"; content:\"c\"; within:1;", L("b bc"), L("b b c"));
    check("content:\"a\"; pcre:\"/b/R\"; content:\"c\"; within:1;", L("a b bc"), L("b bc a"));
    check("content:\"x\"; pcre:\"/a\\;b/\";", L("xa;b"), NULL);
}

static void
pcre_errors(void **state)
{
    (void)state;
    /* HTTP modifiers move the pcre to the buffer; not with another sticky buffer set. */
    rule_fails("http.uri; content:\"a\"; pcre:\"/a/H\";", "sticky buffer http.uri set");
    rule_fails("pcre:\"/a/UH\";", "two different buffers");
    Signature *s = rule("pcre:\"/a/U\"; pcre:\"/b/H\";");
    assert_int_equal(s->lists[detect_buffer_find("http.uri")].cnt, 1);
    assert_int_equal(s->lists[detect_buffer_find("http.header")].cnt, 1);
    assert_int_equal(s->lists[DETECT_LIST_PMATCH].cnt, 0);
    sig_free(s);
    rule_fails("content:\"x\"; pcre:\"/a/Rq\";", "unknown regex modifier 'q'");
    rule_fails("pcre:\"/a/ B\";", "unknown regex modifier ' '");
    rule_fails("pcre:\"/a(/\";", "pcre2 compile of \"/a(/\" failed at offset 2");
    rule_fails("pcre:\"a\";", "pcre parse error: a");
    rule_fails("pcre:\"/a\";", "pcre parse error");
    rule_fails("pcre:\"/a/R\";", "pcre with /R (relative) needs preceding match in the same "
                                 "buffer");
    rule_fails("isdataat:1; pcre:\"/a/R\";", "needs preceding match");
    rule_fails("pcre:\"/(?P<pkt_foo>a)/\";", "not supported yet");
    rule_fails("pcre:\"/(a)/,flow:foo\";", "not supported yet");
    sig_free(rule("content:\"x\"; pcre:\"/a/iRsmxAEGOB\";"));
    sig_free(rule("pcre:\"/(?P<x>a)/\";"));
}

/* "a" four times, each at or after the previous, then "b": on 200 a's and no b, every way of
 * choosing the four a's is tried; the limit stops it and the rule does not match. */
static void
pathological_rule_hits_the_recursion_limit(void **state)
{
    char data[201];
    Signature *s;
    uint64_t before = dt->stats.recursion_aborts;
    (void)state;
    memset(data, 'a', 200);
    data[200] = '\0';
    s = rule("content:\"a\"; content:\"a\"; distance:0; content:\"a\"; distance:0; "
             "content:\"a\"; distance:0; content:\"b\"; distance:0;");
    assert_false(inspect(s, data));
    assert_int_equal(dt->stats.recursion_aborts, before + 1);
    assert_true(dt->recursion <= dt->recursion_limit + 1);
    /* the same rule matches normally where little backtracking is needed */
    assert_true(inspect(s, "aaaab"));
    assert_int_equal(dt->stats.recursion_aborts, before + 1);
    sig_free(s);
}

/* distance/within/offset/depth naming a variable, which byte_extract sets at match time. */
static void
modifiers_from_byte_variables(void **state)
{
    Signature *s;
    char err[DETECT_ERR_MAX];
    (void)state;
    s = rule("content:\"a\"; content:\"b\";");
    s->var_names[0] = strdup("off");
    s->var_names[1] = strdup("win");
    s->var_cnt = 2;
    assert_int_equal(kw_distance_setup(s, "off", err), SK_OK);
    assert_int_equal(kw_within_setup(s, "win", err), SK_OK);
    assert_int_equal(kw_distance_setup(s, "nope", err), SK_ERR_CONFIG);
    dt->cur_sig = s;
    memset(dt->vars, 0, sizeof(dt->vars));
    dt->vars[0] = 2;
    dt->vars[1] = 1;
    assert_true(
        detect_inspect_buffer(dt, NULL, s, DETECT_LIST_PMATCH, (const uint8_t *)"a__b", 4, 0));
    assert_false(
        detect_inspect_buffer(dt, NULL, s, DETECT_LIST_PMATCH, (const uint8_t *)"a_b", 3, 0));
    dt->vars[0] = 1;
    assert_true(
        detect_inspect_buffer(dt, NULL, s, DETECT_LIST_PMATCH, (const uint8_t *)"a_b", 3, 0));
    sig_free(s);

    s = rule("content:\"ab\";");
    s->var_names[0] = strdup("o");
    s->var_names[1] = strdup("d");
    s->var_cnt = 2;
    assert_int_equal(kw_offset_setup(s, "o", err), SK_OK);
    assert_int_equal(kw_depth_setup(s, "d", err), SK_OK);
    dt->vars[0] = 2;
    dt->vars[1] = 2;
    assert_true(
        detect_inspect_buffer(dt, NULL, s, DETECT_LIST_PMATCH, (const uint8_t *)"xxab", 4, 0));
    assert_false(
        detect_inspect_buffer(dt, NULL, s, DETECT_LIST_PMATCH, (const uint8_t *)"xxxab", 5, 0));
    sig_free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(content_anywhere_and_its_case),
        cmocka_unit_test(negated_content),
        cmocka_unit_test(depth_offset_distance_within),
        cmocka_unit_test(backtracking_retries_the_previous_content),
        cmocka_unit_test(startswith_endswith),
        cmocka_unit_test(isdataat_absolute_relative_negated),
        cmocka_unit_test(bsize_forms),
        cmocka_unit_test(pcre_flags_relative_and_negation),
        cmocka_unit_test(pcre_errors),
        cmocka_unit_test(pathological_rule_hits_the_recursion_limit),
        cmocka_unit_test(modifiers_from_byte_variables),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
