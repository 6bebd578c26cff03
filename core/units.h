/* Unit conversions at the edges: files and screens speak milliseconds, the model speaks
 * int64_t nanoseconds so that simulations are exact and deterministic. */
#ifndef PS_CORE_UNITS_H
#define PS_CORE_UNITS_H

#include <math.h>
#include <stdint.h>

#define PS_NS_PER_MS INT64_C(1000000)

/* Milliseconds to nanoseconds, rounded to nearest. */
static inline int64_t ps_ms_to_ns(double ms)
{
    return (int64_t)llround(ms * 1e6);
}

static inline double ps_ns_to_ms(int64_t ns)
{
    return (double)ns / 1e6;
}

/* Transmission time of size_mb megabytes over bandwidth_gbps Gb/s, in ns; 0 when the
 * bandwidth is unlimited (0). */
static inline int64_t ps_tx_ns(double size_mb, double bandwidth_gbps)
{
    if (bandwidth_gbps <= 0.0)
        return 0;
    return ps_ms_to_ns(size_mb * 8.0 / bandwidth_gbps);
}

#endif
