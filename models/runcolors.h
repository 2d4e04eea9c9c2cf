// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>

#include <string>

namespace runlens {

/**
 * The colour of a run wherever it appears (table swatch, chart lines): one of a well-spread palette,
 * chosen by a stable hash of the run id so the same run has the same colour in every session.
 */
QColor runColor(const std::string& runId);

/** The palette runColor() picks from. */
int runColorCount();

} // namespace runlens
