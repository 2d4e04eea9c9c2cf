// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runlens asks a tracking server for 1,000 items a page where the recording of the real MLflow 2.22
// server asked for two or four, to show its paging. MLflow's paging only splits a result, so these
// larger requests are answered with the recorded pages joined: exactly what the server returned,
// in one page. Anything else falls through to the transcript.

#include "replayserver.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace runlens::test {

inline nlohmann::json recordedPages(const ReplayServer& server, std::initializer_list<int> seqs, const char* field)
{
    nlohmann::json all = nlohmann::json::array();
    for (int seq : seqs) {
        for (const auto& item : server.exchange(seq).responseJson.value(field, nlohmann::json::array()))
            all.push_back(item);
    }
    return all;
}

/** A handler for ReplayServer::setHandler that answers the one-page forms of recorded paged listings. */
inline ReplayServer::Handler recordedPagesHandler(const ReplayServer& server)
{
    using nlohmann::json;
    const json activeExperiments = recordedPages(server, {3, 4, 5}, "experiments");
    const json allExperiments = server.exchange(6).responseJson; // asked with max_results 100: one page
    const json models = recordedPages(server, {65, 66}, "registered_models");
    const json imageRuns = recordedPages(server, {16, 17, 18, 19}, "runs"); // experiment 1, start_time DESC
    return [=](const ReplayRequest& r) -> std::optional<ReplayResponse> {
        const std::string api = "/api/2.0/mlflow";
        const json body = json::parse(r.body.toStdString(), nullptr, false);
        const bool onePage = body.is_object() && body.value("max_results", 0) == 1000 && !body.contains("filter")
            && !body.contains("page_token");
        if (r.path == api + "/experiments/search" && onePage) {
            const std::string view = body.value("view_type", "ACTIVE_ONLY");
            if (view == "ACTIVE_ONLY")
                return ReplayResponse::json(200, {{"experiments", activeExperiments}});
            if (view == "ALL")
                return ReplayResponse::json(200, allExperiments);
        }
        if (r.path == api + "/registered-models/search" && r.queryValue("max_results") == "1000"
            && r.queryValue("filter").empty() && r.queryValue("page_token").empty())
            return ReplayResponse::json(200, {{"registered_models", models}});
        if (r.path == api + "/runs/search" && onePage && body.value("experiment_ids", json()) == json {"1"}
            && body.value("run_view_type", "ACTIVE_ONLY") == "ACTIVE_ONLY"
            && body.value("order_by", json {"attributes.start_time DESC"}) == json {"attributes.start_time DESC"})
            return ReplayResponse::json(200, {{"runs", imageRuns}});
        return std::nullopt;
    };
}

} // namespace runlens::test
