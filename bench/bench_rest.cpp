// SPDX-License-Identifier: Apache-2.0
// Client-side cost of reading runs from a tracking server, per 1,000 runs: parsing a runs/search
// page into Run values from memory, and the whole RestStore::searchRuns round trip against a local
// server. The page is made of the runs recorded from MLflow 2.22 (rest-transcript.jsonl, exchange
// 26), repeated with fresh ids, so it has the shape and size of real replies.
//
// Usage: bench_rest [transcript.jsonl] [repetitions]

#include "../tests/common/replayserver.h"
#include "net/httpclient.h"
#include "parallelfor.h"
#include "stores/rest/mlflowjson.h"
#include "stores/rest/reststore.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include <QCoreApplication>
#include <QFileInfo>
#include <QThreadPool>
#include <QtConcurrent>

using namespace runlens;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRuns = 1000;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

json makePage(const json& recordedRuns)
{
    json page = json::object();
    page["runs"] = json::array();
    for (int i = 0; i < kRuns; ++i) {
        json run = recordedRuns[static_cast<std::size_t>(i) % recordedRuns.size()];
        char id[33];
        std::snprintf(id, sizeof id, "%032x", i);
        run["info"]["run_id"] = id;
        run["info"]["run_uuid"] = id;
        page["runs"].push_back(std::move(run));
    }
    return page;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QString transcript = argc > 1 ? QString::fromLocal8Bit(argv[1])
                                        : QFileInfo(QStringLiteral(__FILE__)).absolutePath()
            + QStringLiteral("/../tests/data/mlflow-2.22/rest-transcript.jsonl");
    const int repetitions = argc > 2 ? std::max(1, std::atoi(argv[2])) : 9;

    runlens::test::ReplayServer server(transcript);
    if (!server.start()) {
        std::fprintf(stderr, "cannot start the local server\n");
        return 1;
    }
    const json page = makePage(server.exchange(26).responseJson.at("runs"));
    const std::string text = page.dump();
    std::printf("page: %d runs, %.2f MB of JSON (recorded shape, exchange 26)\n", kRuns, text.size() / 1e6);

    // Reference: nlohmann's DOM parse alone.
    std::vector<double> parseOnly;
    std::vector<double> parseAndConvert;
    std::size_t sink = 0;
    for (int r = 0; r < repetitions; ++r) {
        auto start = Clock::now();
        json parsed = json::parse(text);
        parseOnly.push_back(msSince(start));
        sink += parsed.size();

        start = Clock::now();
        json again = json::parse(text);
        std::vector<Run> runs;
        runs.reserve(kRuns);
        for (const auto& item : again.at("runs")) {
            auto run = mlflowjson::runFromJson(item);
            if (run)
                runs.push_back(std::move(*run));
        }
        parseAndConvert.push_back(msSince(start));
        sink += runs.size();
    }

    // End to end: HTTP on 127.0.0.1, paging loop, parse, conversion.
    const QByteArray body = QByteArray::fromStdString(text);
    server.setHandler([&body](const runlens::test::ReplayRequest& r) -> std::optional<runlens::test::ReplayResponse> {
        if (r.path != "/api/2.0/mlflow/runs/search")
            return std::nullopt;
        return runlens::test::ReplayResponse::text(200, "application/json", body);
    });
    RestConnection connection;
    connection.baseUrl = server.baseUrl();
    auto store = RestStore::open(connection);
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().toString().c_str());
        return 1;
    }
    std::vector<double> roundTrip;
    RunQuery query;
    query.experimentIds = {"1"};
    for (int r = 0; r < repetitions; ++r) {
        const auto start = Clock::now();
        auto list = (*store)->searchRuns(query);
        roundTrip.push_back(msSince(start));
        if (!list || list->runs.size() != kRuns) {
            std::fprintf(stderr, "unexpected result: %s\n", list ? "wrong count" : list.error().toString().c_str());
            return 1;
        }
    }

    // Transfer alone: the same request through HttpClient, no JSON work.
    std::vector<double> transfer;
    {
        RestConnection plain = connection;
        plain.normalize();
        auto client = HttpClient::create(plain);
        HttpRequest request;
        request.method = "POST";
        request.path = "/api/2.0/mlflow/runs/search";
        request.jsonBody = R"({"experiment_ids": ["1"]})";
        for (int r = 0; r < repetitions; ++r) {
            const auto start = Clock::now();
            auto reply = (*client)->send(request);
            transfer.push_back(msSince(start));
            sink += reply ? static_cast<std::size_t>(reply->body.size()) : 0;
        }
    }

    // Metric histories of many selected runs, as the chart panel loads them: one task per history
    // on a pool of workers (the session's pool has 2-4 threads), HttpClient bounding the requests
    // in flight. Each reply waits kLatencyMs on the server, standing in for a network round trip;
    // the reference fetches the same histories one after the other.
    constexpr int kHistories = 40;
    constexpr int kLatencyMs = 25;
    const auto& recordedHistory = server.exchange(44); // 3,000 points of train/loss
    server.setHandler(
        [&recordedHistory](const runlens::test::ReplayRequest& r) -> std::optional<runlens::test::ReplayResponse> {
            if (r.path != "/api/2.0/mlflow/metrics/get-history")
                return std::nullopt;
            auto reply = recordedHistory.response;
            reply.delayMs = kLatencyMs;
            return reply;
        });
    const auto historyIds = [](int i) {
        char id[33];
        std::snprintf(id, sizeof id, "%032x", i);
        return std::string(id);
    };
    // The session's pool: 2-4 threads for local stores, as many as the connection has requests in
    // flight (6) for a server, since those threads only wait.
    const int localWorkers = sessionWorkerCount();
    const int serverWorkers = sessionWorkerCount(RestConnection {}.maxConcurrentRequests);
    std::vector<double> sequential;
    std::map<int, std::vector<double>> concurrent;
    std::map<int, std::vector<double>> firstArrived;
    std::map<int, int> inFlight;
    for (int r = 0; r < std::max(3, repetitions / 2); ++r) {
        auto start = Clock::now();
        for (int i = 0; i < kHistories; ++i)
            sink += (*store)->metricHistory(historyIds(i), "train/loss").value().size();
        sequential.push_back(msSince(start));

        for (int workers : {localWorkers, serverWorkers}) {
            QThreadPool pool;
            pool.setMaxThreadCount(workers);
            server.clearLog();
            start = Clock::now();
            std::atomic<bool> first {false};
            std::atomic<double> firstMs {0};
            std::vector<QFuture<std::size_t>> futures;
            for (int i = 0; i < kHistories; ++i) {
                futures.push_back(QtConcurrent::run(&pool, [&, id = historyIds(i)] {
                    auto h = (*store)->metricHistory(id, "train/loss");
                    if (!first.exchange(true))
                        firstMs = msSince(start);
                    return h ? h->size() : std::size_t(0);
                }));
            }
            for (auto& f : futures)
                sink += f.result();
            concurrent[workers].push_back(msSince(start));
            firstArrived[workers].push_back(firstMs);
            inFlight[workers] = std::max(inFlight[workers], server.maxInFlight());
        }
    }

    std::printf("median of %d, per %d runs:\n", repetitions, kRuns);
    std::printf("  HTTP transfer only (HttpClient)   %8.2f ms\n", median(transfer));
    std::printf("  json::parse only (reference)      %8.2f ms\n", median(parseOnly));
    std::printf("  parse + convert to Run values     %8.2f ms\n", median(parseAndConvert));
    std::printf("  RestStore::searchRuns over HTTP   %8.2f ms\n", median(roundTrip));
    std::printf("%d histories of 3,000 points, %d ms server latency each, median of %d:\n", kHistories, kLatencyMs,
        int(sequential.size()));
    std::printf("  one after the other (reference)   %8.1f ms\n", median(sequential));
    for (const auto& [workers, times] : concurrent) {
        std::printf(
            "  %d workers%s %8.1f ms  (%.1fx faster; first history after %.1f ms; %d requests in flight at most)\n",
            workers, workers == serverWorkers ? " (server pool)  " : " (local pool)   ", median(times),
            median(sequential) / median(times), median(firstArrived[workers]), inFlight[workers]);
    }
    return sink == 0 ? 1 : 0;
}
