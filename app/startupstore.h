// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

#include <filesystem>

namespace runlens {

/** Which store the window opens first, and a line saying why when it is not the obvious one. */
struct StartupStore
{
    QString location; // a path or URI for openStore; empty: nothing to open
    QString note; // shown to the person when not empty
    bool isDemo = false;
};

/**
 * The given argument when there is one; else MLflow's default store in `cwd` (MLFLOW_TRACKING_URI,
 * ./mlruns, ./mlflow.db) when it exists; else `lastStore` (the store open when the app last closed)
 * when given; else the bundled demo store when installed or in the source tree; else nothing, with a
 * note saying so.
 */
StartupStore chooseStartupStore(
    const QString& argument, const std::filesystem::path& cwd, const QString& lastStore = {});

/** The bundled demo mlruns folder, or empty when it cannot be found. */
QString demoStorePath();

} // namespace runlens
