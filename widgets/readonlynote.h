// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QCoreApplication>
#include <QString>

namespace runlens {

class Store;

/**
 * The one wording of why a store refuses an edit, shared by the run editor and the registry panel so
 * every disabled action and banner says it the same way.
 */
class ReadOnlyNote
{
    Q_DECLARE_TR_FUNCTIONS(ReadOnlyNote)
public:
    enum class Edits
    {
        Runs,
        Registry,
    };

    /** Why `store` (at `uri`) refuses these edits, e.g. "no store is open"; empty when it accepts them. */
    static QString reason(const Store* store, Edits edits, const QString& uri);
    /** "This store is read-only: <reason>.", or empty for an empty reason. */
    static QString sentence(const QString& reason);
};

} // namespace runlens
