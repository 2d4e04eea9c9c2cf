// SPDX-License-Identifier: Apache-2.0
#include "auditlogview.h"

#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace runlens {

namespace {
struct ReadResult
{
    QList<AuditEntry> entries;
    QStringList problems;
    QString error;
};
} // namespace

AuditLogView::AuditLogView(QWidget* parent)
    : QWidget(parent)
    , m_path(AuditLog::defaultPath())
    , m_table(new QTableWidget(this))
    , m_status(new QLabel(this))
    , m_export(new QPushButton(tr("Export CSV…"), this))
{
    m_table->setColumnCount(8);
    m_table->setHorizontalHeaderLabels(
        {tr("When (UTC)"), tr("User"), tr("Store"), tr("Model"), tr("Version"), tr("Change"), tr("From"), tr("To")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* refresh = new QPushButton(tr("Refresh"), this);
    connect(refresh, &QPushButton::clicked, this, &AuditLogView::reload);
    connect(m_export, &QPushButton::clicked, this, &AuditLogView::chooseExportFile);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(refresh);
    buttons->addWidget(m_export);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
    layout->addLayout(buttons);
}

void AuditLogView::setLogPath(const QString& path)
{
    m_path = path;
    reload();
}

QString AuditLogView::statusText() const
{
    return m_status->text();
}

void AuditLogView::reload()
{
    const quint64 generation = ++m_generation;
    auto* watcher = new QFutureWatcher<ReadResult>(this);
    connect(watcher, &QFutureWatcher<ReadResult>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // a newer reload is on its way
        const ReadResult r = watcher->result();
        m_table->setRowCount(0);
        m_table->setRowCount(static_cast<int>(r.entries.size()));
        // Newest first: the change just made is the one people look for.
        for (qsizetype i = 0; i < r.entries.size(); ++i) {
            const AuditEntry& e = r.entries.at(r.entries.size() - 1 - i);
            const QStringList cells {e.when.toString(Qt::ISODate), e.user, e.storeUri, e.model,
                QStringLiteral("v%1").arg(e.version), e.action, e.from, e.to};
            for (int c = 0; c < cells.size(); ++c)
                m_table->setItem(static_cast<int>(i), c, new QTableWidgetItem(cells.at(c)));
        }
        m_table->resizeColumnsToContents();
        QStringList status;
        if (!r.error.isEmpty())
            status.append(r.error);
        else
            status.append(tr("%n change(s) in %1", nullptr, static_cast<int>(r.entries.size())).arg(m_path));
        for (const QString& p : r.problems)
            status.append(tr("Skipped %1").arg(p));
        m_status->setText(status.join(QLatin1Char('\n')));
        Q_EMIT loaded(static_cast<int>(r.entries.size()));
    });
    const QString path = m_path;
    watcher->setFuture(QtConcurrent::run([path] {
        ReadResult r;
        r.entries = AuditLog(path).read(&r.problems, &r.error);
        return r;
    }));
}

void AuditLogView::exportTo(const QString& csvPath)
{
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, csvPath] {
        watcher->deleteLater();
        const QString error = watcher->result();
        const bool ok = error.isEmpty();
        const QString message = ok ? tr("Exported to %1").arg(csvPath) : tr("Export failed: %1").arg(error);
        m_status->setText(message);
        Q_EMIT exported(ok, message);
    });
    const QString path = m_path;
    watcher->setFuture(QtConcurrent::run([path, csvPath] {
        QString error;
        AuditLog(path).exportCsv(csvPath, &error);
        return error;
    }));
}

void AuditLogView::chooseExportFile()
{
    const QString start
        = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QStringLiteral("/runlens-audit.csv");
    const QString file = QFileDialog::getSaveFileName(this, tr("Export audit log"), start, tr("CSV files (*.csv)"));
    if (!file.isEmpty())
        exportTo(file);
}

} // namespace runlens
