/* time.h: engine time. Offline it is the capture's packet time, live the wall clock; callers
 * never ask which. Microseconds since the epoch fit 64 bits for 500,000 years. */
#ifndef SK_CORE_TIME_H
#define SK_CORE_TIME_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t SkTime; /* microseconds since 1970-01-01 UTC */

#define SK_USEC_PER_SEC 1000000ULL
#define SK_TIME_SEC(t) ((t) / SK_USEC_PER_SEC)
#define SK_TIME_USEC(t) ((t) % SK_USEC_PER_SEC)
#define SK_TIME_FROM_SEC(s) ((SkTime)(s)*SK_USEC_PER_SEC)
/* 9999-12-31T23:59:59.999999Z, the last instant EVE's four-digit year can write. Capture clamps
 * packet times into 0..SK_TIME_MAX, which leaves 70 times that much headroom below 2^64: adding
 * a timeout or a stats interval to a packet time can never wrap. */
#define SK_TIME_MAX 253402300799999999ULL

/* EVE's format: "2024-06-04T09:00:01.289612+0000" (UTC). buf needs SK_TIME_EVE_LEN + 1. Times
 * past SK_TIME_MAX are written as SK_TIME_MAX. */
#define SK_TIME_EVE_LEN 31
size_t time_format_eve(SkTime t, char *buf);

/* Wall clock, for live capture and for run duration; not for the packet path. */
SkTime time_wall_now(void);
/* Monotonic seconds, for measuring run time. */
double time_mono_s(void);

#endif
