#ifndef OSTEON_SYSTEM_H
#define OSTEON_SYSTEM_H

/// Fixes glibc's mmap threshold (bytes) so that large buffers freed during a
/// long streaming run go back to the system instead of growing the heap.
/// Returns 1 on success, 0 where unsupported.
int osteon_set_mmap_threshold(int bytes);

#endif
