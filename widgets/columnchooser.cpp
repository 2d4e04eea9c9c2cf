// SPDX-License-Identifier: Apache-2.0
#include "columnchooser.h"

#include "columnlayout.h"
#include "runtablemodel.h"
#include "runtableview.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace runlens {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;

} // namespace

ColumnChooser::ColumnChooser(RunTableView* view, QWidget* parent)
    : QFrame(parent, Qt::Popup)
    , m_view(view)
    , m_search(new QLineEdit(this))
    , m_list(new QTreeWidget(this))
    , m_differOnly(new QCheckBox(tr("Show only columns that differ"), this))
{
    setFrameShape(QFrame::StyledPanel);
    m_search->setPlaceholderText(tr("Search columns"));
    m_search->setClearButtonEnabled(true);
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("Column"), tr("Pin")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(PinColumn, QHeaderView::ResizeToContents);
    m_differOnly->setToolTip(tr("Hide parameters and metrics whose value is the same in every run shown"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_differOnly);
    resize(320, 420);

    connect(m_search, &QLineEdit::textChanged, this, &ColumnChooser::filterList);
    connect(m_list, &QTreeWidget::itemChanged, this, &ColumnChooser::onItemChanged);
    connect(m_differOnly, &QCheckBox::toggled, this, [this](bool on) {
        if (m_filling)
            return;
        ColumnLayout layout = m_view->columnLayout();
        layout.differOnly = on;
        m_view->changeColumnLayout(layout);
    });
}

void ColumnChooser::refresh()
{
    m_filling = true;
    m_list->clear();
    const QAbstractItemModel* model = m_view->model();
    const ColumnLayout& layout = m_view->columnLayout();
    if (model) {
        QHeaderView* header = m_view->horizontalHeader();
        for (int visual = 0; visual < header->count(); ++visual) {
            const int logical = header->logicalIndex(visual);
            const QString id = ColumnLayout::columnId(*model, logical);
            const QString group = model->headerData(logical, Qt::Horizontal, RunTableModel::ColumnGroupRole).toString();
            auto* item = new QTreeWidgetItem(m_list);
            item->setText(NameColumn,
                model->headerData(logical, Qt::Horizontal).toString() + QStringLiteral("  \u00b7 ") + group);
            item->setToolTip(NameColumn, id);
            item->setData(NameColumn, kIdRole, id);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
            // The run name always shows (rows could not be told apart without it); it can be pinned.
            if (id != QLatin1String("run:name"))
                item->setCheckState(NameColumn, layout.hidden.contains(id) ? Qt::Unchecked : Qt::Checked);
            item->setCheckState(PinColumn, layout.pinned.contains(id) ? Qt::Checked : Qt::Unchecked);
        }
    }
    m_differOnly->setChecked(layout.differOnly);
    filterList(m_search->text());
    m_filling = false;
}

void ColumnChooser::filterList(const QString& text)
{
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_list->topLevelItem(i);
        // Titles and ids both match, so "metric:" lists every metric.
        const bool match = item->text(NameColumn).contains(text, Qt::CaseInsensitive)
            || item->data(NameColumn, kIdRole).toString().contains(text, Qt::CaseInsensitive);
        item->setHidden(!text.isEmpty() && !match);
    }
}

void ColumnChooser::onItemChanged(QTreeWidgetItem* item, int column)
{
    if (m_filling)
        return;
    const QString id = item->data(NameColumn, kIdRole).toString();
    ColumnLayout layout = m_view->columnLayout();
    if (column == NameColumn) {
        layout.hidden.removeAll(id);
        if (item->checkState(NameColumn) == Qt::Unchecked)
            layout.hidden << id;
    } else if (column == PinColumn) {
        layout.pinned.removeAll(id);
        if (item->checkState(PinColumn) == Qt::Checked)
            layout.pinned << id;
    }
    m_view->changeColumnLayout(layout);
}

} // namespace runlens
