// SPDX-License-Identifier: Apache-2.0
#pragma once

// A minimal parallel loop for I/O-bound scans: workers take the next index from a shared counter, so
// a slow item never stalls the others. Results go into per-index slots, which keeps output order
// independent of the thread count.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace runlens {

/** Threads to use for a scan of n items: all hardware threads (at least 2), never more than n. */
inline unsigned scanThreadCount(std::size_t n)
{
    const unsigned hardware = std::max(2u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(n, hardware)));
}

/**
 * Calls fn(index, worker) for every index in [0, n), worker in [0, threads). The calling thread is
 * worker 0. fn must not throw.
 */
template<typename Fn>
void parallelFor(std::size_t n, unsigned threads, Fn&& fn)
{
    if (n == 0)
        return;
    threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::min<std::size_t>(n, 1024))));
    std::atomic<std::size_t> next {0};
    auto work = [&](unsigned worker) {
        for (;;) {
            const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
            if (i >= n)
                return;
            fn(i, worker);
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (unsigned w = 1; w < threads; ++w)
        pool.emplace_back(work, w);
    work(0);
    for (auto& t : pool)
        t.join();
}

} // namespace runlens
