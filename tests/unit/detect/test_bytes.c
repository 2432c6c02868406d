/* test_bytes.c: byte_test, byte_jump, byte_extract, byte_math, base64_decode/base64_data and the
 * transforms (src/detect/keywords/bytes.c, base64.c, transforms.c). Rules are parsed with
 * sig_parse and their payload list run by detect_inspect_buffer on bytes written here. The
 * match/no-match expectations were checked against Suricata 8.0.7 on one-packet UDP pcaps,
 * the parse failures with suricata -T. */
#include "detect/detect_int.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static DetectThread *
thread_new(void)
{
    DetectThread *dt = calloc(1, sizeof(*dt));
    assert_non_null(dt);
    dt->recursion_limit = 3000;
    assert_true(detect_inspect_thread_init(dt));
    return dt;
}

static void
thread_free(DetectThread *dt)
{
    detect_inspect_thread_fini(dt);
    free(dt->xform_buf[0]);
    free(dt->xform_buf[1]);
    free(dt->b64_buf);
    free(dt);
}

static Signature *
parse(const char *opts, SigParseStatus *st, char *err)
{
    char text[1024];
    Signature *s = NULL;
    SigParseInfo info;
    snprintf(text, sizeof(text), "alert udp any any -> any any (%s sid:1;)", opts);
    *st = sig_parse(NULL, text, strlen(text), &s, &info);
    snprintf(err, DETECT_ERR_MAX, "%s", info.err);
    sig_parse_info_fini(&info);
    return s;
}

/* Frees s, its transforms through detect_transform_free (pcrexform owns PCRE2 code). */
static void
sig_done(Signature *s)
{
    for (int l = 0; l < DETECT_LIST_MAX; l++) {
        for (unsigned i = 0; i < s->lists[l].xform_cnt; i++) {
            detect_transform_free(s->lists[l].xform[i].id, s->lists[l].xform[i].ctx);
        }
        s->lists[l].xform_cnt = 0;
    }
    sig_free(s);
}

/* Does the rule (options only) match payload? Payload list, then base64_data if used, as the
 * engine runs them. */
static bool
run(const char *opts, const void *payload, size_t len)
{
    SigParseStatus st;
    char err[DETECT_ERR_MAX];
    Signature *s = parse(opts, &st, err);
    DetectThread *dt = thread_new();
    bool m;
    if (st != SIG_PARSE_OK) {
        fail_msg("expected to load: %s\n  got: %s", opts, err);
    }
    dt->b64_len = 0;
    m = detect_inspect_buffer(dt, NULL, s, DETECT_LIST_PMATCH, payload, (uint32_t)len, 0);
    if (m && s->lists[DETECT_LIST_BASE64_DATA].cnt > 0) {
        Cursor c;
        m = detect_buffers[DETECT_LIST_BASE64_DATA].get(dt, NULL, &c)
            && detect_inspect_buffer(dt, NULL, s, DETECT_LIST_BASE64_DATA, c.p, (uint32_t)c.left,
                                     0);
    }
    thread_free(dt);
    sig_done(s);
    return m;
}

#define MATCH(opts, lit) assert_true(run(opts, lit, sizeof(lit) - 1))
#define NOMATCH(opts, lit) assert_false(run(opts, lit, sizeof(lit) - 1))

static void
fails(const char *opts, const char *want)
{
    SigParseStatus st;
    char err[DETECT_ERR_MAX];
    Signature *s = parse(opts, &st, err);
    if (st != SIG_PARSE_FAILED) {
        sig_done(s);
        fail_msg("expected to fail: %s", opts);
    }
    if (strstr(err, want) == NULL) {
        fail_msg("%s\n  reason \"%s\" lacks \"%s\"", opts, err, want);
    }
}

static void
loads(const char *opts)
{
    SigParseStatus st;
    char err[DETECT_ERR_MAX];
    Signature *s = parse(opts, &st, err);
    if (st != SIG_PARSE_OK) {
        fail_msg("expected to load: %s\n  got: %s", opts, err);
    }
    sig_done(s);
}

static void
test_byte_test(void **state)
{
    (void)state;
    static const char p[] = "\x00\x01\x00\x02xyz1337 foo";
    MATCH("byte_test:2,=,1,0;", p);
    MATCH("byte_test:2,=,0x0100,0,little;", p);
    NOMATCH("byte_test:2,=,2,0;", p);
    MATCH("byte_test:2,!=,2,0;", p);
    MATCH("byte_test:2,!,2,0;", p);
    MATCH("byte_test:2,<,2,0;", p);
    MATCH("byte_test:2,<=,1,0;", p);
    MATCH("byte_test:2,>=,1,0;", p);
    NOMATCH("byte_test:2,>,1,0;", p);
    MATCH("byte_test:2,&,2,2;", p);
    NOMATCH("byte_test:2,&,1,0,bitmask 0xfffe;", p);
    MATCH("byte_test:1,=,0x78,4;", p);
}

/* byte_test "^" is an XOR test (nonzero), "&" an AND test. */
static void
test_byte_test_ops(void **state)
{
    (void)state;
    static const char p[] = "\x00\x01\x00\x02xyz1337 foo";
    NOMATCH("byte_test:2,^,1,0;", p);
    MATCH("byte_test:2,^,3,0;", p);
    MATCH("byte_test:4,=,0x00010002,0;", p);
    /* bitmask: masked, then shifted right by the mask's trailing zeros */
    MATCH("byte_test:2,=,1,0,bitmask 0x0ff0;", "\x00\x10");
    MATCH("byte_test:1,=,0,0,bitmask 0;", "\xff");
    /* relative to the previous content, and byte_test does not move the position */
    MATCH("content:\"xyz\"; byte_test:4,=,1337,0,relative,string,dec;", p);
    MATCH("content:\"xyz\"; byte_test:4,=,0x1337,0,relative,string,hex;", p);
    MATCH("content:\"xyz\"; byte_test:4,=,01337,0,relative,string,oct;", p);
    MATCH("content:\"xyz\"; byte_test:1,=,0x31,0,relative; content:\"1\"; within:1;", p);
    NOMATCH("content:\"xyz\"; byte_test:4,=,1337,-1,relative,string,dec;", p);
    /* digits up to the first non-digit: "12 7" is 12 */
    MATCH("byte_test:4,=,12,0,string,dec;", "12 7");
    NOMATCH("byte_test:2,=,0,0,string,dec;", "ab");
    /* out of the buffer */
    NOMATCH("byte_test:4,>,0,8;", "\x01\x02\x03\x04\x05\x06\x07\x08\x09");
    NOMATCH("byte_test:1,=,0,-1;", "\x00");
    MATCH("byte_test:8,=,0x0102030405060708,0;", "\x01\x02\x03\x04\x05\x06\x07\x08");
}

static void
test_byte_test_parse(void **state)
{
    (void)state;
    loads("byte_test:10,=,1,0,string,dec;");
    loads("byte_test:2, !<= , 1 , 0 , relative;");
    loads("byte_test:2,=,-1,0;"); /* wraps, as Suricata's strtoull */
    loads("byte_test:2,=,1,0,string,hex,string,dec;");
    fails("byte_test:9,=,1,0;", "Cannot test more than 8 bytes without \"string\"");
    fails("byte_test:2,=<,1,0;", "Invalid operator");
    fails("byte_test:2,==,1,0;", "Invalid operator");
    fails("byte_test:2,!!,1,0;", "Invalid operator");
    fails("byte_test:2,=,1,0,hex;", "Cannot use a base without \"string\"");
    fails("byte_test:2,=,foo,0;", "Unknown byte_extract var seen in byte_test - foo");
    fails("byte_test:2,=,1,foo;", "Unknown byte_extract var seen in byte_test - foo");
    fails("byte_test:2,=,1;", "parse error");
    fails("byte_test:2,=,1,0,bogus;", "parse error");
    fails("byte_test:2,=,1,0,bitmask x;", "Malformed bitmask value");
    fails("byte_test:2,=,18446744073709551616,0;", "Malformed value");
    fails("byte_test:-1,=,1,0;", "Malformed number of bytes");
    fails("byte_test:2,=,1,0,dce;", "DCERPC");
}

static void
test_byte_jump(void **state)
{
    (void)state;
    static const char p[] = "\x00\x04"
                            "abcdXYZ12 7z";
    MATCH("byte_jump:2,0; content:\"XYZ\"; distance:0; within:3;", p);
    NOMATCH("byte_jump:2,0; content:\"abc\"; distance:0;", p);
    /* exactly the end matches, one past fails (Suricata 8.0.7) */
    MATCH("byte_jump:2,0,post_offset 8;", p);
    NOMATCH("byte_jump:2,0,post_offset 9;", p);
    /* before the start lands on the start */
    MATCH("byte_jump:2,0,post_offset -100; content:\"|00 04|\"; within:2;", p);
    MATCH("byte_jump:0,0,from_end; content:\"z\"; distance:-1;", p);
    MATCH("byte_jump:0,0,from_end,post_offset -3; content:\" 7z\"; within:3;", p);
    MATCH("byte_jump:1,1,from_beginning; content:\"cdX\"; within:3;", p);
    /* multiplier and align (round up to 4) */
    MATCH("byte_jump:1,1,multiplier 2,from_beginning; content:\"Z12\"; within:3;", p);
    MATCH("byte_jump:1,0,align,from_beginning; content:\"abcd\"; within:4;", "\x01"
                                                                             "bcdabcd");
    MATCH("byte_jump:2,0,little; content:\"|00 04|\"; within:2;", "\x04\x00"
                                                                  "abcd\x00\x04");
    /* strings: past the digits converted */
    NOMATCH("content:\"XYZ\"; byte_jump:4,0,relative,string,dec;", p);
    MATCH("byte_jump:1,0,string,dec; content:\"cd\"; within:2;", "2abcd");
    fails("byte_jump:9,0;", "Cannot test more than 8 bytes without \"string\"");
    fails("byte_jump:2,0,from_beginning,from_end;", "'from_end' and 'from_beginning'");
    fails("byte_jump:2,0,hex;", "Cannot use a base without \"string\"");
    fails("byte_jump:2,0,bitmask 0xff;", "parse error");
    fails("byte_jump:2;", "parse error");
    fails("byte_jump:2,0,multiplier 0;", "Malformed multiplier");
    fails("byte_jump:2,foo;", "Unknown byte_extract var seen in byte_jump - foo");
    fails("byte_jump:2,0,dce;", "DCERPC");
    loads("byte_jump:2,0,align,from_beginning,post_offset -3,multiplier 2,little;");
}

static void
test_byte_extract(void **state)
{
    (void)state;
    static const char p[] = "\x00\x04"
                            "abcdXYZ12 7z";
    /* moves the position past what it read */
    MATCH("byte_extract:2,0,v; content:\"a\"; within:1;", p);
    /* feeds byte_test (value and offset), byte_jump (bytes and offset) */
    MATCH("byte_extract:2,0,v; byte_test:1,=,0x58,v,relative;", p);
    MATCH("byte_extract:2,0,v; byte_test:1,=,v,1;", p);
    NOMATCH("byte_extract:2,0,v; byte_test:1,=,v,0;", p);
    MATCH("byte_extract:1,1,n; byte_jump:2,n,from_beginning,post_offset 3; content:\"cd\"; "
          "within:2;",
          "\x00\x02\x00\x03"
          "abcd");
    /* multiplier, align */
    MATCH("byte_extract:1,0,v,multiplier 3; byte_test:1,=,6,v;", "\x02GHIJK\x06");
    MATCH("byte_extract:1,0,v,align 4; byte_test:1,=,4,0,relative; byte_test:1,=,v,1;", "\x01\x04");
    /* string: the position moves past the digits converted */
    MATCH("content:\"XYZ\"; byte_extract:4,0,v,relative,string,dec; content:\" \"; within:1;", p);
    NOMATCH("content:\"XYZ\"; byte_extract:4,0,v,relative,string,dec; content:\"7\"; within:1;", p);
    /* a redefinition is accepted and reuses the variable */
    loads("byte_extract:2,0,v; byte_extract:2,0,v;");
    loads("byte_extract:2,-1,v;");
    loads("byte_extract:11,0,v,string,dec;");
    fails("byte_extract:9,0,v;", "can't process more than 8 bytes");
    fails("byte_extract:2,0,v,align 3;", "invalid byte_extract values");
    fails("byte_extract:2,0,v,multiplier 0;", "invalid byte_extract values");
    fails("byte_extract:2,0,v,multiplier 65536;", "invalid byte_extract values");
    fails("byte_extract:2,0,v,bitmask 0xff;", "invalid byte_extract values");
    fails("byte_extract:2,0;", "invalid byte_extract values");
    fails("byte_extract:2,0,v,hex;", "invalid byte_extract values");
    fails("byte_extract:2,0,v,string,hex,little;", "invalid byte_extract values");
    fails("byte_extract:2,0,v,relative,relative;", "invalid byte_extract values");
    fails("byte_extract:2,0,v,big,little;", "invalid byte_extract values");
    fails("byte_extract:2,0,v,dce;", "DCERPC");
    {
        char opts[1024] = "";
        for (int i = 0; i <= DETECT_VARS_MAX; i++) {
            char one[40];
            snprintf(one, sizeof(one), "byte_extract:1,0,v%d;", i);
            strcat(opts, one);
        }
        fails(opts, "too many byte_extract/byte_math variables");
    }
}

static void
test_byte_math(void **state)
{
    (void)state;
    static const char p[] = "\x00\x04"
                            "abcd";
    MATCH("byte_math:bytes 2,offset 0,oper +,rvalue 1,result r; byte_test:1,=,r,7,relative;",
          "\x00\x04"
          "abcdefg\x05");
    MATCH("byte_math:bytes 2,offset 0,oper -,rvalue 1,result r; byte_test:2,=,r,4;", "\x00\x04"
                                                                                     "ab\x00\x03");
    MATCH("byte_math:bytes 2,offset 0,oper *,rvalue 3,result r; byte_test:1,=,r,2;",
          "\x00\x04\x0c");
    MATCH("byte_math:bytes 2,offset 0,oper /,rvalue 2,result r; byte_test:1,=,r,2;",
          "\x00\x04\x02");
    MATCH("byte_math:bytes 1,offset 0,oper <<,rvalue 2,result r; byte_test:1,=,r,1;", "\x02\x08");
    MATCH("byte_math:bytes 1,offset 0,oper >>,rvalue 1,result r; byte_test:1,=,r,1;", "\x08\x04");
    /* division by zero never matches */
    NOMATCH("byte_math:bytes 2,offset 0,oper /,rvalue 0,result r;", p);
    /* moves the position past what it read */
    MATCH("byte_math:bytes 2,offset 0,oper +,rvalue 1,result r; content:\"a\"; within:1;", p);
    NOMATCH("byte_math:bytes 2,offset 0,oper +,rvalue 1,result r; content:\"|00|\"; within:1;", p);
    /* rvalue from byte_extract, endian, string, bitmask, relative */
    MATCH("byte_extract:1,0,x; byte_math:bytes 1,offset 0,oper +,rvalue x,result r,relative; "
          "byte_test:1,=,r,2;",
          "\x02\x03\x05");
    MATCH("byte_math:bytes 2,offset 0,oper +,rvalue 0,result r,endian little; "
          "byte_test:2,=,r,0,little;",
          "\x01\x02");
    MATCH("byte_math:bytes 2,offset 0,oper +,rvalue 1,result r,string dec; byte_test:1,=,r,2;",
          "12\x0d");
    MATCH("byte_math:offset 0,bytes 1,oper +,rvalue 0,result r,bitmask 0xf0; "
          "byte_test:1,=,r,1;",
          "\xa5\x0a");
    fails("byte_math:bytes 11,offset 0,oper +,rvalue 1,result r,string dec;",
          "invalid bytemath values");
    fails("byte_math:bytes 2,offset 0,oper %,rvalue 1,result r;", "invalid bytemath values");
    fails("byte_math:bytes 2,offset 0,oper +,rvalue 1;", "invalid bytemath values");
    fails("byte_math:bytes 2,offset 0,oper +,rvalue foo,result r;",
          "unknown byte_ keyword var seen in byte_math - foo");
    fails("byte_math:bytes 2,offset 0,oper +,rvalue 4294967296,result r;",
          "invalid bytemath values");
    fails("byte_math:bytes 2,offset 0,oper +,rvalue 1,result r,little;", "invalid bytemath values");
    fails("byte_math:bytes 2,offset 0,oper +,rvalue 1,result r,endian dce;", "DCERPC");
}

static void
test_base64(void **state)
{
    (void)state;
    static const char p[] = "xx dGVzdA|dGVzdAo=Zm9v dG";
    MATCH("content:\"xx \"; base64_decode:relative; base64_data; content:\"test\"; "
          "isdataat:!1,relative;",
          p);
    MATCH("base64_decode:offset 3; base64_data; content:\"test\"; isdataat:!1,relative;", p);
    /* '=' closes a group, decoding goes on: "test\nfoo" */
    MATCH("content:\"|7c|\"; base64_decode:relative; base64_data; content:\"test|0a|f\";", p);
    MATCH("content:\"|7c|\"; base64_decode:relative; base64_data; content:\"foo\"; "
          "isdataat:!1,relative;",
          p);
    /* bytes limits the input; an incomplete last group still gives its whole bytes */
    MATCH("content:\"|7c|\"; base64_decode:bytes 3,relative; base64_data; content:\"te\"; "
          "isdataat:!1,relative;",
          p);
    MATCH("content:\"|7c|\"; base64_decode:bytes 6,relative; base64_data; content:\"test\"; "
          "isdataat:!1,relative;",
          p);
    /* at the start: "xx" then a blank ends the data, one byte */
    NOMATCH("base64_decode; base64_data; content:\"test\";", p);
    /* nothing to decode: base64_data is empty, the rule does not match */
    NOMATCH("base64_decode:offset 100; base64_data; content:\"a\";", p);
    NOMATCH("base64_decode; base64_data; content:\"a\";", "!!!!");
    fails("base64_decode:bytes 0;", "invalid bytes");
    fails("base64_decode:bytes x;", "invalid bytes");
    fails("base64_decode:offset -1;", "invalid offset");
    fails("base64_decode:foo 1;", "failed to parse");
    fails("base64_data; base64_decode; content:\"a\";", "base64_data");
}

/* The transforms on a buffer list: set up through their keywords on a list that is not the
 * payload (only app-layer buffers take transforms; none is registered yet, so the postmatch
 * slot stands in), then applied. */
static void
xform_check(const char *const *kws, const char *const *args, unsigned n, const char *in,
            size_t in_len, const void *want, size_t want_len)
{
    Signature *s = calloc(1, sizeof(*s));
    DetectThread *dt = thread_new();
    char err[DETECT_ERR_MAX];
    const uint8_t *buf = (const uint8_t *)in;
    uint32_t len = (uint32_t)in_len;
    assert_non_null(s);
    s->cur_list = DETECT_LIST_POSTMATCH;
    for (unsigned i = 0; i < n; i++) {
        unsigned k;
        for (k = 0; k < DETECT_KW_MAX; k++) {
            if (strcmp(detect_keywords[k].name, kws[i]) == 0) {
                break;
            }
        }
        assert_true(k < DETECT_KW_MAX);
        assert_true(detect_keywords[k].flags & KW_TRANSFORM);
        if (detect_keywords[k].setup(s, args[i], err) != SK_OK) {
            fail_msg("%s: %s", kws[i], err);
        }
    }
    assert_true(detect_transforms_apply(dt, &s->lists[DETECT_LIST_POSTMATCH], &buf, &len));
    if (len != want_len || memcmp(buf, want, want_len) != 0) {
        fail_msg("%s: got %u bytes \"%.*s\"", kws[0], len, (int)len, (const char *)buf);
    }
    thread_free(dt);
    sig_done(s);
}

#define XF1(kw, arg, in, want)                                                                     \
    do {                                                                                           \
        const char *k_[] = {kw}, *a_[] = {arg};                                                    \
        xform_check(k_, a_, 1, in, sizeof(in) - 1, want, sizeof(want) - 1);                        \
    } while (0)

static void
test_transforms(void **state)
{
    (void)state;
    XF1("to_lowercase", NULL, "AbC 1", "abc 1");
    XF1("to_uppercase", NULL, "AbC 1", "ABC 1");
    XF1("strip_whitespace", NULL, " a \t b\r\n", "ab");
    XF1("compress_whitespace", NULL, "a  \t b\r\n", "a b\r");
    XF1("url_decode", NULL, "a%20b+c%2", "a b c%2");
    XF1("dotprefix", NULL, "example.com", ".example.com");
    XF1("to_md5", NULL, "abc", "\x90\x01\x50\x98\x3c\xd2\x4f\xb0\xd6\x96\x3f\x7d\x28\xe1\x7f\x72");
    XF1("to_sha1", NULL, "abc",
        "\xa9\x99\x3e\x36\x47\x06\x81\x6a\xba\x3e\x25\x71\x78\x50\xc2\x6c\x9c\xd0\xd8\x9d");
    XF1("to_sha256", NULL, "abc",
        "\xba\x78\x16\xbf\x8f\x01\xcf\xea\x41\x41\x40\xde\x5d\xae\x22\x23\xb0\x03\x61\xa3\x96"
        "\x17\x7a\x9c\xb4\x10\xff\x61\xf2\x00\x15\xad");
    XF1("pcrexform", "\"[a-z]+=([0-9]+)\"", "GET id=123&x", "123");
    XF1("pcrexform", "\"[a-z]+=([0-9]+)\"", "no match", "no match");
    XF1("xor", "\"0102\"", "\x01\x02\x03", "\x00\x00\x02");
    XF1("header_lowercase", NULL, "Host: A\r\nX-Y: Z\r\n:Method: GET\r\n",
        "host: A\r\nx-y: Z\r\n:method: GET\r\n");
    XF1("strip_pseudo_headers", NULL, ":method: GET\r\nHost: a\r\n:path: /\r\n", "Host: a\r\n");
    XF1("from_base64", NULL, "dGVzdA==", "test");
    XF1("from_base64", "offset 1, bytes 4, mode rfc4648", "!dGVzdA==", "tes");
    XF1("from_base64", "mode rfc2045", "dG V\nzdA==", "test");
    {
        /* a chain, in rule order: dotprefix then to_uppercase, through both scratch buffers */
        const char *k[] = {"dotprefix", "to_uppercase", "strip_whitespace"};
        const char *a[] = {NULL, NULL, NULL};
        xform_check(k, a, 3, "a b", 3, ".AB", 3);
    }
}

static void
test_transforms_parse(void **state)
{
    (void)state;
    /* Suricata 8.0.7: not on the payload, with or without pkt_data, nor on base64_data */
    fails("to_lowercase; content:\"a\";", "transforms must directly follow stickybuffers");
    fails("pkt_data; to_lowercase; content:\"a\";", "transforms must directly follow");
    fails("base64_decode; base64_data; to_lowercase; content:\"a\";",
          "transforms must directly follow");
    fails("content:\"a\"; to_md5;", "transforms must directly follow");
    {
        Signature *s = calloc(1, sizeof(*s));
        char err[DETECT_ERR_MAX];
        assert_non_null(s);
        s->cur_list = DETECT_LIST_POSTMATCH;
        assert_int_equal(kw_xform_xor_setup(s, "\"012\"", err), SK_ERR_CONFIG);
        assert_non_null(strstr(err, "even"));
        assert_int_equal(kw_xform_xor_setup(s, "\"0g\"", err), SK_ERR_CONFIG);
        assert_non_null(strstr(err, "hexadecimal"));
        assert_int_equal(kw_xform_xor_setup(s, "01", err), SK_ERR_CONFIG);
        assert_int_equal(kw_xform_pcrexform_setup(s, "\"abc\"", err), SK_ERR_CONFIG);
        assert_non_null(strstr(err, "capture"));
        assert_int_equal(kw_xform_pcrexform_setup(s, "\"(a\"", err), SK_ERR_CONFIG);
        assert_int_equal(kw_xform_from_base64_setup(s, "mode foo", err), SK_ERR_CONFIG);
        for (int i = 0; i < DETECT_XFORM_MAX; i++) {
            assert_int_equal(kw_xform_to_lowercase_setup(s, NULL, err), SK_OK);
        }
        assert_int_equal(kw_xform_to_lowercase_setup(s, NULL, err), SK_ERR_CONFIG);
        assert_non_null(strstr(err, "too many transforms"));
        sig_done(s);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_byte_test),        cmocka_unit_test(test_byte_test_ops),
        cmocka_unit_test(test_byte_test_parse),  cmocka_unit_test(test_byte_jump),
        cmocka_unit_test(test_byte_extract),     cmocka_unit_test(test_byte_math),
        cmocka_unit_test(test_base64),           cmocka_unit_test(test_transforms),
        cmocka_unit_test(test_transforms_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
