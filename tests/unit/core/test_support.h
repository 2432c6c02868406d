/* test_support.h: what the config tests share: catching what the code under test logs to
 * stderr (so a test can check it said one line), and a scratch directory removed by teardown. */
#ifndef SK_TEST_SUPPORT_H
#define SK_TEST_SUPPORT_H

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

typedef struct {
    FILE *tmp;
    int saved_fd;
} Capture;

static inline void
capture_start(Capture *c)
{
    fflush(stderr);
    c->tmp = tmpfile();
    assert_non_null(c->tmp);
    c->saved_fd = dup(STDERR_FILENO);
    assert_true(c->saved_fd >= 0);
    assert_true(dup2(fileno(c->tmp), STDERR_FILENO) >= 0);
}

/* Returns what was logged, new. */
static inline char *
capture_end(Capture *c)
{
    long n;
    char *text;

    fflush(stderr);
    dup2(c->saved_fd, STDERR_FILENO);
    close(c->saved_fd);
    fseek(c->tmp, 0, SEEK_END);
    n = ftell(c->tmp);
    rewind(c->tmp);
    text = calloc(1, (size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, c->tmp), (size_t)n);
    fclose(c->tmp);
    return text;
}

static inline size_t
line_count(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        n += *s == '\n';
    }
    return n;
}

/* A scratch directory for include tests, removed by teardown. */
typedef struct {
    char dir[64];
} Scratch;

static inline int
scratch_setup(void **state)
{
    Scratch *s = calloc(1, sizeof(*s));

    if (s == NULL) {
        return -1;
    }
    strcpy(s->dir, "/tmp/sk-test-config-XXXXXX");
    if (mkdtemp(s->dir) == NULL) {
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

static inline int
scratch_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline int
scratch_teardown(void **state)
{
    Scratch *s = *state;

    alarm(0); /* a test that armed a watchdog */
    nftw(s->dir, scratch_remove_one, 8, FTW_DEPTH | FTW_PHYS);
    free(s);
    return 0;
}

#endif
