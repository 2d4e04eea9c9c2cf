// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "snapshots.h"

#include <QWidget>

#include <optional>

class QLabel;
class QScrollArea;
class QToolButton;

namespace runlens {

class ParallelCoordinatesView;

/**
 * The parallel-coordinates view in a scroll area (categorical axes grow as tall as their labels
 * need) under a toolbar: which axes to show, colour by a metric, clear the brushes, export.
 */
class ParallelCoordinatesPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit ParallelCoordinatesPanel(QWidget* parent = nullptr);

    void setRuns(RunListSnapshot runs);
    /** The selected runs, drawn in colour over the others (see ParallelCoordinatesView). */
    void setHighlightedRuns(const QSet<QString>& runIds);
    ParallelCoordinatesView* view() const { return m_view; }
    QToolButton* axesButton() const { return m_axesButton; }
    QString statusText() const;

    /**
     * Writes the plot as PNG or SVG (by the file's suffix), atomically: on failure (false, with a
     * message) an existing file is left untouched.
     */
    bool exportImage(const QString& path, QString* error = nullptr) const;
    /**
     * The plotted data as CSV, written atomically: a row per run with its id, name, whether it passes
     * the brushes, and its exact value on each axis shown (params as logged, metrics with every
     * digit, written as MLflow writes them: "nan", "inf"; empty when the run has none).
     */
    bool exportCsv(const QString& path, QString* error = nullptr) const;

private:
    void fillAxesMenu();
    void fillColourMenu();
    void updateStatus();
    void exportDialog();

    int m_loadingCount = 0; // runs given to setRuns(), for the status while they are placed
    ParallelCoordinatesView* m_view;
    QScrollArea* m_scroll;
    QToolButton* m_axesButton;
    QToolButton* m_colourButton;
    QToolButton* m_clearButton;
    QLabel* m_status;
};

} // namespace runlens
