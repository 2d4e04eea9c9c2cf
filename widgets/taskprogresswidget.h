// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace runlens {

/** A status-bar progress bar with a Cancel button, shown only while a task runs. */
class TaskProgressWidget final : public QWidget
{
    Q_OBJECT
public:
    explicit TaskProgressWidget(QWidget* parent = nullptr);

    /** Shows the bar; busy (no figures) until the first progress report. */
    void start(const QString& label, bool cancellable = true);
    void setProgress(qint64 done, qint64 total);
    void finish();

    QToolButton* cancelButton() const { return m_cancel; }

Q_SIGNALS:
    void cancelRequested();

private:
    QLabel* m_label;
    QProgressBar* m_bar;
    QToolButton* m_cancel;
};

} // namespace runlens
