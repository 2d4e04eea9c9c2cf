// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFrame>

class QCheckBox;
class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace runlens {

class RunTableView;

/**
 * A popup over the runs table's columns: search, show/hide, pin to the left, and "show only columns
 * that differ". Each change goes straight to the table's ColumnLayout, which the window remembers.
 */
class ColumnChooser final : public QFrame
{
    Q_OBJECT
public:
    explicit ColumnChooser(RunTableView* view, QWidget* parent = nullptr);

    /** Fills the list from the table's current columns and layout. */
    void refresh();
    QLineEdit* searchEdit() const { return m_search; }
    QTreeWidget* list() const { return m_list; }
    QCheckBox* differOnlyBox() const { return m_differOnly; }

    enum ListColumn
    {
        NameColumn,
        PinColumn,
    };

private:
    void onItemChanged(QTreeWidgetItem* item, int column);
    void filterList(const QString& text);

    RunTableView* m_view;
    QLineEdit* m_search;
    QTreeWidget* m_list;
    QCheckBox* m_differOnly;
    bool m_filling = false;
};

} // namespace runlens
