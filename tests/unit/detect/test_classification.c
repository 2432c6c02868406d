/* test_classification.c: classification.config and reference.config as Suricata 8.0.7 reads
 * them (good lines kept past a bad one, its messages, -T making a bad file fatal), unknown
 * classtypes and reference systems in rules, and the dsize check that fails rules whose
 * contents can never fit (validate.c), each case measured on Suricata 8.0.7. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "detect/detect.h"
#include "detect/detect_int.h"
#include "../core/test_support.h"

static char dir[64];

static int
dir_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/sk-class-XXXXXX");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
dir_teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to dir/name; returns the path (static buffer per call site's copy). */
static void
write_file(const char *name, const char *text, char *path, size_t cap)
{
    FILE *f;
    snprintf(path, cap, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void
classification_lines_parse_as_suricata(void **state)
{
    ClassTable t = {0};
    (void)state;
    assert_int_equal(class_line_parse(&t, "config classification: not-suspicious,Not Suspicious "
                                          "Traffic,3"),
                     SK_OK);
    assert_int_equal(class_line_parse(&t, "config  classification :a_b, with, commas ,  1  "),
                     SK_OK);
    assert_int_equal(t.cnt, 2);
    assert_string_equal(t.c[0].name, "not-suspicious");
    assert_string_equal(t.c[0].desc, "Not Suspicious Traffic");
    assert_int_equal(t.c[0].prio, 3);
    assert_string_equal(t.c[1].desc, "with, commas"); /* up to the last comma */
    assert_int_equal(t.c[1].prio, 1);
    assert_ptr_equal(class_find(&t, "NOT-Suspicious"), &t.c[0]);
    assert_null(class_find(&t, "other"));
    /* not classification lines */
    assert_int_equal(class_line_parse(&t, "this is not correct"), SK_ERR_CONFIG);
    assert_int_equal(class_line_parse(&t, "config classification: bbb,BBB,x"), SK_ERR_CONFIG);
    assert_int_equal(class_line_parse(&t, "config classification: bbb,3"), SK_ERR_CONFIG);
    assert_int_equal(class_line_parse(&t, "config classification: 1bb,B,3"), SK_ERR_CONFIG);
    assert_int_equal(class_line_parse(&t, "config classification: bbb,B,3 x"), SK_ERR_CONFIG);
    assert_int_equal(class_line_parse(&t, "configclassification: bbb,B,3"), SK_ERR_CONFIG);
    assert_int_equal(t.cnt, 2);
    class_table_fini(&t);
}

static void
a_bad_line_fails_the_file_but_keeps_the_good_ones(void **state)
{
    char path[128];
    ClassTable t = {0};
    Capture cap;
    char *out;
    (void)state;
    write_file("c.config",
               "# comment\n\n   \nconfig classification: aaa,AAA desc,1\nThis Is Wrong\n"
               "config classification: bbb,BBB,2\n",
               path, sizeof(path));
    capture_start(&cap);
    assert_int_equal(class_table_load(&t, path), SK_ERR_CONFIG);
    out = capture_end(&cap);
    assert_int_equal(t.cnt, 2); /* both good lines, the one after the bad line too */
    assert_non_null(class_find(&t, "aaa"));
    assert_non_null(class_find(&t, "bbb"));
    assert_true(t.loaded);
    /* Suricata shows the line lowercased */
    assert_non_null(strstr(out, "Error: classification-config: Invalid Classtype in "
                                "classification.config file "));
    assert_non_null(strstr(out, "c.config: \"this is wrong\"\n"));
    assert_non_null(strstr(out, "Warning: classification-config: Error loading classification "
                                "configuration from "));
    assert_int_equal(line_count(out), 2);
    free(out);
    class_table_fini(&t);
}

static void
a_missing_file_fails_and_none_is_fine(void **state)
{
    char path[128];
    ClassTable t = {0};
    RefTable r = {0};
    Capture cap;
    char *out;
    (void)state;
    snprintf(path, sizeof(path), "%s/missing.config", dir);
    capture_start(&cap);
    assert_int_equal(class_table_load(&t, path), SK_ERR_CONFIG);
    assert_int_equal(ref_table_load(&r, path), SK_ERR_CONFIG);
    out = capture_end(&cap);
    assert_non_null(strstr(out, "Warning: classification-config: could not open: \""));
    assert_non_null(strstr(out, "Error: classification-config: please check the "
                                "\"classification-file\" option in your suricata.yaml file\n"));
    assert_non_null(strstr(out, "Error: reference-config: Error opening file: \""));
    assert_non_null(strstr(out, "please check the \"reference-config-file\" option"));
    assert_int_equal(line_count(out), 4);
    free(out);
    assert_true(t.loaded); /* a named file: unknown classtypes are still reported */
    class_table_fini(&t);
    ref_table_fini(&r);
    assert_int_equal(class_table_load(&t, NULL), SK_OK);
    assert_false(t.loaded);
    assert_int_equal(ref_table_load(&r, ""), SK_OK);
    assert_false(r.loaded);
}

static void
unknown_classtypes_are_reported_once_each(void **state)
{
    ClassTable t = {0};
    Capture cap;
    char *out;
    (void)state;
    capture_start(&cap);
    class_warn_unknown(&t, 3, "ccc");
    class_warn_unknown(&t, 4, "CCC");
    class_warn_unknown(&t, 5, "ddd");
    out = capture_end(&cap);
    assert_string_equal(out,
                        "Warning: detect-classtype: signature sid:3 uses unknown classtype: "
                        "\"ccc\", using default priority 3. This message won't be shown again for "
                        "this classtype\n"
                        "Warning: detect-classtype: signature sid:5 uses unknown classtype: "
                        "\"ddd\", using default priority 3. This message won't be shown again for "
                        "this classtype\n");
    free(out);
    class_table_fini(&t);
}

static Signature *
parse(const char *text)
{
    Signature *s = NULL;
    SigParseInfo info;
    SigParseStatus st = sig_parse(NULL, text, strlen(text), &s, &info);
    if (st != SIG_PARSE_OK) {
        fail_msg("%s: %s", text, info.err);
    }
    sig_parse_info_fini(&info);
    return s;
}

static void
reference_config_reads_systems_and_checks_rules(void **state)
{
    char path[128];
    RefTable r = {0};
    Capture cap;
    char *out;
    Signature *s;
    (void)state;
    write_file("r.config",
               "# config reference: system URL\nconfig reference: url http://\nbad line\n"
               "config reference:  cve   http://cve.mitre.org/cgi-bin/cvename.cgi?name=\n",
               path, sizeof(path));
    capture_start(&cap);
    assert_int_equal(ref_table_load(&r, path), SK_ERR_CONFIG);
    out = capture_end(&cap);
    assert_string_equal(out, "Error: reference-config: Invalid Reference Config in "
                             "reference.config file\n");
    free(out);
    assert_int_equal(r.cnt, 2);
    assert_true(ref_find(&r, "URL", 3));
    assert_true(ref_find(&r, "cve", 3));
    assert_false(ref_find(&r, "cv", 2));
    assert_int_equal(ref_line_parse(&r, "config reference: url"), SK_ERR_CONFIG);

    s = parse("alert udp any any -> any any (reference:url,x; reference:zzz,y; "
              "reference:cve,2020-1; sid:1;)");
    capture_start(&cap);
    ref_check_sig(&r, s);
    out = capture_end(&cap);
    assert_string_equal(out, "Warning: detect-reference: unknown reference key \"zzz\"\n");
    free(out);
    sig_free(s);
    ref_table_fini(&r);
}

/* The engine: a bad classification file fails the build under -T only; otherwise the rules
 * load, and a rule whose classtype the good lines give gets its priority. */
static void
a_bad_file_is_fatal_under_test_mode_only(void **state)
{
    static const char rules[] =
        "alert udp any any -> any any (msg:\"a\"; classtype:aaa; content:\"x\"; sid:1;)\n"
        "alert udp any any -> any any (msg:\"c\"; classtype:ccc; content:\"y\"; sid:2;)\n";
    char path[128];
    DetectConfig dc;
    DetectEngine *de;
    DetectRules *r;
    Capture cap;
    char *out;
    (void)state;
    write_file("b.config", "config classification: aaa,AAA,1\nwrong\n", path, sizeof(path));
    memset(&dc, 0, sizeof(dc));
    dc.recursion_limit = 3000;
    dc.alert_max = 15;
    dc.classification_file = path;

    dc.test_mode = true;
    r = detect_rules_new(NULL);
    assert_int_equal(detect_rules_load_text(r, rules, strlen(rules), "t.rules"), SK_OK);
    capture_start(&cap);
    de = detect_engine_build(r, &dc);
    out = capture_end(&cap);
    assert_null(de);
    free(out);

    dc.test_mode = false;
    r = detect_rules_new(NULL);
    assert_int_equal(detect_rules_load_text(r, rules, strlen(rules), "t.rules"), SK_OK);
    capture_start(&cap);
    de = detect_engine_build(r, &dc);
    out = capture_end(&cap);
    assert_non_null(de);
    assert_int_equal(detect_engine_rule_count(de), 2);
    assert_non_null(strstr(out, "uses unknown classtype: \"ccc\""));
    assert_null(strstr(out, "\"aaa\""));
    free(out);
    detect_engine_free(de);
}

/* ---- validate.c: dsize against the payload contents ---- */

static void
parse_fails_with(const char *opts, const char *want)
{
    char text[512];
    Signature *s = NULL;
    SigParseInfo info;
    snprintf(text, sizeof(text), "alert udp any any -> any any (%s sid:1;)", opts);
    SigParseStatus st = sig_parse(NULL, text, strlen(text), &s, &info);
    if (st != SIG_PARSE_FAILED || strcmp(info.err, want) != 0 || info.kw == NULL
        || strcmp(info.kw, "content") != 0) {
        fail_msg("%s: status %d, \"%s\"", text, st, info.err);
    }
    sig_free(s);
    sig_parse_info_fini(&info);
}

static void
parse_loads(const char *opts)
{
    char text[512];
    snprintf(text, sizeof(text), "alert udp any any -> any any (%s sid:1;)", opts);
    sig_free(parse(text));
}

#define CANT(n, m) "signature can't match as required content length " #n " exceeds dsize value " #m

static void
contents_longer_than_dsize_fail_the_rule(void **state)
{
    (void)state;
    /* the verify cases */
    parse_fails_with("dsize:10; content:\"boom\"; content:\"loom\"; distance:10;", CANT(18, 10));
    parse_fails_with("dsize:6; content:\"boom\"; content:\"loom\"; distance:2;", CANT(10, 6));
    parse_loads("dsize:10; content:\"boom\"; content:\"loom\"; distance:-10;");
    parse_fails_with("dsize:50; content:\"AA\"; offset:100;", CANT(102, 50));
    parse_fails_with("dsize:5<>10; content:\"thisstringisgreaterthan10bytes\";", CANT(30, 10));
    /* measured on Suricata 8.0.7: the dsize forms with a bound */
    parse_fails_with("dsize:<10; content:\"abcdefghijkl\";", CANT(12, 10));
    parse_loads("dsize:<10; content:\"abcdefghij\";");
    parse_fails_with("dsize:!3; content:\"abcd\";", CANT(4, 3));
    parse_loads("dsize:<=3; content:\"abcdefgh\";");
    parse_loads("dsize:>3; content:\"abcdefgh\";");
    parse_loads("dsize:5<>10; content:\"abcdefghij\";");
    parse_fails_with("content:\"abcd\"; dsize:3;", CANT(4, 3)); /* dsize after the content */
    /* negated contents count; later absolute contents do not */
    parse_fails_with("dsize:3; content:!\"abcd\";", CANT(4, 3));
    parse_fails_with("dsize:6; content:\"abcdefg\"; content:\"a\";", CANT(7, 6));
    parse_loads("dsize:6; content:\"a\"; content:\"abcdefg\";");
    parse_loads("dsize:10; content:\"abcdef\"; content:\"efghij\";");
    /* relative contents add their length and distance; within adds nothing */
    parse_fails_with("dsize:6; content:\"abcd\"; content:\"efg\"; distance:0;", CANT(7, 6));
    parse_loads("dsize:6; content:\"abcd\"; content:\"ef\"; within:3;");
    parse_fails_with("dsize:6; content:\"abcdefg\"; content:\"a\"; content:\"b\"; distance:0;",
                     CANT(8, 6));
    parse_loads("dsize:6; content:\"abcdefg\"; content:\"a\"; distance:-5;");
    /* the first content's offset is added only when the lengths alone fit */
    parse_fails_with("dsize:6; content:\"ab\"; offset:2; content:\"cd\"; distance:1;", CANT(7, 6));
    parse_fails_with("dsize:6; content:\"abcdefg\"; offset:3; content:\"a\"; distance:0;",
                     CANT(8, 6));
    parse_fails_with("dsize:6; content:\"ab\"; offset:5; content:\"c\"; within:2; distance:1;",
                     CANT(9, 6));
    parse_loads("dsize:3; content:\"a\"; content:\"b\"; offset:3;");
    parse_loads("dsize:3; content:\"abc\"; offset:1; content:\"x\"; distance:-3;");
    /* no dsize, or no content: nothing to check */
    parse_loads("content:\"abcdefghijklmnop\"; offset:60000;");
    parse_loads("dsize:1;");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(classification_lines_parse_as_suricata),
        cmocka_unit_test(a_bad_line_fails_the_file_but_keeps_the_good_ones),
        cmocka_unit_test(a_missing_file_fails_and_none_is_fine),
        cmocka_unit_test(unknown_classtypes_are_reported_once_each),
        cmocka_unit_test(reference_config_reads_systems_and_checks_rules),
        cmocka_unit_test(a_bad_file_is_fatal_under_test_mode_only),
        cmocka_unit_test(contents_longer_than_dsize_fail_the_rule),
    };
    return cmocka_run_group_tests(tests, dir_setup, dir_teardown);
}
