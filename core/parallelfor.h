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
 * Threads for the app's pool of store calls. Local calls mostly wait on disk, so a few (2-4) keep
 * one slow call from starving the rest; a server call only waits on the network, so a server gets
 * as many as it may have requests in flight (requestsInFlight, 0 for a local store).
 */
inline int sessionWorkerCount(int requestsInFlight = 0)
{
    const int local = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 2, 4);
    return std::max(local, requestsInFlight);
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
