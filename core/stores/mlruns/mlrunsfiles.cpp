// SPDX-License-Identifier: Apache-2.0
#include "stores/mlruns/mlrunsstoreimpl.h"

#include "artifactpath.h"
#include "stores/mlruns/metricfile.h"

#include <algorithm>
#include <cerrno>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

namespace runlens {

namespace mlrunsdetail {

bool isAlnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool isValidId(std::string_view id, std::size_t maxRest)
{
    if (id.empty() || id.size() > maxRest + 1 || !isAlnum(id.front()))
        return false;
    return std::all_of(id.begin() + 1, id.end(), [](char c) { return isAlnum(c) || c == '_' || c == '-'; });
}

bool isValidExperimentId(std::string_view id)
{
    return isValidId(id, 63);
}

bool isValidRunId(std::string_view id)
{
    return isValidId(id, 255);
}

bool isHex32(std::string_view name)
{
    return name.size() == 32 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
}

bool isReservedExperimentChild(std::string_view name)
{
    return name == "tags" || name == "datasets" || name == "traces" || name == "models";
}

std::string join(std::string_view a, std::string_view b)
{
    std::string out;
    out.reserve(a.size() + 1 + b.size());
    out.append(a);
    out.push_back('/');
    out.append(b);
    return out;
}

std::string inQuotes(std::string_view text)
{
    return "'" + std::string(text) + "'";
}

bool splitRelativePath(std::string_view path, std::vector<std::string>& parts)
{
    auto safe = safeArtifactPath(path);
    parts = safe ? artifactPathSegments(*safe) : std::vector<std::string> {};
    return bool(safe);
}

bool splitKeyPath(std::string_view path, std::vector<std::string>& parts)
{
    parts.clear();
    if (!path.empty() && (path.front() == '/' || path.front() == '\\'))
        return false;
    if (path.find('\0') != std::string_view::npos)
        return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string_view::npos)
            slash = path.size();
        const std::string_view part = path.substr(start, slash - start);
        if (part == "..")
            return false;
        if (!part.empty() && part != ".")
            parts.emplace_back(part);
        start = slash + 1;
    }
    return true;
}

bool isDirectory(const std::string& path)
{
    FileStatus st;
    return localfs::statAt(localfs::currentDirFd(), path, true, st) == 0 && st.type == EntryType::Dir;
}

int resolvedType(int dirFd, const DirEntry& entry, EntryType& type)
{
    if (entry.type == EntryType::File || entry.type == EntryType::Dir) {
        type = entry.type;
        return 0;
    }
    FileStatus st;
    const int err = localfs::statAt(dirFd, entry.name, true, st);
    if (err == 0)
        type = st.type;
    return err;
}

bool readInt(const YamlMeta& meta, std::string_view key, std::optional<std::int64_t>& out, std::string& why)
{
    out.reset();
    const YamlMeta::Value* value = meta.find(key);
    if (!value || value->kind == YamlMeta::Kind::Null)
        return true;
    std::int64_t number = 0;
    if (value->kind != YamlMeta::Kind::Scalar || !parseMetricInt(value->text, number)) {
        why = std::string(key) + " is not an integer"
            + (value->kind == YamlMeta::Kind::Scalar ? ": " + inQuotes(value->text) : std::string());
        return false;
    }
    out = number;
    return true;
}

std::string readString(const YamlMeta& meta, std::string_view key)
{
    return meta.scalar(key).value_or(std::string());
}

std::optional<std::string> readNullableString(const YamlMeta& meta, std::string_view key)
{
    return meta.scalar(key);
}

bool readLifecycle(const YamlMeta& meta, LifecycleStage& stage, std::string& why)
{
    const auto text = meta.scalar("lifecycle_stage");
    if (!text) {
        stage = LifecycleStage::Active; // MLflow's default for metas written before it existed
        return true;
    }
    if (*text == "active") {
        stage = LifecycleStage::Active;
        return true;
    }
    if (*text == "deleted") {
        stage = LifecycleStage::Deleted;
        return true;
    }
    why = "lifecycle_stage " + inQuotes(*text) + " is neither 'active' nor 'deleted'";
    return false;
}

MetaFile readMetaFile(int dirFd, const std::string& name, ReadBuffer& buffer)
{
    MetaFile out;
    // MLflow retries an empty meta.yaml twice: a writer may be between truncating and writing it.
    for (int attempt = 0;; ++attempt) {
        int err = 0;
        UniqueFd fd = localfs::openRegularFile(dirFd, name, err);
        if (!fd.valid()) {
            out.state = err == ENOENT ? MetaState::Missing : MetaState::Broken;
            out.reason = err == ENOENT ? "meta.yaml is missing" : "cannot open meta.yaml: " + localfs::errorText(err);
            return out;
        }
        std::string_view text;
        err = buffer.readCapped(fd.get(), kMaxMetaBytes, text);
        if (err != 0) {
            out.state = MetaState::Broken;
            out.reason = "cannot read meta.yaml: " + localfs::errorText(err, kMaxMetaBytes);
            return out;
        }
        if (YamlMeta::isBlank(text) && attempt < 2) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
            continue;
        }
        auto parsed = YamlMeta::parse(text);
        if (!parsed) {
            out.state = MetaState::Broken;
            out.reason = "meta.yaml is not usable: " + parsed.error().message;
            return out;
        }
        out.state = MetaState::Ok;
        out.meta = std::move(parsed.value());
        return out;
    }
}

std::vector<KeyValue> readKeyValues(int parentFd, const std::string& name, const std::string& displayDir,
    ReadBuffer& buffer, std::vector<Problem>& problems)
{
    std::vector<KeyValue> out;
    readKeyFolder(parentFd, name, displayDir, problems,
        [&](int dirFd, const std::string& file, const std::string& key, const std::string& display) {
            int err = 0;
            UniqueFd fd = localfs::openRegularFile(dirFd, file, err);
            std::string_view text;
            if (fd.valid())
                err = buffer.readCapped(fd.get(), kMaxValueBytes, text);
            if (err != 0) {
                problems.push_back({display, "cannot read: " + localfs::errorText(err, kMaxValueBytes)});
                return;
            }
            // The content is the value verbatim: no trailing newline is stripped (formats §A.6).
            out.push_back({key, std::string(text)});
        });
    std::sort(out.begin(), out.end(), [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
    return out;
}

bool experimentOrderLess(const Experiment& a, const Experiment& b)
{
    // MLflow's default: creation_time DESC with missing times last, then experiment_id ASC as strings.
    if (a.creationTime != b.creationTime) {
        if (!a.creationTime)
            return false;
        if (!b.creationTime)
            return true;
        return *a.creationTime > *b.creationTime;
    }
    return a.experimentId < b.experimentId;
}

} // namespace mlrunsdetail

} // namespace runlens
