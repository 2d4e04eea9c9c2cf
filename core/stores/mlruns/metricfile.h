// SPDX-License-Identifier: Apache-2.0
#pragma once

// Parser of the file store's metric files (formats §A.5): one "ts value [step [dataset digest]]" line
// per logged point. Numbers are read as Python reads them (int() and float() in the C locale), steps
// as 64-bit integers that never pass through a double. Built for millions of lines: no per-line
// allocation, files read in large chunks, values of points that cannot be the latest left unparsed.

#include "entities.h"
#include "io/localfs.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

/** Parses an integer as Python's int() does for what MLflow writes: optional sign, decimal digits. */
bool parseMetricInt(std::string_view text, std::int64_t& out);
/** Parses a float as Python's float() does: decimal or scientific, nan, inf, infinity (any case). */
bool parseMetricDouble(std::string_view text, double& out);

/** Outcome of reading one metric file. */
struct MetricFileResult
{
    bool ok = false;
    std::int64_t count = 0; // points read (all lines when ok)
    MetricPoint latest; // MLflow's latest point; meaningful when ok
    std::string latestDatasetName; // the latest point's dataset (five-field lines), empty when none
    std::string latestDatasetDigest;
    std::int64_t errorLine = 0; // 1-based line of the first bad line, 0 for file-level errors
    std::string reason; // what was wrong, when !ok
    int ioError = 0; // errno when reading failed
    bool heldBack = false; // a last line without its newline was left unread (see readMetricFile)
};

/**
 * Accumulates metric lines. A bad line stops it: MLflow raises for the whole metric, and so the
 * caller reports the metric as a Problem instead of showing a partial history as if it were whole.
 */
class MetricScanner
{
public:
    /**
     * With a history vector every point is kept in file order, and with `sources` too the dataset
     * of each five-field line; otherwise only the latest point.
     */
    explicit MetricScanner(std::vector<MetricPoint>* history = nullptr, std::vector<PointSource>* sources = nullptr)
        : m_history(history)
        , m_sources(history ? sources : nullptr)
    { }

    /** Feeds one line (without its '\n'); false once a line was bad. */
    bool addLine(std::string_view line, bool lastLineWithoutNewline = false);
    /** Feeds a buffer holding whole lines; a final part without '\n' counts as a line too. */
    bool addText(std::string_view text);
    /** Completes the scan: an empty file is an error as in MLflow ("no data found"). */
    MetricFileResult finish();

private:
    bool fail(std::string reason);
    void acceptPoint(MetricPoint point, std::string_view valueText);
    bool resolveLatestValue();

    std::vector<MetricPoint>* m_history;
    std::vector<PointSource>* m_sources;
    std::int64_t m_lines = 0;
    std::int64_t m_count = 0;
    bool m_failed = false;
    std::string m_reason;
    // The latest point so far; its value text is kept unparsed until a tie or the end needs it.
    bool m_haveLatest = false;
    MetricPoint m_latest;
    bool m_latestValueParsed = false;
    char m_latestText[48] = {};
    std::size_t m_latestTextSize = 0;
    // The latest point that named a dataset (five-field lines, which the fast path never sees);
    // finish() gives its dataset to the latest point when they are the same point.
    bool m_haveDatasetPoint = false;
    MetricPoint m_datasetPoint;
    std::string m_dataset;
    std::string m_digest;
};

/**
 * Reads a metric file from an open descriptor in chunks through `buffer`, so a 100 MB file costs a
 * bounded amount of memory beyond the history the caller asked for. With `live` (the run is still
 * RUNNING) a last line without its newline is left unread: MLflow writes every line whole with its
 * newline, so such a line is one being written, and "12.5 1" of "12.5 17" would read as a wrong point.
 * A finished run's file is read to its end, as MLflow reads it.
 */
MetricFileResult readMetricFile(int fd, localfs::ReadBuffer& buffer, std::vector<MetricPoint>* history = nullptr,
    std::vector<PointSource>* sources = nullptr, bool live = false);

} // namespace runlens
