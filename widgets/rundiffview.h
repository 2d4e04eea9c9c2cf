// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "snapshots.h"

#include <QPointer>
#include <QStringList>
#include <QThreadPool>
#include <QWidget>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace runlens {

class RunDiffModel;
class StoreSession;
class TextDiffView;

/**
 * The selected runs side by side: a table of their info, params, metrics and tags with a toolbar
 * (baseline, latest/min/max metrics, differences only, system tags), and a second tab that diffs a
 * text artifact of one run against one of another (the same path in both, or any two files).
 * The baseline can also be set from the column header's context menu.
 */
class RunDiffView final : public QWidget
{
    Q_OBJECT
public:
    /** More selected runs than this are cut to the first ones, and the toolbar says so. */
    static constexpr int kMaxComparedRuns = 50;

    /** `session` may be null; then call setStore. */
    explicit RunDiffView(StoreSession* session, QWidget* parent = nullptr);

    void setStore(std::shared_ptr<Store> store, QThreadPool* pool);
    void setRuns(std::vector<Run> runs);
    void setRuns(const RunListSnapshot& snapshot, const std::vector<std::string>& runIds);
    void setExperimentNames(const QHash<QString, QString>& names);

    /**
     * The table as tab-separated text, headers included: the selected cells' rows and columns, or the
     * whole table when nothing is selected. Ctrl+C on the table puts it on the clipboard.
     */
    QString tableAsTsv() const;

    /** Diffs `oldPath` of the run in column oldColumn against `newPath` of the run in newColumn. */
    void compareArtifacts(int oldColumn, const QString& oldPath, int newColumn, const QString& newPath);

    RunDiffModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QTabWidget* tabs() const { return m_tabs; }
    /** The toolbar's note: runs left out, histories being read. */
    QString statusText() const;
    /** Why the values table is empty and what to do, shown in its place; empty while it has rows. */
    QString emptyText() const;
    QComboBox* baselineBox() const { return m_baseline; }
    QComboBox* statisticBox() const { return m_statistic; }
    QCheckBox* differencesOnlyBox() const { return m_differencesOnly; }
    QCheckBox* systemTagsBox() const { return m_systemTags; }
    QComboBox* oldRunBox() const { return m_oldRun; }
    QComboBox* newRunBox() const { return m_newRun; }
    QComboBox* oldPathBox() const { return m_oldPath; }
    QComboBox* newPathBox() const { return m_newPath; }
    QPushButton* compareButton() const { return m_compare; }
    TextDiffView* textDiff() const { return m_textDiff; }

Q_SIGNALS:
    /** The artifact files of the run in `column` are listed in its path box. */
    void artifactsListed(int column);

private:
    void buildUi();
    void runsChanged();
    void updateEmptyNote();
    void listArtifacts(QComboBox* runBox, QComboBox* pathBox);
    void showHeaderMenu(const QPoint& pos);
    void updateHistoryStatus();
    /** Lists both sides' artifacts when the text tab is on screen; else on its next showing. */
    void listArtifactsWhenShown();

    RunDiffModel* m_model;
    std::shared_ptr<Store> m_store;
    QPointer<QThreadPool> m_pool;
    std::uint64_t m_listGeneration = 0;
    int m_selectedCount = 0; // runs asked for, before the cut to kMaxComparedRuns
    bool m_listingStale = true; // the path boxes do not list the current runs' files yet

    QTabWidget* m_tabs = nullptr;
    QTableView* m_table = nullptr;
    QComboBox* m_baseline = nullptr;
    QComboBox* m_statistic = nullptr;
    QCheckBox* m_differencesOnly = nullptr;
    QCheckBox* m_systemTags = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_emptyNote = nullptr;
    QStackedWidget* m_tableOrNote = nullptr;
    QComboBox* m_oldRun = nullptr;
    QComboBox* m_newRun = nullptr;
    QComboBox* m_oldPath = nullptr;
    QComboBox* m_newPath = nullptr;
    QPushButton* m_compare = nullptr;
    TextDiffView* m_textDiff = nullptr;
};

} // namespace runlens
