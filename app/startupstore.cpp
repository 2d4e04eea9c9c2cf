// SPDX-License-Identifier: Apache-2.0
#include "startupstore.h"

#include "storefactory.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QObject>

#include <cstdlib>

namespace runlens {

QString demoStorePath()
{
    // Installed copy first, found beside the executable since a package may install under another
    // prefix than the build's; a build tree falls back to the sources it was built from.
    const QString besideExecutable = QCoreApplication::instance()
        ? QCoreApplication::applicationDirPath() + QStringLiteral("/../share/runlens/demo/mlruns")
        : QString();
    const QString candidates[] = {
        besideExecutable,
        QStringLiteral(RUNLENS_DATA_INSTALL_DIR "/demo/mlruns"),
        QStringLiteral(RUNLENS_SOURCE_DIR "/resources/demo/mlruns"),
    };
    for (const QString& candidate : candidates) {
        if (!candidate.isEmpty() && QFileInfo(candidate).isDir())
            return QDir::cleanPath(candidate);
    }
    return {};
}

StartupStore chooseStartupStore(const QString& argument, const std::filesystem::path& cwd, const QString& lastStore)
{
    if (!argument.isEmpty())
        return {argument, {}, false};

    const std::string uri = defaultTrackingUri(cwd);
    const char* env = std::getenv("MLFLOW_TRACKING_URI");
    // An explicit MLFLOW_TRACKING_URI is the person's choice: open it and let any error show.
    if (env && *env)
        return {QString::fromStdString(uri), {}, false};
    if (resolveStoreLocation(uri, cwd).ok())
        return {QString::fromStdString(uri), {}, false};

    if (!lastStore.isEmpty())
        return {lastStore, {}, false};

    const QString demo = demoStorePath();
    if (!demo.isEmpty()) {
        return {demo,
            QObject::tr("No mlruns folder or mlflow.db here; showing the bundled demo store. "
                        "Use File \u2192 Open to choose your own."),
            true};
    }
    return {{},
        QObject::tr("No store to open: there is no mlruns folder or mlflow.db in %1, and the demo store "
                    "is not installed. Use File \u2192 Open to choose a store, or start runlens with a path.")
            .arg(QString::fromStdString(cwd.string())),
        false};
}

} // namespace runlens
