#include <stdlib.h>  /* defines __GLIBC__ on glibc */
#include "osteon_system.h"

#if defined(__GLIBC__)
#include <malloc.h>
int osteon_set_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
#else
int osteon_set_mmap_threshold(int bytes) { (void)bytes; return 0; }
#endif
