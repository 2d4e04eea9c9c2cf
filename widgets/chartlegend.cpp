// SPDX-License-Identifier: Apache-2.0
#include "chartlegend.h"

#include <QEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPixmap>
#include <QVBoxLayout>

namespace runlens {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;

QIcon swatch(const QColor& colour, int size)
{
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(colour, 3.0));
    painter.drawLine(QPointF(1, size / 2.0), QPointF(size - 1, size / 2.0));
    return QIcon(pixmap);
}

} // namespace

ChartLegend::ChartLegend(QWidget* parent)
    : QWidget(parent)
    , m_search(new QLineEdit(this))
    , m_list(new QListWidget(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_search->setPlaceholderText(tr("Search runs"));
    m_search->setClearButtonEnabled(true);
    m_list->setUniformItemSizes(true);
    m_list->setMouseTracking(true);
    m_list->viewport()->installEventFilter(this);
    m_list->setTextElideMode(Qt::ElideMiddle); // run names differ most at their ends
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    connect(m_search, &QLineEdit::textChanged, this, &ChartLegend::applySearch);
    connect(m_list, &QListWidget::itemChanged, this, &ChartLegend::onItemChanged);
    connect(m_list, &QListWidget::itemEntered, this,
        [this](QListWidgetItem* item) { Q_EMIT entryHovered(item->data(kIdRole).toString()); });
}

void ChartLegend::setEntries(const QList<Entry>& entries, const QSet<QString>& hidden)
{
    // Called on every batch of histories: the same lines only have their ticks brought up to date,
    // in one pass over the items.
    if (entries == m_entries) {
        m_filling = true;
        for (int row = 0; row < m_list->count(); ++row) {
            QListWidgetItem* item = m_list->item(row);
            item->setCheckState(hidden.contains(item->data(kIdRole).toString()) ? Qt::Unchecked : Qt::Checked);
        }
        m_filling = false;
        return;
    }
    m_entries = entries;
    m_filling = true;
    m_list->clear();
    const int size = fontMetrics().height();
    for (const Entry& entry : entries) {
        auto* item = new QListWidgetItem(swatch(entry.colour, size), entry.label, m_list);
        item->setData(kIdRole, entry.id);
        item->setToolTip(entry.label);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(hidden.contains(entry.id) ? Qt::Unchecked : Qt::Checked);
    }
    m_filling = false;
    applySearch();
}

void ChartLegend::setEntryHidden(const QString& id, bool hidden)
{
    m_filling = true;
    for (int row = 0; row < m_list->count(); ++row) {
        QListWidgetItem* item = m_list->item(row);
        if (item->data(kIdRole).toString() == id)
            item->setCheckState(hidden ? Qt::Unchecked : Qt::Checked);
    }
    m_filling = false;
}

QStringList ChartLegend::visibleLabels() const
{
    QStringList labels;
    for (int row = 0; row < m_list->count(); ++row) {
        if (!m_list->item(row)->isHidden())
            labels << m_list->item(row)->text();
    }
    return labels;
}

bool ChartLegend::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_list->viewport() && event->type() == QEvent::Leave)
        Q_EMIT entryHovered({});
    return QWidget::eventFilter(watched, event);
}

void ChartLegend::applySearch()
{
    const QString text = m_search->text().trimmed();
    for (int row = 0; row < m_list->count(); ++row) {
        QListWidgetItem* item = m_list->item(row);
        item->setHidden(!text.isEmpty() && !item->text().contains(text, Qt::CaseInsensitive));
    }
}

void ChartLegend::onItemChanged(QListWidgetItem* item)
{
    if (!m_filling)
        Q_EMIT hiddenToggled(item->data(kIdRole).toString(), item->checkState() == Qt::Unchecked);
}

} // namespace runlens
