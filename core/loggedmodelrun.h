// SPDX-License-Identifier: Apache-2.0
#pragma once

// A logged model (MLflow 3) seen as a run, so that every panel made for runs (charts, parallel
// coordinates, scatter, compare) can show the models selected in the Models view as they are.

#include "entities.h"

#include <string>
#include <vector>

namespace runlens {

/**
 * The run id is the model id; the name, experiment, params and tags are the model's; the creation
 * time is the start time; READY reads as FINISHED, PENDING as RUNNING, FAILED as FAILED. The
 * metrics are the latest point of each metric and dataset, keyed by modelMetricLabel()
 * ("accuracy (cifar10-eval)"); when two digests share a dataset name, the later point wins.
 */
Run runFromLoggedModel(const LoggedModel& model);

/** Every logged point of the metric a label names (see modelMetricLabel), in the store's order. */
std::vector<MetricPoint> loggedModelMetricHistory(const LoggedModel& model, const std::string& label);

} // namespace runlens
