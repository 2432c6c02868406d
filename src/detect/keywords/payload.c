/* payload.c: (being written) */
#include "detect/detect_int.h"
