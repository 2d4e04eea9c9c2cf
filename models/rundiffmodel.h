// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "rundetailsmetricsmodel.h"
#include "snapshots.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>
#include <QThreadPool>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runlens {

class Store;

/**
 * Runs side by side: one column per run, one row per compared value, grouped in sections (Info, Params,
 * Metrics, Tags) that each start with a section row. One run is the baseline (the first by default); a
 * numeric cell of another run shows its change against the baseline, e.g. "0.91 (+0.03, +3.4%)".
 *
 * Metrics have one row per key and a statistic switch (latest, min or max) rather than a row per key
 * and statistic: the table keeps one line per metric and "differences only" compares what is shown.
 * Min and max need the full histories, which load on the store's thread pool the first time they are
 * asked for; cells show "…" until then.
 */
class RunDiffModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        RowKindRole = Qt::UserRole + 1, // a RowKind as int (cells and vertical header)
        SectionRole, // a Section as int
        RowKeyRole, // the param, metric or tag key; the info field's name for Info rows
        RawValueRole, // double for numbers, QString for text; invalid when the run lacks the value
        ChangeRole, // int against the baseline: 0 same, +1 higher, -1 lower, 2 differs (text), invalid: n/a
        RunIdRole, // horizontal header: the column's run id
        IsBaselineRole, // horizontal header: bool
    };

    enum class RowKind
    {
        Section,
        Value,
    };
    Q_ENUM(RowKind)

    enum class Section
    {
        Info,
        Params,
        Metrics,
        Tags,
    };
    Q_ENUM(Section)

    enum class InfoField
    {
        RunId,
        Name,
        Status,
        User,
        Start,
        End,
        Duration,
        Experiment,
    };
    Q_ENUM(InfoField)

    enum class MetricStatistic
    {
        Latest,
        Min,
        Max,
    };
    Q_ENUM(MetricStatistic)

    explicit RunDiffModel(QObject* parent = nullptr);
    ~RunDiffModel() override;

    /** The store min/max histories are read from, and the pool its calls run on; null store: none. */
    void setStore(std::shared_ptr<Store> store, QThreadPool* pool);

    /** The compared runs, one column each, in this order. The baseline stays if its run is still here. */
    void setRuns(std::vector<Run> runs);
    /** The runs of `snapshot` with these ids, in the ids' order (ids not found are skipped). */
    void setRuns(const RunListSnapshot& snapshot, const std::vector<std::string>& runIds);
    const std::vector<Run>& runs() const { return m_runs; }
    /** Experiment names by id, shown in the Experiment row instead of bare ids. */
    void setExperimentNames(const QHash<QString, QString>& names);

    void setBaselineColumn(int column);
    int baselineColumn() const { return m_baseline; }

    /** Hides rows where every run has the same value (a missing value differs from a present one). */
    void setDifferencesOnly(bool on);
    bool differencesOnly() const { return m_differencesOnly; }
    /** Shows MLflow's own tags (mlflow.*) in the Tags section. */
    void setShowSystemTags(bool on);
    bool showSystemTags() const { return m_showSystemTags; }
    /** Which value the metric rows show; Min and Max start loading the histories when needed. */
    void setMetricStatistic(MetricStatistic statistic);
    MetricStatistic metricStatistic() const { return m_statistic; }

    /** Starts loading the metric histories the compared runs lack (no-op when all are known). */
    void loadHistories();
    bool isLoadingHistories() const { return m_pendingRuns > 0; }
    /** Whether every metric of every compared run has its min/max known (or failed to load). */
    bool historiesComplete() const;

    /** The row of a value row; -1 when it is not shown. */
    int rowOf(Section section, const QString& key) const;
    int rowOf(InfoField field) const;
    /** The rows shown per section (section rows not counted). */
    int valueRowCount(Section section) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /** "+0.03": a difference with six significant digits, so float noise does not show. */
    static QString formatChange(double delta);

Q_SIGNALS:
    void baselineChanged(int column);
    /** Every history the compared runs need has been read (some may have failed; see the cells). */
    void historiesLoaded();
    void historiesProgress(int doneRuns, int totalRuns);

private:
    struct Row
    {
        RowKind kind = RowKind::Value;
        Section section = Section::Info;
        InfoField field = InfoField::RunId;
        std::string key;
        friend bool operator==(const Row&, const Row&) = default;
    };

    // One cell's value, as compared and as shown.
    struct Cell
    {
        bool present = false;
        bool pending = false; // min/max not loaded yet
        std::optional<double> number;
        QString text;
        QString error;
    };
    enum class ChangeStyle
    {
        None,
        Number, // absolute and percent
        Duration, // formatted as a duration, and percent
    };

    std::vector<Row> buildRows() const;
    void refreshRows();
    Cell cell(const Row& row, int column) const;
    ChangeStyle changeStyle(const Row& row) const;
    bool sameValues(const Row& row) const;
    QString rowTitle(const Row& row) const;
    const MetricSummary* summary(const std::string& runId, const std::string& key) const;
    void cancelHistories();

    std::vector<Run> m_runs;
    std::vector<Row> m_rows;
    QHash<QString, QString> m_experimentNames;
    int m_baseline = 0;
    bool m_differencesOnly = false;
    bool m_showSystemTags = false;
    MetricStatistic m_statistic = MetricStatistic::Latest;

    std::shared_ptr<Store> m_store;
    QPointer<QThreadPool> m_pool;
    // Summaries by run id and key; kept across setRuns while the run's latest point is unchanged.
    std::map<std::string, std::map<std::string, MetricSummary>> m_summaries;
    std::uint64_t m_generation = 0;
    int m_pendingRuns = 0;
    int m_totalRuns = 0;
    std::shared_ptr<std::atomic<bool>> m_cancelled;
};

} // namespace runlens
