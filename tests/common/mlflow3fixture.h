// SPDX-License-Identifier: Apache-2.0
#pragma once

// The stores MLflow 3.6 wrote (tests/data/mlflow-3.6), as the tests' CMake extracts them into the
// build tree, and what MLflow read back from them (expected.json).

#include <QByteArray>
#include <QFile>
#include <QString>

#include <nlohmann/json.hpp>

namespace runlens::test {

/** The fixture store of one kind: "file" (an mlruns folder) or "sqlite" (an mlflow.db). */
inline QString mlflow3StorePath(const QString& kind)
{
    return kind == QLatin1String("file") ? QStringLiteral(RUNLENS_FIXTURE_DIR "/mlflow3/file/mlruns")
                                         : QStringLiteral(RUNLENS_FIXTURE_DIR "/mlflow3/sqlite/mlflow.db");
}

/** expected.json's entry for one store ("file" or "sqlite"), loaded once; null when unreadable. */
inline const nlohmann::json& mlflow3Expected(const QString& kind)
{
    static const nlohmann::json all = [] {
        QFile file(QStringLiteral(RUNLENS_TEST_DATA_DIR "/mlflow-3.6/expected.json"));
        if (!file.open(QIODevice::ReadOnly))
            return nlohmann::json();
        const QByteArray bytes = file.readAll();
        return nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
    }();
    static const nlohmann::json none;
    const std::string name = kind.toStdString();
    if (!all.is_object() || !all.contains("stores") || !all["stores"].contains(name))
        return none;
    return all["stores"][name];
}

} // namespace runlens::test
