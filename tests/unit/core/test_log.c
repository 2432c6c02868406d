/* test_log.c: the logging outputs of the config (Suricata's logging.outputs): suricata.log's
 * plain lines, the JSON "engine" records, each output's level, the module a line carries, and a
 * file that cannot be opened. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "test_support.h"

static char dir[64];

static char *
slurp(const char *name)
{
    char path[128];
    FILE *f;
    long n;
    char *text;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

static void
file_outputs_write_suricatas_formats(void **state)
{
    static const char yaml[] = "logging:\n"
                               "  default-log-level: notice\n"
                               "  outputs:\n"
                               "  - console:\n"
                               "      enabled: yes\n"
                               "  - file:\n"
                               "      enabled: yes\n"
                               "      level: info\n"
                               "      filename: suricata.log\n"
                               "  - file:\n"
                               "      enabled: yes\n"
                               "      type: json\n"
                               "      filename: engine.json\n"
                               "  - file:\n"
                               "      enabled: no\n"
                               "      filename: off.log\n";
    CfgNode *cfg = cfg_load_string(yaml, "t");
    Capture cap;
    char *out, *plain, *json, path[128];
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/sk-log-XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_non_null(cfg);
    log_set_level(LOG_LEVEL_NOTICE);
    assert_int_equal(log_outputs_open(cfg, dir), SK_OK);
    capture_start(&cap);
    log_error("detect: error parsing signature \"x\"");
    log_module_msg(LOG_LEVEL_ERROR, "detect-depth", "can't use multiple depths");
    log_info("detect: 1 rule files processed");       /* the file's level, not the console's */
    log_debug("detect: not written anywhere");        /* below every output */
    log_warn("/a/t.rules:3: no module \"here\"\x1b"); /* no prefix: module main */
    out = capture_end(&cap);
    log_outputs_close();
    /* the console: notice and above, as written */
    assert_string_equal(out, "Error: detect: error parsing signature \"x\"\n"
                             "Error: detect-depth: can't use multiple depths\n"
                             "Warning: /a/t.rules:3: no module \"here\"\\x1b\n");
    free(out);

    plain = slurp("suricata.log");
    assert_int_equal(line_count(plain), 4);
    assert_int_equal(plain[0], '[');
    assert_non_null(strstr(plain, " - Main] "));
    assert_non_null(strstr(plain, " Error: detect: error parsing signature \"x\"\n"));
    assert_non_null(strstr(plain, " Error: detect-depth: can't use multiple depths\n"));
    assert_non_null(strstr(plain, " Info: detect: 1 rule files processed\n"));
    assert_non_null(strstr(plain, " Warning: main: /a/t.rules:3: no module \"here\"\\x1b\n"));
    free(plain);

    /* json: the default level (notice), EVE's engine record */
    json = slurp("engine.json");
    assert_int_equal(line_count(json), 3);
    assert_non_null(strstr(json, "{\"timestamp\":\""));
    assert_non_null(strstr(json, "+0000\",\"log_level\":\"Error\",\"event_type\":\"engine\","
                                 "\"engine\":{\"message\":\"error parsing signature \\\"x\\\"\","
                                 "\"thread_name\":\"Main\",\"module\":\"detect\"}}\n"));
    assert_non_null(strstr(json, "\"message\":\"can't use multiple depths\",\"thread_name\":"
                                 "\"Main\",\"module\":\"detect-depth\"}}\n"));
    assert_non_null(strstr(json, "\"log_level\":\"Warning\""));
    assert_null(strstr(json, "rule files processed"));
    free(json);
    snprintf(path, sizeof(path), "%s/off.log", dir);
    assert_int_not_equal(access(path, F_OK), 0);
    cfg_free(cfg);
}

static void
an_unopenable_file_is_a_warning(void **state)
{
    static const char yaml[] = "default-log-dir: /nonexistent-sk-dir\n"
                               "logging:\n"
                               "  default-log-level: info\n"
                               "  outputs:\n"
                               "  - file:\n"
                               "      filename: suricata.log\n";
    CfgNode *cfg = cfg_load_string(yaml, "t");
    Capture cap;
    char *out;
    (void)state;
    log_set_level(LOG_LEVEL_NOTICE);
    capture_start(&cap);
    /* no -l: the config's default-log-dir, which does not exist: a warning, not a failure */
    assert_int_equal(log_outputs_open(cfg, NULL), SK_OK);
    log_info("runtime: default-log-level info reaches the console too");
    out = capture_end(&cap);
    log_outputs_close();
    assert_non_null(strstr(out, "Warning: debug: error opening file /nonexistent-sk-dir/"
                                "suricata.log: "));
    assert_non_null(strstr(out, "Info: runtime: default-log-level info reaches"));
    assert_int_equal(log_get_level(), LOG_LEVEL_INFO);
    free(out);
    log_set_level(LOG_LEVEL_NOTICE);
    cfg_free(cfg);
}

static void
level_names_are_suricatas(void **state)
{
    LogLevel l;
    (void)state;
    assert_true(log_level_parse("Warning", &l));
    assert_int_equal(l, LOG_LEVEL_WARN);
    assert_true(log_level_parse("perf", &l));
    assert_int_equal(l, LOG_LEVEL_INFO);
    assert_true(log_level_parse("DEBUG", &l));
    assert_int_equal(l, LOG_LEVEL_DEBUG);
    assert_false(log_level_parse("loud", &l));
}

static int
teardown(void **state)
{
    char cmd[128];
    (void)state;
    if (dir[0] == '\0') {
        return 0;
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(file_outputs_write_suricatas_formats),
        cmocka_unit_test(an_unopenable_file_is_a_warning),
        cmocka_unit_test(level_names_are_suricatas),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
