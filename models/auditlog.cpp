// SPDX-License-Identifier: Apache-2.0
#include "auditlog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QMutexLocker>
#include <QSaveFile>
#include <QStandardPaths>

namespace runlens {

namespace {

// One writer at a time inside this process; appends from two threads must not interleave.
QMutex& logMutex()
{
    static QMutex mutex;
    return mutex;
}

QByteArray toJsonLine(const AuditEntry& e)
{
    QJsonObject o;
    o.insert(QStringLiteral("timestamp"), e.when.toUTC().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("user"), e.user);
    o.insert(QStringLiteral("store"), e.storeUri);
    o.insert(QStringLiteral("model"), e.model);
    o.insert(QStringLiteral("version"), e.version);
    o.insert(QStringLiteral("action"), e.action);
    o.insert(QStringLiteral("from"), e.from);
    o.insert(QStringLiteral("to"), e.to);
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray csvField(const QString& s)
{
    QByteArray bytes = s.toUtf8();
    if (bytes.contains(',') || bytes.contains('"') || bytes.contains('\n') || bytes.contains('\r')) {
        bytes.replace("\"", "\"\"");
        bytes = '"' + bytes + '"';
    }
    return bytes;
}

} // namespace

AuditLog::AuditLog(QString path)
    : m_path(std::move(path))
{ }

QString AuditLog::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/audit.jsonl");
}

QString AuditLog::currentUser()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    return user;
}

bool AuditLog::append(const QList<AuditEntry>& entries, QString* error) const
{
    QByteArray bytes;
    for (const AuditEntry& e : entries)
        bytes += toJsonLine(e);
    QMutexLocker lock(&logMutex());
    const QString dir = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = QStringLiteral("cannot create the folder %1").arg(dir);
        return false;
    }
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        if (error)
            *error = QStringLiteral("cannot open %1: %2").arg(m_path, file.errorString());
        return false;
    }
    const qint64 before = file.size();
    // A file cut short by a crash may end mid-line; start on a fresh line so the next entry stays whole.
    if (before > 0) {
        QFile probe(m_path);
        if (probe.open(QIODevice::ReadOnly) && probe.seek(before - 1) && probe.read(1) != "\n")
            bytes.prepend('\n');
    }
    if (file.write(bytes) != bytes.size() || !file.flush()) {
        const QString why = file.errorString();
        file.resize(before); // keep the log as it was rather than leave half an entry
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(m_path, why);
        return false;
    }
    return true;
}

QList<AuditEntry> AuditLog::read(QStringList* problems, QString* error) const
{
    QList<AuditEntry> entries;
    QMutexLocker lock(&logMutex());
    QFile file(m_path);
    if (!file.exists())
        return entries;
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot open %1: %2").arg(m_path, file.errorString());
        return entries;
    }
    int lineNumber = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        ++lineNumber;
        if (line.isEmpty())
            continue;
        QJsonParseError parseError {};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
        if (!doc.isObject()) {
            if (problems)
                problems->append(QStringLiteral("%1 line %2: not a JSON object (%3)")
                                     .arg(m_path)
                                     .arg(lineNumber)
                                     .arg(parseError.errorString()));
            continue;
        }
        const QJsonObject o = doc.object();
        AuditEntry e;
        e.when = QDateTime::fromString(o.value(QStringLiteral("timestamp")).toString(), Qt::ISODateWithMs);
        if (!e.when.isValid()) {
            if (problems)
                problems->append(QStringLiteral("%1 line %2: no valid timestamp").arg(m_path).arg(lineNumber));
            continue;
        }
        e.when = e.when.toUTC();
        e.user = o.value(QStringLiteral("user")).toString();
        e.storeUri = o.value(QStringLiteral("store")).toString();
        e.model = o.value(QStringLiteral("model")).toString();
        e.version = o.value(QStringLiteral("version")).toInteger();
        e.action = o.value(QStringLiteral("action")).toString();
        e.from = o.value(QStringLiteral("from")).toString();
        e.to = o.value(QStringLiteral("to")).toString();
        entries.append(e);
    }
    return entries;
}

QByteArray AuditLog::toCsv(const QList<AuditEntry>& entries)
{
    QByteArray csv = "timestamp,user,store,model,version,action,from,to\r\n";
    for (const AuditEntry& e : entries) {
        const QStringList fields {e.when.toUTC().toString(Qt::ISODateWithMs), e.user, e.storeUri, e.model,
            QString::number(e.version), e.action, e.from, e.to};
        QByteArrayList out;
        for (const QString& f : fields)
            out.append(csvField(f));
        csv += out.join(',') + "\r\n";
    }
    return csv;
}

bool AuditLog::exportCsv(const QString& csvPath, QString* error) const
{
    QString readError;
    const QList<AuditEntry> entries = read(nullptr, &readError);
    if (!readError.isEmpty()) {
        if (error)
            *error = readError;
        return false;
    }
    QSaveFile out(csvPath);
    if (!out.open(QIODevice::WriteOnly) || out.write(toCsv(entries)) < 0 || !out.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(csvPath, out.errorString());
        return false;
    }
    return true;
}

} // namespace runlens
