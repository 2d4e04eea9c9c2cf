// SPDX-License-Identifier: Apache-2.0
// bench_open_store: how long opening a store and listing its runs takes, against the time it takes
// just to read every byte of the store (the floor any reader of that layout has to pay).
//
//   bench_open_store <store path> [--repeat 7] [--cli <runlens-cli>]
//
// Every figure is the median of --repeat timed passes after one untimed warm-up pass, so the page
// cache is warm for all of them alike. Nothing here asserts on time; it prints figures.

#include "storefactory.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QCoreApplication>

namespace fs = std::filesystem;
using namespace runlens;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

long peakRssKb()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss; // KiB on Linux
}

std::string withThousands(std::int64_t n)
{
    std::string digits = std::to_string(n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<std::size_t>(i), ",");
    return digits;
}

std::string megabytes(double bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
    return buf;
}

struct ReadTotals
{
    std::int64_t files = 0;
    std::int64_t bytes = 0;
};

// The reference: walk the tree, open every regular file and read it whole into one reused buffer.
ReadTotals readEverything(const fs::path& root, std::vector<char>& buffer)
{
    ReadTotals totals;
    const auto readOne = [&](const fs::path& file) {
        const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        ++totals.files;
        for (;;) {
            const ssize_t n = ::read(fd, buffer.data(), buffer.size());
            if (n <= 0)
                break;
            totals.bytes += n;
        }
        ::close(fd);
    };
    std::error_code ec;
    if (fs::is_regular_file(root, ec)) {
        readOne(root);
        return totals;
    }
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
         it != end && !ec; it.increment(ec)) {
        if (it->is_regular_file(ec))
            readOne(it->path());
    }
    return totals;
}

struct Row
{
    std::string label;
    std::optional<double> medianMs; // empty: not available
    double minMs = 0;
    std::string note;
};

// Times fn `repeat` times after one untimed warm-up; fn returns an error text or empty on success,
// and may fill `note` with what it found.
Row measure(const std::string& label, int repeat, const std::function<std::string(std::string& note)>& fn)
{
    Row row {label, std::nullopt, 0, {}};
    std::string note;
    if (std::string error = fn(note); !error.empty()) {
        row.note = "not available: " + error;
        return row;
    }
    std::vector<double> times;
    for (int i = 0; i < repeat; ++i) {
        const auto start = Clock::now();
        fn(note);
        times.push_back(msSince(start));
    }
    row.medianMs = median(times);
    row.minMs = *std::min_element(times.begin(), times.end());
    row.note = note;
    return row;
}

// Runs `argv` with stdout and stderr sent to files; returns wall ms and fills the child's peak RSS.
std::optional<double> runChild(const std::vector<std::string>& args, long& childRssKb, std::string& error)
{
    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const std::string errPath
        = (fs::temp_directory_path() / ("bench_open_store." + std::to_string(getpid()) + ".err")).string();
    const auto start = Clock::now();
    const pid_t pid = fork();
    if (pid < 0) {
        error = std::string("fork: ") + std::strerror(errno);
        return std::nullopt;
    }
    if (pid == 0) {
        const int out = ::open("/dev/null", O_WRONLY);
        const int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out >= 0)
            dup2(out, STDOUT_FILENO);
        if (err >= 0)
            dup2(err, STDERR_FILENO);
        execv(argv[0], argv.data());
        std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
        _exit(127);
    }
    int status = 0;
    rusage usage {};
    while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) { }
    const double ms = msSince(start);
    childRssKb = usage.ru_maxrss;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::string firstLine;
        if (FILE* f = std::fopen(errPath.c_str(), "r")) {
            char buf[512] = {};
            if (std::fgets(buf, sizeof buf, f))
                firstLine = buf;
            std::fclose(f);
        }
        while (!firstLine.empty() && (firstLine.back() == '\n' || firstLine.back() == '\r'))
            firstLine.pop_back();
        error = (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                   : std::string("killed by signal"))
            + (firstLine.empty() ? "" : ": " + firstLine);
        std::remove(errPath.c_str());
        return std::nullopt;
    }
    std::remove(errPath.c_str());
    return ms;
}

int usableCores()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return CPU_COUNT(&set);
    return static_cast<int>(std::thread::hardware_concurrency());
}

[[noreturn]] void usage(const std::string& problem)
{
    std::fprintf(stderr,
        "bench_open_store: %s\n\nusage: bench_open_store <store path> [--repeat N] [--cli <path to runlens-cli>]\n",
        problem.c_str());
    std::exit(2);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2)
        usage("no store given");
    std::string storeArg = argv[1];
    int repeat = 7;
    std::string cliPath;
    for (int i = 2; i < argc; ++i) {
        const std::string option = argv[i];
        if (i + 1 >= argc)
            usage(option + " needs a value");
        const std::string value = argv[++i];
        if (option == "--repeat") {
            const auto res = std::from_chars(value.data(), value.data() + value.size(), repeat);
            if (res.ec != std::errc() || res.ptr != value.data() + value.size() || repeat < 1)
                usage("--repeat needs a positive integer");
        } else if (option == "--cli") {
            cliPath = fs::absolute(value).string();
        } else {
            usage("unknown option " + option);
        }
    }

    std::error_code ec;
    const auto location = resolveStoreLocation(storeArg, fs::current_path(ec));
    if (!location) {
        std::fprintf(stderr, "bench_open_store: %s\n", location.error().message.c_str());
        return 1;
    }
    const bool isSqlite = location->kind == StoreKind::Sqlite;
    const fs::path storePath = location->location;
    const std::string storeUri = storePath.string();

    std::vector<Row> rows;
    std::vector<char> buffer(1 << 20);
    ReadTotals totals;
    Row reference = measure("reference: read every file", repeat, [&](std::string& note) {
        totals = readEverything(storePath, buffer);
        note = withThousands(totals.files) + " files, " + megabytes(static_cast<double>(totals.bytes));
        return totals.files ? std::string() : std::string("nothing readable under the store");
    });
    rows.push_back(reference);
    const long rssAfterReference = peakRssKb();

    std::string historyRun;
    const auto search = [&](RunFields fields, const std::string& filter, std::string& note, bool remember) {
        auto store = openStore(storeUri);
        if (!store)
            return store.error().message;
        RunQuery query;
        query.fields = fields;
        query.filter = filter;
        auto result = (*store)->searchRuns(query);
        if (!result)
            return result.error().message;
        note = withThousands(static_cast<std::int64_t>(result->runs.size())) + " runs";
        if (!result->problems.empty())
            note += ", " + withThousands(static_cast<std::int64_t>(result->problems.size())) + " problems";
        if (remember && historyRun.empty()) {
            // A finished run has the full-length history of m0 (generate_store's shape).
            for (const Run& r : result->runs) {
                if (r.info.status == RunStatus::Finished && r.metric("m0")) {
                    historyRun = r.info.runId;
                    break;
                }
            }
        }
        return std::string();
    };

    rows.push_back(measure("runs ids  (openStore + searchRuns, Info)", repeat,
        [&](std::string& note) { return search(static_cast<RunFields>(RunField::Info), {}, note, false); }));
    const long rssAfterIds = peakRssKb();
    rows.push_back(measure("runs full (openStore + searchRuns, all fields)", repeat,
        [&](std::string& note) { return search(kAllRunFields, {}, note, true); }));
    const long rssAfterFull = peakRssKb();
    const std::string filter = "metrics.m0 > 0.5 and params.p1 = '10'";
    rows.push_back(measure("runs filter (" + filter + ")", repeat,
        [&](std::string& note) { return search(kAllRunFields, filter, note, false); }));
    rows.push_back(measure("metricHistory m0 of one run (open + read)", repeat, [&](std::string& note) {
        if (historyRun.empty())
            return std::string("no finished run with metric m0 (not a generate_store store?)");
        auto store = openStore(storeUri);
        if (!store)
            return store.error().message;
        auto history = (*store)->metricHistory(historyRun, "m0");
        if (!history)
            return history.error().message;
        note = withThousands(static_cast<std::int64_t>(history->size())) + " points";
        return std::string();
    }));
    const long rssAfterAll = peakRssKb();

    long cliRssKb = 0;
    if (!cliPath.empty()) {
        long peak = 0;
        rows.push_back(measure("runlens-cli runs --format ids (child process)", repeat, [&](std::string& note) {
            long rss = 0;
            std::string error;
            const auto ms = runChild({cliPath, "runs", "--store", storeUri, "--format", "ids"}, rss, error);
            if (!ms)
                return error;
            peak = std::max(peak, rss);
            note = "child peak RSS " + megabytes(static_cast<double>(peak) * 1024);
            return std::string();
        }));
        cliRssKb = peak;
    }

    std::printf("store      %s (%s)\n", storeUri.c_str(), isSqlite ? "SQLite store" : "file store");
    std::printf(
        "machine    %d usable cores (hardware_concurrency %u)\n", usableCores(), std::thread::hardware_concurrency());
    std::printf(
        "method     median and min of %d timed passes after one untimed warm-up pass (warm page cache)\n\n", repeat);
    std::printf("%-62s %10s %10s %8s  %s\n", "measurement", "median ms", "min ms", "x ref", "result");
    for (const Row& row : rows) {
        if (!row.medianMs) {
            std::printf("%-62s %10s %10s %8s  %s\n", row.label.c_str(), "-", "-", "-", row.note.c_str());
            continue;
        }
        char ratio[16] = "-";
        if (reference.medianMs && *reference.medianMs > 0)
            std::snprintf(ratio, sizeof ratio, "%.2f", *row.medianMs / *reference.medianMs);
        std::printf(
            "%-62s %10.1f %10.1f %8s  %s\n", row.label.c_str(), *row.medianMs, row.minMs, ratio, row.note.c_str());
    }
    std::printf("\npeak RSS of this process (high-water mark): after reference %s, after runs ids %s, after runs "
                "full %s, at the end %s\n",
        megabytes(static_cast<double>(rssAfterReference) * 1024).c_str(),
        megabytes(static_cast<double>(rssAfterIds) * 1024).c_str(),
        megabytes(static_cast<double>(rssAfterFull) * 1024).c_str(),
        megabytes(static_cast<double>(rssAfterAll) * 1024).c_str());
    if (!cliPath.empty() && cliRssKb > 0)
        std::printf(
            "peak RSS of runlens-cli runs --format ids: %s\n", megabytes(static_cast<double>(cliRssKb) * 1024).c_str());
    return 0;
}
