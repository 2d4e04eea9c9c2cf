// SPDX-License-Identifier: Apache-2.0
#pragma once

// Running runlens-cli from a test, and reading what it prints in MLflow's JSON shapes.

#include <QProcess>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <cstring>
#include <initializer_list>
#include <map>
#include <string>

namespace runlens::test {

struct CliResult
{
    int exitCode = -1; // -2 when it crashed, -1 when it did not finish
    std::string out;
    std::string err;
};

/** Runs the CLI; without `env`, in this environment minus MLFLOW_TRACKING_URI. */
inline CliResult runCli(const QStringList& args, const QString& workDir = {}, const QProcessEnvironment& env = {})
{
    QProcess p;
    p.setProgram(QStringLiteral(RUNLENS_CLI_PATH));
    p.setArguments(args);
    QProcessEnvironment e = env.isEmpty() ? QProcessEnvironment::systemEnvironment() : env;
    if (env.isEmpty())
        e.remove(QStringLiteral("MLFLOW_TRACKING_URI"));
    p.setProcessEnvironment(e);
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start();
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput().toStdString(),
        p.readAllStandardError().toStdString()};
}

inline QStringList words(std::initializer_list<const char*> items)
{
    QStringList out;
    for (const char* i : items)
        out << QString::fromUtf8(i);
    return out;
}

// A metric value as MLflow's JSON writes it: a number, or "NaN"/"Infinity"/"-Infinity"; doubles
// compare bit for bit (keeps -0.0 apart).
inline bool sameMetricValue(const nlohmann::json& a, const nlohmann::json& b)
{
    if (a.is_string() || b.is_string())
        return a == b;
    const double x = a.get<double>();
    const double y = b.get<double>();
    return std::memcmp(&x, &y, sizeof x) == 0;
}

/** A list of {"key", "value"} objects (params, tags) as a map. */
inline std::map<std::string, std::string> keyValues(const nlohmann::json& list)
{
    std::map<std::string, std::string> out;
    if (list.is_array()) {
        for (const auto& kv : list)
            out[kv["key"].get<std::string>()] = kv["value"].get<std::string>();
    }
    return out;
}

} // namespace runlens::test
