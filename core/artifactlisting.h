// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "entities.h"
#include "result.h"
#include "store.h"
#include "taskcontrol.h"

#include <string>
#include <vector>

namespace runlens {

/**
 * Every artifact of a run in the order of MLflow's recursive list_artifacts: each folder entry
 * followed by its contents, depth first, entries sorted by path. Works on any Store.
 *
 * A folder that cannot be listed (a symbolic-link loop, no permission) does not end the listing: its
 * entry stays, its contents are left out and the reason goes to `problems` when given. Only a
 * failure at the artifact root is returned as an error. Nesting deeper than 256 folders is cut off
 * the same way, so a store that cannot detect loops itself still terminates.
 */
Result<std::vector<FileInfo>> listArtifactsRecursive(
    Store& store, const std::string& runId, std::vector<Problem>* problems = nullptr, TaskControl* control = nullptr);

} // namespace runlens
