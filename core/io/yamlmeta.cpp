// SPDX-License-Identifier: Apache-2.0
#include "io/yamlmeta.h"

#include <algorithm>
#include <cstring>

#include <yaml-cpp/yaml.h>

namespace runlens {

namespace {

StoreError invalid(std::string message)
{
    return StoreError {ErrorCode::InvalidParameterValue, std::move(message)};
}

bool isKeyChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Valid UTF-8 and no characters YAML treats specially (controls other than '\n'); the fast path
// leaves anything else to yaml-cpp so both read the same bytes the same way.
bool isPlainUtf8(std::string_view text)
{
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n') || c == 0x7f)
                return false;
            ++p;
            continue;
        }
        int extra;
        std::uint32_t cp;
        if ((c & 0xe0) == 0xc0) {
            extra = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfeff
            || (cp >= 0x80 && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff)
            return false;
        p += extra + 1;
    }
    return true;
}

bool isNullWord(std::string_view v)
{
    return v == "null" || v == "Null" || v == "NULL" || v == "~";
}

void setField(std::vector<std::pair<std::string, YamlMeta::Value>>& fields, std::string key, YamlMeta::Value value)
{
    // PyYAML keeps the last of duplicate keys; so do we.
    for (auto& field : fields) {
        if (field.first == key) {
            field.second = std::move(value);
            return;
        }
    }
    fields.emplace_back(std::move(key), std::move(value));
}

} // namespace

bool YamlMeta::isBlank(std::string_view text)
{
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool YamlMeta::parseSimple(std::string_view text, YamlMeta& out)
{
    out.m_fields.clear();
    if (!isPlainUtf8(text))
        return false;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos)
            eol = text.size();
        const std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;

        // Every line must be "key:" or "key: value" at column 0; indented lines (continuations,
        // nested blocks), "- " items, comments and document markers all go to yaml-cpp.
        std::size_t k = 0;
        while (k < line.size() && isKeyChar(line[k]))
            ++k;
        if (k == 0 || k == line.size() || line[k] != ':')
            return false;
        std::string key(line.substr(0, k));
        std::string_view rest = line.substr(k + 1);
        if (!rest.empty() && rest.front() != ' ')
            return false;
        while (!rest.empty() && rest.front() == ' ')
            rest.remove_prefix(1);
        while (!rest.empty() && rest.back() == ' ')
            rest.remove_suffix(1);
        for (const auto& field : out.m_fields) {
            if (field.first == key)
                return false;
        }

        Value value;
        if (rest.empty() || isNullWord(rest)) {
            value.kind = Kind::Null;
        } else if (rest == "[]") {
            value.kind = Kind::Sequence;
        } else if (rest == "{}") {
            value.kind = Kind::Mapping;
        } else if (rest.front() == '\'') {
            // Single-quoted on one line; '' stands for '. Folded ones (no closing quote) go to yaml-cpp.
            std::string unquoted;
            std::size_t i = 1;
            bool closed = false;
            while (i < rest.size()) {
                if (rest[i] == '\'') {
                    if (i + 1 < rest.size() && rest[i + 1] == '\'') {
                        unquoted.push_back('\'');
                        i += 2;
                        continue;
                    }
                    closed = true;
                    ++i;
                    break;
                }
                unquoted.push_back(rest[i++]);
            }
            if (!closed || i != rest.size())
                return false;
            value.kind = Kind::Scalar;
            value.text = std::move(unquoted);
        } else {
            // A plain scalar, unless it starts with an indicator or holds ": " or " #".
            const char c = rest.front();
            if (std::strchr("[]{}#&*!|>\"%@`,", c))
                return false;
            if ((c == '-' || c == '?' || c == ':') && (rest.size() == 1 || rest[1] == ' '))
                return false;
            if (rest.find(": ") != std::string_view::npos || rest.back() == ':'
                || rest.find(" #") != std::string_view::npos)
                return false;
            value.kind = Kind::Scalar;
            value.text = std::string(rest);
        }
        out.m_fields.emplace_back(std::move(key), std::move(value));
    }
    out.m_fastPath = true;
    return !out.m_fields.empty();
}

Result<YamlMeta> YamlMeta::parseWithYamlCpp(std::string_view text)
{
    if (isBlank(text))
        return invalid("the file is empty");
    YamlMeta meta;
    try {
        const YAML::Node root = YAML::Load(std::string(text));
        if (!root.IsDefined() || root.IsNull())
            return invalid("the file holds no YAML data");
        if (!root.IsMap()) {
            const char* what = root.IsSequence() ? "a list" : "a single value";
            return invalid(std::string("expected a YAML mapping of keys to values, found ") + what);
        }
        for (const auto& item : root) {
            if (!item.first.IsScalar())
                return invalid("a key is not a plain text key");
            Value value;
            const YAML::Node& node = item.second;
            if (node.IsNull() || !node.IsDefined()) {
                value.kind = Kind::Null;
            } else if (node.IsScalar()) {
                value.kind = Kind::Scalar;
                value.text = node.Scalar();
            } else if (node.IsSequence()) {
                value.kind = Kind::Sequence;
                value.items = node.size();
            } else if (node.IsMap()) {
                value.kind = Kind::Mapping;
                value.items = node.size();
                for (const auto& entry : node) {
                    if (!entry.first.IsScalar())
                        continue;
                    KeyValue kv {entry.first.Scalar(), {}};
                    if (entry.second.IsScalar())
                        kv.value = entry.second.Scalar();
                    else if (!entry.second.IsNull())
                        kv.value = YAML::Dump(entry.second);
                    value.entries.push_back(std::move(kv));
                }
                std::stable_sort(value.entries.begin(), value.entries.end(),
                    [](const KeyValue& a, const KeyValue& b) { return a.key < b.key; });
            }
            setField(meta.m_fields, item.first.Scalar(), std::move(value));
        }
    } catch (const YAML::Exception& e) {
        return invalid("not valid YAML: " + std::string(e.what()));
    } catch (const std::exception& e) {
        return invalid("not readable as YAML: " + std::string(e.what()));
    }
    if (meta.m_fields.empty())
        return invalid("the YAML mapping is empty");
    return meta;
}

Result<YamlMeta> YamlMeta::parse(std::string_view text)
{
    YamlMeta meta;
    if (parseSimple(text, meta))
        return meta;
    return parseWithYamlCpp(text);
}

const YamlMeta::Value* YamlMeta::find(std::string_view key) const
{
    for (const auto& field : m_fields) {
        if (field.first == key)
            return &field.second;
    }
    return nullptr;
}

std::optional<std::string> YamlMeta::scalar(std::string_view key) const
{
    const Value* value = find(key);
    if (!value || value->kind != Kind::Scalar)
        return std::nullopt;
    return value->text;
}

std::vector<std::string> YamlMeta::keys() const
{
    std::vector<std::string> out;
    out.reserve(m_fields.size());
    for (const auto& field : m_fields)
        out.push_back(field.first);
    return out;
}

} // namespace runlens
