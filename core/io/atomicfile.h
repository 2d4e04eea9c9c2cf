// SPDX-License-Identifier: Apache-2.0
#pragma once

// Crash-safe file replacement for the file store's writes (formats §A.2): the new bytes go to a temp
// file on the same filesystem, are synced, then renamed over the target, so a reader (or a process
// killed half way) sees the old file or the new one, never a mix. Temp files are hidden and live next
// to the folders MLflow lists (never inside tags/ or aliases/), so a leftover one is never read as data.

#include "result.h"

#include <string>
#include <string_view>

namespace runlens {

class AtomicFile
{
public:
    /** Prefix of every temp file name, so they can be recognised (and cleaned up). */
    static constexpr std::string_view kTempPrefix = ".runlens-tmp-";

    /**
     * Replaces or creates `path` with `data`. The temp file is made in `tempDir` (the same filesystem;
     * defaults to the folder of `path`). An existing file keeps its mode; a new one gets 0666 less the
     * umask, as Python's open() gives.
     */
    static Status write(const std::string& path, std::string_view data, const std::string& tempDir = {});
    /**
     * Removes the temp files a killed writer left in `dir`. A temp file is stale when the process its
     * name records no longer runs here and it is older than kStaleTempAge; the age guards a writer on
     * another machine sharing the store (whose pid means nothing here), for whom a write takes
     * milliseconds. write() calls this on its temp folder; errors are ignored (cleaning is a courtesy).
     * Returns how many were removed.
     */
    static int removeStaleTemps(const std::string& dir);
    static constexpr int kStaleTempAgeSeconds = 300;
    /** Removes a file and syncs its folder. */
    static Status remove(const std::string& path);
    /** Creates `dir` and any missing parents (mode 0777 less the umask, as os.makedirs). */
    static Status makeDirs(const std::string& dir);
    /** The StoreError for errno `err` while doing `what` on `path`: permission problems become PERMISSION_DENIED. */
    static StoreError errorFor(int err, const std::string& what, const std::string& path);
};

} // namespace runlens
