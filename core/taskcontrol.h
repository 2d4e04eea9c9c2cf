// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace runlens {

/**
 * Progress and cancellation for a long store call. The caller owns it and may request cancellation
 * from any thread; the store polls cancelled() and calls report() from its worker threads.
 */
class TaskControl
{
public:
    using ProgressFn = std::function<void(std::int64_t done, std::int64_t total)>;

    TaskControl() = default;
    explicit TaskControl(ProgressFn progress)
        : m_progress(std::move(progress))
    { }

    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool cancelled() const { return m_cancelled.load(std::memory_order_relaxed); }

    /** Thread-safe as long as the progress function is. */
    void report(std::int64_t done, std::int64_t total) const
    {
        if (m_progress)
            m_progress(done, total);
    }

private:
    std::atomic<bool> m_cancelled {false};
    ProgressFn m_progress;
};

inline bool isCancelled(const TaskControl* control)
{
    return control && control->cancelled();
}

} // namespace runlens
