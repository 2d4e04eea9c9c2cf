// SPDX-License-Identifier: Apache-2.0
#include "text/linediff.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>

namespace runlens {

namespace {

// Myers' linear-space diff over line ids, marking the lines of a longest common subsequence. The bisection
// follows the middle-snake search as diff-match-patch writes it, whose edge handling is well tried.
class MyersDiff
{
public:
    MyersDiff(const std::vector<int>& a, const std::vector<int>& b, TaskControl* control)
        : m_a(a)
        , m_b(b)
        , m_control(control)
        , m_commonA(a.size(), false)
        , m_commonB(b.size(), false)
    { }

    // False when cancelled.
    bool run()
    {
        compare(0, static_cast<long>(m_a.size()), 0, static_cast<long>(m_b.size()));
        return !m_cancelled;
    }

    const std::vector<bool>& commonA() const { return m_commonA; }
    const std::vector<bool>& commonB() const { return m_commonB; }

private:
    void compare(long aLo, long aHi, long bLo, long bHi)
    {
        while (aLo < aHi && bLo < bHi && m_a[aLo] == m_b[bLo]) {
            m_commonA[aLo++] = true;
            m_commonB[bLo++] = true;
        }
        while (aLo < aHi && bLo < bHi && m_a[aHi - 1] == m_b[bHi - 1]) {
            m_commonA[--aHi] = true;
            m_commonB[--bHi] = true;
        }
        if (aLo == aHi || bLo == bHi || m_cancelled)
            return;
        // After trimming both ends at least two edits remain, and the split leaves fewer on each side, so
        // the recursion ends.
        const auto split = bisect(aLo, aHi - aLo, bLo, bHi - bLo);
        if (!split)
            return; // nothing in common (or cancelled)
        compare(aLo, aLo + split->first, bLo, bLo + split->second);
        compare(aLo + split->first, aHi, bLo + split->second, bHi);
    }

    // A point on an optimal edit path of a[aLo, aLo+n) -> b[bLo, bLo+m), relative to (aLo, bLo).
    std::optional<std::pair<long, long>> bisect(long aLo, long n, long bLo, long m)
    {
        const long maxD = (n + m + 1) / 2;
        const long offset = maxD;
        const long length = 2 * maxD + 2;
        m_forward.assign(static_cast<std::size_t>(length), -1);
        m_backward.assign(static_cast<std::size_t>(length), -1);
        long* v1 = m_forward.data();
        long* v2 = m_backward.data();
        v1[offset + 1] = 0;
        v2[offset + 1] = 0;
        const long delta = n - m;
        // With an odd delta the paths can first meet while extending forward, else while extending back.
        const bool front = (delta % 2) != 0;
        long k1start = 0, k1end = 0, k2start = 0, k2end = 0;
        const int* a = m_a.data() + aLo;
        const int* b = m_b.data() + bLo;
        for (long d = 0; d < maxD; ++d) {
            if (isCancelled(m_control)) {
                m_cancelled = true;
                return std::nullopt;
            }
            for (long k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
                const long k1off = offset + k1;
                long x1 = (k1 == -d || (k1 != d && v1[k1off - 1] < v1[k1off + 1])) ? v1[k1off + 1] : v1[k1off - 1] + 1;
                long y1 = x1 - k1;
                while (x1 < n && y1 < m && a[x1] == b[y1]) {
                    ++x1;
                    ++y1;
                }
                v1[k1off] = x1;
                if (x1 > n) {
                    k1end += 2; // ran off the right edge
                } else if (y1 > m) {
                    k1start += 2; // ran off the bottom
                } else if (front) {
                    const long k2off = offset + delta - k1;
                    if (k2off >= 0 && k2off < length && v2[k2off] != -1 && x1 >= n - v2[k2off])
                        return std::make_pair(x1, y1);
                }
            }
            for (long k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
                const long k2off = offset + k2;
                long x2 = (k2 == -d || (k2 != d && v2[k2off - 1] < v2[k2off + 1])) ? v2[k2off + 1] : v2[k2off - 1] + 1;
                long y2 = x2 - k2;
                while (x2 < n && y2 < m && a[n - x2 - 1] == b[m - y2 - 1]) {
                    ++x2;
                    ++y2;
                }
                v2[k2off] = x2;
                if (x2 > n) {
                    k2end += 2;
                } else if (y2 > m) {
                    k2start += 2;
                } else if (!front) {
                    const long k1off = offset + delta - k2;
                    if (k1off >= 0 && k1off < length && v1[k1off] != -1) {
                        const long x1 = v1[k1off];
                        const long y1 = offset + x1 - k1off;
                        if (x1 >= n - x2)
                            return std::make_pair(x1, y1);
                    }
                }
            }
        }
        return std::nullopt;
    }

    const std::vector<int>& m_a;
    const std::vector<int>& m_b;
    TaskControl* m_control;
    std::vector<bool> m_commonA;
    std::vector<bool> m_commonB;
    std::vector<long> m_forward;
    std::vector<long> m_backward;
    bool m_cancelled = false;
};

} // namespace

std::vector<LineDiffRun> diffLines(
    const std::vector<std::string>& oldLines, const std::vector<std::string>& newLines, TaskControl* control)
{
    // Lines as small integers: compared in the inner loop, and counted per side.
    std::unordered_map<std::string_view, int> ids;
    ids.reserve(oldLines.size() + newLines.size());
    std::vector<int> oldIds, newIds;
    oldIds.reserve(oldLines.size());
    newIds.reserve(newLines.size());
    for (const std::string& line : oldLines)
        oldIds.push_back(ids.emplace(line, static_cast<int>(ids.size())).first->second);
    for (const std::string& line : newLines)
        newIds.push_back(ids.emplace(line, static_cast<int>(ids.size())).first->second);
    std::vector<unsigned char> side(ids.size(), 0);
    for (int id : oldIds)
        side[static_cast<std::size_t>(id)] |= 1;
    for (int id : newIds)
        side[static_cast<std::size_t>(id)] |= 2;

    // A line missing from the other text is never common: leave it out of the search entirely.
    std::vector<int> a, b;
    std::vector<std::size_t> aIndex, bIndex;
    for (std::size_t i = 0; i < oldIds.size(); ++i) {
        if (side[static_cast<std::size_t>(oldIds[i])] == 3) {
            a.push_back(oldIds[i]);
            aIndex.push_back(i);
        }
    }
    for (std::size_t j = 0; j < newIds.size(); ++j) {
        if (side[static_cast<std::size_t>(newIds[j])] == 3) {
            b.push_back(newIds[j]);
            bIndex.push_back(j);
        }
    }
    MyersDiff diff(a, b, control);
    if (!diff.run())
        return {};
    std::vector<bool> commonOld(oldLines.size(), false), commonNew(newLines.size(), false);
    for (std::size_t i = 0; i < a.size(); ++i)
        commonOld[aIndex[i]] = diff.commonA()[i];
    for (std::size_t j = 0; j < b.size(); ++j)
        commonNew[bIndex[j]] = diff.commonB()[j];

    // Common lines pair up in order, so walking both texts together yields the runs.
    std::vector<LineDiffRun> runs;
    auto append = [&runs](LineDiffOp op, std::size_t oldStart, std::size_t newStart, std::size_t count) {
        if (count == 0)
            return;
        if (!runs.empty() && runs.back().op == op)
            runs.back().count += count;
        else
            runs.push_back({op, oldStart, newStart, count});
    };
    std::size_t i = 0, j = 0;
    const std::size_t n = oldLines.size(), m = newLines.size();
    while (i < n || j < m) {
        std::size_t start = i;
        while (i < n && !commonOld[i])
            ++i;
        append(LineDiffOp::Delete, start, j, i - start);
        start = j;
        while (j < m && !commonNew[j])
            ++j;
        append(LineDiffOp::Insert, i, start, j - start);
        const std::size_t oldStart = i, newStart = j;
        while (i < n && j < m && commonOld[i] && commonNew[j]) {
            ++i;
            ++j;
        }
        append(LineDiffOp::Equal, oldStart, newStart, i - oldStart);
    }
    return runs;
}

std::vector<LineDiffHunk> groupIntoHunks(const std::vector<LineDiffRun>& runs, std::size_t context)
{
    std::vector<LineDiffHunk> hunks;
    std::optional<LineDiffHunk> current;
    auto finish = [&] {
        LineDiffHunk& hunk = *current;
        const LineDiffRun& first = hunk.runs.front();
        hunk.oldStart = first.oldStart;
        hunk.newStart = first.newStart;
        for (const LineDiffRun& run : hunk.runs) {
            if (run.op != LineDiffOp::Insert)
                hunk.oldCount += run.count;
            if (run.op != LineDiffOp::Delete)
                hunk.newCount += run.count;
        }
        hunks.push_back(std::move(hunk));
        current.reset();
    };
    for (std::size_t r = 0; r < runs.size(); ++r) {
        const LineDiffRun& run = runs[r];
        if (run.op == LineDiffOp::Equal) {
            if (!current)
                continue;
            const bool last = r + 1 == runs.size();
            if (last || run.count > 2 * context) {
                if (context > 0)
                    current->runs.push_back(
                        {LineDiffOp::Equal, run.oldStart, run.newStart, std::min(context, run.count)});
                finish();
            } else {
                current->runs.push_back(run);
            }
            continue;
        }
        if (!current) {
            current.emplace();
            if (r > 0 && runs[r - 1].op == LineDiffOp::Equal && context > 0) {
                const LineDiffRun& before = runs[r - 1];
                const std::size_t lead = std::min(context, before.count);
                current->runs.push_back({LineDiffOp::Equal, before.oldStart + before.count - lead,
                    before.newStart + before.count - lead, lead});
            }
        }
        current->runs.push_back(run);
    }
    if (current)
        finish();
    return hunks;
}

std::vector<std::string> splitLines(std::string_view text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n' && text[i] != '\r')
            continue;
        lines.emplace_back(text.substr(start, i - start));
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
            ++i;
        start = i + 1;
    }
    if (start < text.size())
        lines.emplace_back(text.substr(start));
    return lines;
}

std::size_t commonLineCount(const std::vector<LineDiffRun>& runs)
{
    std::size_t count = 0;
    for (const LineDiffRun& run : runs)
        if (run.op == LineDiffOp::Equal)
            count += run.count;
    return count;
}

} // namespace runlens
