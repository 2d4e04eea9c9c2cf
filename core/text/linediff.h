// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "taskcontrol.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

enum class LineDiffOp
{
    Equal,
    Delete, // a line only in the old text
    Insert, // a line only in the new text
};

/** A run of lines with the same op: old lines [oldStart, oldStart+count) and/or new ones likewise. */
struct LineDiffRun
{
    LineDiffOp op = LineDiffOp::Equal;
    std::size_t oldStart = 0; // for Insert: where in the old text the lines go
    std::size_t newStart = 0; // for Delete: where in the new text the lines were
    std::size_t count = 0;
    friend bool operator==(const LineDiffRun&, const LineDiffRun&) = default;
};

/** Changed runs with up to `context` equal lines around them, as a unified diff's "@@" block shows. */
struct LineDiffHunk
{
    std::size_t oldStart = 0;
    std::size_t oldCount = 0;
    std::size_t newStart = 0;
    std::size_t newCount = 0;
    std::vector<LineDiffRun> runs;
};

/**
 * A minimal line diff (Myers' O(ND) algorithm, linear space): the Equal runs form a longest common
 * subsequence of the two texts. Runs come in order and cover both texts completely; within a change,
 * deletes come before inserts. Lines found in only one text are set aside first (they can never be
 * common), which keeps wholly different files fast without giving up minimality.
 *
 * Returns an empty vector when `control` was cancelled (check control->cancelled()).
 */
std::vector<LineDiffRun> diffLines(
    const std::vector<std::string>& oldLines, const std::vector<std::string>& newLines, TaskControl* control = nullptr);

/** Groups runs into hunks with `context` equal lines around each change; nearby changes share a hunk. */
std::vector<LineDiffHunk> groupIntoHunks(const std::vector<LineDiffRun>& runs, std::size_t context = 3);

/**
 * Splits text into lines on "\n", "\r\n" or "\r"; the terminators are dropped. A final terminator does
 * not start another line, so "a\nb\n" and "a\nb" both give {"a", "b"}; "" gives no lines.
 */
std::vector<std::string> splitLines(std::string_view text);

/** The number of lines that are equal in both texts (the LCS length), for summaries and tests. */
std::size_t commonLineCount(const std::vector<LineDiffRun>& runs);

} // namespace runlens
