// SPDX-License-Identifier: Apache-2.0
#include "taskprogresswidget.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

#include <algorithm>

namespace runlens {

TaskProgressWidget::TaskProgressWidget(QWidget* parent)
    : QWidget(parent)
    , m_label(new QLabel(this))
    , m_bar(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    m_bar->setMaximumWidth(200);
    m_bar->setTextVisible(false);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop loading"));
    m_cancel->setAutoRaise(true);
    connect(m_cancel, &QToolButton::clicked, this, &TaskProgressWidget::cancelRequested);
    hide();
}

void TaskProgressWidget::start(const QString& label, bool cancellable)
{
    m_label->setText(label);
    m_bar->setRange(0, 0);
    m_cancel->setVisible(cancellable);
    m_cancel->setEnabled(cancellable);
    show();
}

void TaskProgressWidget::setProgress(qint64 done, qint64 total)
{
    if (total <= 0) {
        m_bar->setRange(0, 0);
        return;
    }
    // QProgressBar takes int; scale so a store of more than 2^31 items still moves smoothly.
    constexpr int kSteps = 1000;
    m_bar->setRange(0, kSteps);
    m_bar->setValue(static_cast<int>(std::min<qint64>(done, total) * kSteps / total));
    m_bar->setToolTip(tr("%1 of %2").arg(done).arg(total));
}

void TaskProgressWidget::finish()
{
    hide();
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
}

} // namespace runlens
