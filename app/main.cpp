// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"
#include "startupstore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSettings>

#include <filesystem>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Runlens"));
    QApplication::setApplicationName(QStringLiteral("Runlens"));
    QApplication::setApplicationVersion(QStringLiteral(RUNLENS_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.runlens.Runlens"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Browse and compare MLflow experiments."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("store"),
        QStringLiteral("An mlruns folder, an mlflow.db file, a folder holding either, or a tracking URI "
                       "(file:, sqlite:, http(s):). Default: MLFLOW_TRACKING_URI, ./mlruns or ./mlflow.db, "
                       "else the bundled demo store."),
        QStringLiteral("[PATH_OR_URI]"));
    const QCommandLineOption filterOption(QStringLiteral("filter"),
        QStringLiteral("Show only the runs matching this search filter, e.g. \"metrics.loss < 0.5\"."),
        QStringLiteral("FILTER"));
    parser.addOption(filterOption);
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        parser.showHelp(1);

    // With no argument and no store here, reopen the store used last (the first of the recent ones).
    const QString lastStore = QSettings().value(QStringLiteral("RecentStores")).toStringList().value(0);
    const runlens::StartupStore start = runlens::chooseStartupStore(
        positional.value(0), std::filesystem::path(QDir::currentPath().toStdString()), lastStore);

    runlens::MainWindow window;
    window.show();
    if (parser.isSet(filterOption))
        window.setRunFilter(parser.value(filterOption));
    if (!start.location.isEmpty())
        window.openStore(start.location);
    window.setNote(start.note);
    return QApplication::exec();
}
