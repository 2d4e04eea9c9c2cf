// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDeadlineTimer>
#include <QObject>
#include <QString>
#include <QTimer>

class QStatusBar;

namespace runlens {

/**
 * "Server busy — retrying in 12 s" in a status bar, counted down while a request to a tracking
 * server waits to be retried, so that a stalled window says why it is waiting.
 */
class RetryCountdown final : public QObject
{
    Q_OBJECT
public:
    explicit RetryCountdown(QStatusBar* bar);

    /** A wait of `waitMs` before a retry after HTTP `status` (0: the connection dropped). */
    void start(int status, qint64 waitMs);
    /** What the status bar says now; empty when no wait is counted down. */
    QString text() const { return m_shown; }

private:
    void tick();

    QStatusBar* m_bar;
    QTimer m_timer;
    QDeadlineTimer m_deadline;
    int m_status = 0;
    QString m_shown;
};

} // namespace runlens
