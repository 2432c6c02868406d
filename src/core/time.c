/* time.c: formatting engine time the way EVE writes it, without gmtime's locks or tz reads. */
#include "core/time.h"

#include <time.h>

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). Pure arithmetic, so it runs on
 * the output path without gmtime_r's per-call overhead. */
static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

static char *
put_dec(char *out, unsigned v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return out + width;
}

size_t
time_format_eve(SkTime t, char *buf)
{
    uint64_t sec;
    unsigned usec, sod;
    int y;
    unsigned m, d;
    char *o = buf;

    if (t > SK_TIME_MAX) {
        t = SK_TIME_MAX; /* a date, not "9999" with some other time's month and day */
    }
    sec = SK_TIME_SEC(t);
    usec = (unsigned)SK_TIME_USEC(t);
    sod = (unsigned)(sec % 86400);
    civil_from_days((int64_t)(sec / 86400), &y, &m, &d);
    o = put_dec(o, (unsigned)y, 4);
    *o++ = '-';
    o = put_dec(o, m, 2);
    *o++ = '-';
    o = put_dec(o, d, 2);
    *o++ = 'T';
    o = put_dec(o, sod / 3600, 2);
    *o++ = ':';
    o = put_dec(o, sod / 60 % 60, 2);
    *o++ = ':';
    o = put_dec(o, sod % 60, 2);
    *o++ = '.';
    o = put_dec(o, usec, 6);
    *o++ = '+';
    o = put_dec(o, 0, 4);
    *o = '\0';
    return (size_t)(o - buf);
}

SkTime
time_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return SK_TIME_FROM_SEC(ts.tv_sec) + (SkTime)ts.tv_nsec / 1000;
}

double
time_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
