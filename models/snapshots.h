// SPDX-License-Identifier: Apache-2.0
#pragma once

// Immutable results as they travel from worker threads to the GUI: shared, never mutated after
// delivery, so a queued signal copies a pointer rather than ten thousand runs.

#include "store.h"

#include <QMetaType>

#include <memory>

namespace runlens {

using ExperimentListSnapshot = std::shared_ptr<const ExperimentList>;
using RunListSnapshot = std::shared_ptr<const RunList>;

} // namespace runlens

Q_DECLARE_METATYPE(runlens::ExperimentListSnapshot)
Q_DECLARE_METATYPE(runlens::RunListSnapshot)
