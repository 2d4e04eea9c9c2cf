// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>

#include <string>
#include <vector>

namespace runlens {

/**
 * The colour of a run wherever it appears (table swatch, chart lines, Compare, scatter, parallel
 * coordinates). Colours come from a palette whose 20 entries are far apart (CIELAB distance ≥ 25),
 * and are given out so that runs shown together differ:
 *  - assignRunColors() gives every run of a listing that has none the palette entry its listing
 *    uses least, in the listing's order; a listing of up to 20 runs then shows 20 different colours.
 *  - distinguishRunColors() makes the runs of a selection differ, any number of them, moving the
 *    later of two runs that share a colour to one no other selected run has.
 * A run keeps its colour until a selection needs to move it, so sorting and refreshing change
 * nothing, and the same listing in a later session gets the same colours. A run no listing gave a
 * colour to gets one by a stable hash of its id. Safe to call from any thread.
 */
QColor runColor(const std::string& runId);

/** Gives colours to the runs of a listing (in its order) that have none; see runColor(). */
void assignRunColors(const std::vector<std::string>& runIds);

/** Makes the colours of these runs differ from one another; true when some colour changed. */
bool distinguishRunColors(const std::vector<std::string>& runIds);

/** The size of the fixed palette; colours beyond it are made up, spread around the hue circle. */
int runColorCount();

/** Palette entry `index` (any index ≥ 0). */
QColor runPaletteColor(int index);

} // namespace runlens
