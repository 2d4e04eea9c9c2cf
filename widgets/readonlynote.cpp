// SPDX-License-Identifier: Apache-2.0
#include "readonlynote.h"

#include "store.h"

namespace runlens {

QString ReadOnlyNote::reason(const Store* store, Edits edits, const QString& uri)
{
    if (!store)
        return tr("no store is open");
    const Capabilities caps = store->capabilities();
    if (edits == Edits::Registry && !has(caps, Capability::Registry))
        return tr("it has no model registry");
    if (has(caps, edits == Edits::Runs ? Capability::WriteRuns : Capability::WriteRegistry))
        return {};
    if (const std::string known = store->readOnlyReason(); !known.empty())
        return QString::fromStdString(known);
    return tr("Runlens may not write to %1 (no write permission, or a read-only disk)").arg(uri);
}

QString ReadOnlyNote::sentence(const QString& reason)
{
    return reason.isEmpty() ? QString() : tr("This store is read-only: %1.").arg(reason);
}

} // namespace runlens
