// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "auditlog.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace runlens {

/** The local audit log as a table (newest first), with CSV export. Reads and writes off the GUI thread. */
class AuditLogView final : public QWidget
{
    Q_OBJECT
public:
    explicit AuditLogView(QWidget* parent = nullptr);

    void setLogPath(const QString& path);
    QString logPath() const { return m_path; }
    /** Reads the log again; loaded() follows. */
    void reload();
    /** Writes the whole log as CSV; exported() follows. */
    void exportTo(const QString& csvPath);

    QTableWidget* table() const { return m_table; }
    QString statusText() const;

Q_SIGNALS:
    void loaded(int entries);
    void exported(bool ok, const QString& message);

private:
    void chooseExportFile();

    QString m_path;
    QTableWidget* m_table;
    QLabel* m_status;
    QPushButton* m_export;
    quint64 m_generation = 0;
};

} // namespace runlens
