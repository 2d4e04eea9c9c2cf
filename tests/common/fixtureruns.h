// SPDX-License-Identifier: Apache-2.0
#pragma once

// The runs of experiments in the fixture file store MLflow 2.22 wrote, as the GUI receives them.

#include "snapshots.h"
#include "storefactory.h"

#include <QtGlobal>

#include <memory>
#include <string>
#include <vector>

namespace runlens::test {

/** The active runs of these experiments in the fixture mlruns, or nullptr (with a warning) on error. */
inline RunListSnapshot loadFixture(std::vector<std::string> experimentIds)
{
    auto store = openStore(RUNLENS_FIXTURE_DIR "/file/mlruns");
    if (!store) {
        qWarning("%s", store.error().toString().c_str());
        return nullptr;
    }
    RunQuery query;
    query.experimentIds = std::move(experimentIds);
    auto result = store.value()->searchRuns(query);
    if (!result) {
        qWarning("%s", result.error().toString().c_str());
        return nullptr;
    }
    return std::make_shared<const RunList>(std::move(result.value()));
}

} // namespace runlens::test
