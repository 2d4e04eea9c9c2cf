// SPDX-License-Identifier: Apache-2.0
#include "stores/mlruns/mlrunsmetaedit.h"

#include "stores/mlruns/mlrunsstoreimpl.h"

#include "io/atomicfile.h"
#include "io/yamlwriter.h"
#include "stores/writerules.h"

#include <algorithm>
#include <cerrno>

#include <sys/stat.h>
#include <unistd.h>

namespace runlens {

namespace mlrunsdetail {

namespace {

constexpr int kMetaRetries = 20; // rewrites retried when another process changed the file meanwhile

} // namespace

Result<std::string> readWholeFile(const std::string& path)
{
    int err = 0;
    UniqueFd fd = localfs::openRegularFile(localfs::currentDirFd(), path, err);
    if (!fd.valid()) {
        if (err == ENOENT)
            return StoreError {ErrorCode::ResourceDoesNotExist, path + " does not exist"};
        if (err < 0)
            return StoreError {ErrorCode::IoError, "cannot read " + path + ": " + localfs::errorText(err)};
        return AtomicFile::errorFor(err, "read", path);
    }
    ReadBuffer buffer;
    std::string_view text;
    if (err = buffer.readCapped(fd.get(), kMaxMetaBytes, text); err != 0) {
        if (err < 0)
            return StoreError {
                ErrorCode::IoError, "cannot read " + path + ": " + localfs::errorText(err, kMaxMetaBytes)};
        return AtomicFile::errorFor(err, "read", path);
    }
    return std::string(text);
}

bool fileExists(const std::string& path)
{
    struct stat st
    {
    };
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

MetaEdit setString(const std::string& key, const std::string& value)
{
    return {key, YamlWriter::stringEntry(key, value), value};
}

MetaEdit setInteger(const std::string& key, std::int64_t value)
{
    return {key, YamlWriter::rawEntry(key, std::to_string(value)), std::to_string(value)};
}

MetaEdit removeKey(const std::string& key)
{
    return {key, std::nullopt, std::nullopt};
}

Result<std::string> editMetaText(const std::string& text, const std::vector<MetaEdit>& edits, const std::string& path)
{
    auto parsed = YamlMeta::parse(text);
    if (!parsed)
        return StoreError {ErrorCode::InvalidParameterValue, path + ": " + parsed.error().message + "; not rewritten"};
    const std::vector<std::string> keys = parsed->keys();
    std::string header;
    std::vector<std::pair<std::string, std::string>> entries;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        end = end == std::string::npos ? text.size() : end + 1;
        const std::string_view line(text.data() + pos, end - pos);
        const char first = line.front();
        const bool startsKey = first != ' ' && first != '-' && first != '#' && first != '\n' && first != '\r'
            && first != '\t' && !line.starts_with("...");
        if (startsKey) {
            std::size_t colon = line.find(": ");
            if (colon == std::string_view::npos) {
                colon = line.find(":\n");
                if (colon == std::string_view::npos && line.back() == ':')
                    colon = line.size() - 1;
            }
            const std::string key(line.substr(0, colon == std::string_view::npos ? line.size() : colon));
            if (colon == std::string_view::npos || std::find(keys.begin(), keys.end(), key) == keys.end())
                return StoreError {ErrorCode::InvalidParameterValue,
                    path + ": the line " + inQuotes(std::string(line.substr(0, line.size() - 1)))
                        + " is not a plain top-level key as MLflow writes them; the file is left unchanged"};
            entries.emplace_back(key, std::string(line));
        } else if (entries.empty()) {
            header.append(line);
        } else {
            entries.back().second.append(line);
        }
        pos = end;
    }
    if (!entries.empty() && !entries.back().second.ends_with('\n'))
        entries.back().second += '\n';
    for (const MetaEdit& edit : edits) {
        auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == edit.key; });
        if (edit.entry) {
            if (it != entries.end())
                it->second = *edit.entry;
            else
                entries.emplace_back(edit.key, *edit.entry);
        } else if (it != entries.end()) {
            entries.erase(it);
        }
    }
    // PyYAML sorts keys by code point, which is UTF-8 byte order.
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = header;
    for (const auto& entry : entries)
        out += entry.second;

    auto check = YamlMeta::parse(out);
    if (!check)
        return StoreError {ErrorCode::InternalError, path + ": the rewritten file would not parse; left unchanged"};
    for (const std::string& key : keys) {
        const bool edited = std::any_of(edits.begin(), edits.end(), [&](const MetaEdit& e) { return e.key == key; });
        if (!edited && !(check->find(key) && *check->find(key) == *parsed->find(key)))
            return StoreError {
                ErrorCode::InternalError, path + ": rewriting would change " + key + "; the file is left unchanged"};
    }
    for (const MetaEdit& edit : edits) {
        if (check->scalar(edit.key) != edit.expected || (edit.entry.has_value() != check->contains(edit.key)))
            return StoreError {ErrorCode::InternalError,
                path + ": " + edit.key + " would not read back as written; the file is left unchanged"};
    }
    return out;
}

Status rewriteMeta(const std::string& dir, const std::vector<MetaEdit>& edits)
{
    for (const MetaEdit& edit : edits) {
        if (edit.expected && !edit.entry)
            return writerules::invalidValue("the value of " + edit.key
                + " contains characters (tabs, carriage returns, control characters, a space next to a line "
                  "break) that MLflow's YAML writer would escape; it cannot be written here");
    }
    const std::string path = join(dir, kMeta);
    for (int attempt = 0; attempt < kMetaRetries; ++attempt) {
        auto before = readWholeFile(path);
        if (!before)
            return before.error();
        auto edited = editMetaText(*before, edits, path);
        if (!edited)
            return edited.error();
        auto again = readWholeFile(path);
        if (!again)
            return again.error();
        if (*again != *before)
            continue;
        return AtomicFile::write(path, *edited, dir);
    }
    return StoreError {ErrorCode::TemporarilyUnavailable,
        path + " kept changing while it was being rewritten (another process is writing it); try again"};
}

Status writeKeyFile(
    const std::string& itemDir, const std::string& folder, const std::string& key, const std::string& value)
{
    const std::string path = join(join(itemDir, folder), key);
    if (Status made = AtomicFile::makeDirs(path.substr(0, path.find_last_of('/'))); !made)
        return made;
    return AtomicFile::write(path, value, itemDir);
}

} // namespace mlrunsdetail

} // namespace runlens
