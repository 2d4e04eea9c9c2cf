// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace runlens {

/** One registry change made from Runlens: a stage move or an alias set, moved or deleted. */
struct AuditEntry
{
    QDateTime when; // UTC
    QString user;
    QString storeUri;
    QString model;
    qint64 version = 0;
    QString action; // "stage", "set-alias", "delete-alias"
    QString from;
    QString to;
};

/**
 * The local audit log: an append-only JSON Lines file, one entry per line, so a crash mid-write can
 * cost at most the last line and never the earlier ones. Safe to use from several threads.
 */
class AuditLog
{
public:
    /** Uses the given file; the default is <AppDataLocation>/audit.jsonl. */
    explicit AuditLog(QString path = defaultPath());

    static QString defaultPath();
    /** The login name of whoever runs the app (USER, else USERNAME). */
    static QString currentUser();

    QString path() const { return m_path; }

    /** Appends entries; false with a message on error (the file is left as it was before the call). */
    bool append(const QList<AuditEntry>& entries, QString* error = nullptr) const;

    /**
     * Every entry in file order. A missing file is an empty log. Lines that cannot be read are skipped
     * and reported in problems ("line N: why"), so one bad line never hides the others.
     */
    QList<AuditEntry> read(QStringList* problems = nullptr, QString* error = nullptr) const;

    /** The entries as CSV (RFC 4180, header row, UTF-8). */
    static QByteArray toCsv(const QList<AuditEntry>& entries);
    /** Writes read() as CSV to a file, replacing it atomically. */
    bool exportCsv(const QString& csvPath, QString* error = nullptr) const;

private:
    QString m_path;
};

} // namespace runlens
