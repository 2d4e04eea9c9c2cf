// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>

namespace runlens {

/**
 * One dedicated thread that runs jobs in order. The SQLite store keeps its connection on it, so the
 * handle is only ever touched by one thread while any thread may call the store.
 */
class SqliteThread
{
public:
    SqliteThread();
    /** Runs the jobs already queued, then joins. */
    ~SqliteThread();
    SqliteThread(const SqliteThread&) = delete;
    SqliteThread& operator=(const SqliteThread&) = delete;

    /** Runs `job` on the thread and waits for its result (inline when called from the thread itself). */
    template<typename F>
    std::invoke_result_t<F&> call(F&& job)
    {
        using R = std::invoke_result_t<F&>;
        if (std::this_thread::get_id() == m_thread.get_id())
            return job();
        std::packaged_task<R()> task(std::forward<F>(job));
        auto future = task.get_future();
        // The task lives on this stack until the future is ready, which get() waits for.
        post([&task] { task(); });
        return future.get();
    }

    bool isCurrent() const { return std::this_thread::get_id() == m_thread.get_id(); }

private:
    void post(std::function<void()> job);
    void loop();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_jobs;
    bool m_stopping = false;
    std::thread m_thread; // last: starts after the queue exists
};

} // namespace runlens
