// SPDX-License-Identifier: Apache-2.0
// Client-side cost of reading runs from a tracking server, per 1,000 runs: parsing a runs/search
// page into Run values from memory, and the whole RestStore::searchRuns round trip against a local
// server. The page is made of the runs recorded from MLflow 2.22 (rest-transcript.jsonl, exchange
// 26), repeated with fresh ids, so it has the shape and size of real replies.
//
// Usage: bench_rest [transcript.jsonl] [repetitions]

#include "../tests/common/replayserver.h"
#include "httpclient.h"
#include "mlflowjson.h"
#include "reststore.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>

#include <QCoreApplication>
#include <QFileInfo>

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

    std::printf("median of %d, per %d runs:\n", repetitions, kRuns);
    std::printf("  HTTP transfer only (HttpClient)   %8.2f ms\n", median(transfer));
    std::printf("  json::parse only (reference)      %8.2f ms\n", median(parseOnly));
    std::printf("  parse + convert to Run values     %8.2f ms\n", median(parseAndConvert));
    std::printf("  RestStore::searchRuns over HTTP   %8.2f ms\n", median(roundTrip));
    return sink == 0 ? 1 : 0;
}
