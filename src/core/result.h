/* result.h: the engine-failure vocabulary. Hostile input is never an SkResult (it is an event);
 * these are for config, I/O and start-up memory, negative like libpcap's codes. */
#ifndef SK_CORE_RESULT_H
#define SK_CORE_RESULT_H

typedef enum {
    SK_OK = 0,
    SK_ERR_NOMEM = -1,  /* allocation failed */
    SK_ERR_CONFIG = -2, /* bad config value, bad option */
    SK_ERR_IO = -3,     /* file missing, unreadable, short write */
    SK_ERR_FORMAT = -4, /* a file that is not what it claims (capture header) */
    SK_EOF = 1,         /* positive: not an error, the input has ended */
    SK_AGAIN = 2,       /* positive: nothing yet (live capture: no packet within its timeout) */
} SkResult;

#endif
