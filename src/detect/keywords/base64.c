/* base64.c: (being written) */
#include "detect/detect_int.h"
