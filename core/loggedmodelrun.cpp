// SPDX-License-Identifier: Apache-2.0
#include "loggedmodelrun.h"

#include <algorithm>

namespace runlens {

namespace {

RunStatus runStatus(LoggedModelStatus status)
{
    switch (status) {
    case LoggedModelStatus::Ready:
        return RunStatus::Finished;
    case LoggedModelStatus::Failed:
        return RunStatus::Failed;
    case LoggedModelStatus::Pending:
    case LoggedModelStatus::Unspecified:
        break;
    }
    return RunStatus::Running;
}

} // namespace

Run runFromLoggedModel(const LoggedModel& model)
{
    Run run;
    run.info.runId = model.modelId;
    run.info.runName = model.name;
    run.info.experimentId = model.experimentId;
    run.info.status = runStatus(model.status);
    run.info.startTime = model.creationTimestamp;
    run.info.artifactUri = model.artifactLocation;
    run.params = model.params;
    run.tags = model.tags;
    for (const ModelMetric& metric : latestModelMetrics(model)) {
        const std::string label = modelMetricLabel(metric);
        auto it = std::find_if(run.metrics.begin(), run.metrics.end(), [&](const Metric& m) { return m.key == label; });
        if (it == run.metrics.end())
            run.metrics.push_back({label, metric.point});
        else if (isLaterPoint(metric.point, it->point))
            it->point = metric.point;
    }
    std::sort(run.metrics.begin(), run.metrics.end(), [](const Metric& a, const Metric& b) { return a.key < b.key; });
    return run;
}

std::vector<MetricPoint> loggedModelMetricHistory(const LoggedModel& model, const std::string& label)
{
    std::vector<MetricPoint> points;
    for (const ModelMetric& metric : model.metrics) {
        if (modelMetricLabel(metric) == label)
            points.push_back(metric.point);
    }
    return points;
}

} // namespace runlens
