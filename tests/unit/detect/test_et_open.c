/* test_et_open.c: how much of Emerging Threats Open (../shared/rules/et-open/, 22,445 active
 * rules, all of which Suricata 8.0.7 loads) sekimori's parser loads with today's keywords, and
 * which keywords the rest wait for. Prints the figures; fails if any ET rule is refused for a
 * reason other than an unsupported keyword (a parser bug: these rules are good) or if the
 * count of rules read differs from the active rules in the files. Skipped, with the reason,
 * when ../shared is absent. Run from the project root (meson's workdir). */
#include "detect/detect_int.h"

#include <dirent.h>

#include "../core/test_support.h"

#define ET_DIR "../shared/rules/et-open"

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
et_open_rules_load_or_are_unsupported(void **state)
{
    DIR *d = opendir(ET_DIR);
    struct dirent *e;
    char *names[256];
    size_t n = 0;
    CfgNode *cfg;
    DetectRules *r;
    Capture cap;
    char *log;
    const DetectLoadStats *st;
    unsigned active = 0;
    (void)state;

    if (d == NULL) {
        printf("skipped: %s is absent (the shared reference data is not mounted)\n", ET_DIR);
        skip();
    }
    while ((e = readdir(d)) != NULL && n < 256) {
        size_t l = strlen(e->d_name);
        if (l > 6 && strcmp(e->d_name + l - 6, ".rules") == 0) {
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof(names[0]), name_cmp);
    cfg = cfg_load_default();
    assert_non_null(cfg);
    r = detect_rules_new(cfg);
    assert_non_null(r);
    capture_start(&cap); /* one error line per unsupported rule: counted, not shown */
    for (size_t i = 0; i < n; i++) {
        char path[512];
        FILE *f;
        char line[65536];
        snprintf(path, sizeof(path), "%s/%s", ET_DIR, names[i]);
        f = fopen(path, "r");
        assert_non_null(f);
        while (fgets(line, sizeof(line), f) != NULL) {
            active += strncmp(line, "alert ", 6) == 0 || strncmp(line, "drop ", 5) == 0
                      || strncmp(line, "pass ", 5) == 0 || strncmp(line, "reject", 6) == 0;
        }
        fclose(f);
        assert_int_equal(detect_rules_load_file(r, path), SK_OK);
        free(names[i]);
    }
    log = capture_end(&cap);
    st = detect_rules_stats(r);
    printf("ET Open: %u rule files, %u active rules; sekimori loads %u (%.1f %%), %u fail on "
           "unsupported keywords, %u on other reasons, %u skipped; Suricata 8.0.7 loads all "
           "22445\n",
           st->files, active, st->loaded, active ? 100.0 * st->loaded / active : 0.0,
           st->unsupported, st->failed - st->unsupported, st->skipped);
    printf("unsupported keywords (rules using each):\n");
    detect_rules_print_unsupported(r, stdout);
    if (st->failed != st->unsupported) {
        /* show the parser's mistakes: lines that are not "unsupported rule keyword" */
        for (char *l = strtok(log, "\n"); l != NULL; l = strtok(NULL, "\n")) {
            if (strstr(l, "unsupported rule keyword") == NULL) {
                printf("%s\n", l);
            }
        }
    }
    free(log);
    assert_int_equal(st->loaded + st->failed, active);
    assert_int_equal(st->failed, st->unsupported);
    detect_rules_free(r);
    cfg_free(cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(et_open_rules_load_or_are_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
