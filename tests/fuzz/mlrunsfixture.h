// SPDX-License-Identifier: Apache-2.0
#pragma once

// A private copy of the MLflow 3.6 file-store fixture for the targets that damage one of its files
// per input, read the store as the app does, and put the file back, so inputs stay independent.

#include "fuzzinput.h"
#include "stores/mlruns/mlrunsstore.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace runlens::fuzz {

class MlrunsFixture
{
public:
    /** Copies the fixture and lists its files for which `wanted(relative path)` holds, sorted. */
    explicit MlrunsFixture(const std::function<bool(const std::filesystem::path&)>& wanted)
        : m_root(scratchDir() / "mlruns")
    {
        namespace fs = std::filesystem;
        const fs::path source = RUNLENS_FUZZ_FIXTURE_DIR "/mlflow3/file/mlruns";
        fs::copy(source, m_root, fs::copy_options::recursive);
        for (const auto& entry : fs::recursive_directory_iterator(m_root))
            if (entry.is_regular_file() && wanted(entry.path().lexically_relative(m_root)))
                m_files.push_back(entry.path());
        std::sort(m_files.begin(), m_files.end());
        if (m_files.empty())
            std::abort();
        for (const auto& file : m_files) {
            std::ifstream in(file, std::ios::binary);
            m_original.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
    }

    const std::filesystem::path& root() const { return m_root; }
    const std::vector<std::filesystem::path>& files() const { return m_files; }

    /** Replaces file `index` (modulo the count) for the duration of `read`. */
    void withFile(std::size_t index, std::string_view content,
        const std::function<void(const std::filesystem::path&)>& read) const
    {
        index %= m_files.size();
        writeFile(m_files[index], content);
        read(m_files[index]);
        writeFile(m_files[index], m_original[index]);
    }

private:
    std::filesystem::path m_root;
    std::vector<std::filesystem::path> m_files;
    std::vector<std::string> m_original;
};

/**
 * Reads what the app reads of the item a damaged file belongs to (found from its path in the store),
 * through both the listing and the single-item call; reading the whole store per input would make
 * the fuzzer a hundred times slower for no extra reach.
 */
inline void readItemOf(const std::filesystem::path& root, const std::filesystem::path& file)
{
    auto opened = MlrunsStore::open(root);
    if (!opened)
        return;
    Store& store = **opened;
    const std::filesystem::path relative = file.lexically_relative(root);
    const std::vector<std::string> parts(relative.begin(), relative.end());
    const auto part = [&](std::size_t i) { return i < parts.size() ? parts[i] : std::string(); };
    if (part(0) == "models") { // registered model and its versions
        (void)store.registeredModels();
        (void)store.prompts();
        (void)store.modelVersions(part(1));
        return;
    }
    if (part(0) == ".trash" || parts.size() <= 2) { // an experiment's own meta.yaml
        (void)store.experiments(ViewType::All);
        (void)store.experiment(part(part(0) == ".trash" ? 1 : 0));
        return;
    }
    const std::string experimentId = part(0);
    if (part(1) == "models") { // a logged model
        LoggedModelQuery query;
        query.experimentIds = {experimentId};
        (void)store.searchLoggedModels(query);
        (void)store.loggedModel(part(2));
        return;
    }
    const std::string runId = part(1);
    RunQuery query;
    query.experimentIds = {experimentId};
    query.view = ViewType::All;
    (void)store.searchRuns(query);
    auto run = store.run(runId);
    if (part(2) == "metrics") {
        std::string key = part(3);
        for (std::size_t i = 4; i < parts.size(); ++i)
            key += "/" + parts[i];
        (void)store.metricHistoryWithSources(runId, key);
    }
}

} // namespace runlens::fuzz
