// SPDX-License-Identifier: Apache-2.0
#include "retrycountdown.h"

#include <QStatusBar>

namespace runlens {

RetryCountdown::RetryCountdown(QStatusBar* bar)
    : QObject(bar)
    , m_bar(bar)
{
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &RetryCountdown::tick);
}

void RetryCountdown::start(int status, qint64 waitMs)
{
    // Waits under a second would only flicker; a longer one may replace a shorter one in progress.
    if (waitMs < 1000 || (m_timer.isActive() && m_deadline.remainingTime() > waitMs))
        return;
    m_status = status;
    m_deadline = QDeadlineTimer(waitMs);
    m_timer.start();
    tick();
}

void RetryCountdown::tick()
{
    const qint64 left = (m_deadline.remainingTime() + 999) / 1000;
    if (left <= 0) {
        m_timer.stop();
        if (m_bar->currentMessage() == m_shown)
            m_bar->clearMessage();
        m_shown.clear();
        return;
    }
    if (m_status == 429 || m_status == 503)
        m_shown = tr("Server busy \u2014 retrying in %1 s").arg(left);
    else if (m_status == 0)
        m_shown = tr("Connection to the server lost \u2014 retrying in %1 s").arg(left);
    else
        m_shown = tr("Server error (HTTP %1) \u2014 retrying in %2 s").arg(m_status).arg(left);
    m_bar->showMessage(m_shown);
}

} // namespace runlens
