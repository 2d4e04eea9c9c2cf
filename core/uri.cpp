// SPDX-License-Identifier: Apache-2.0
#include "uri.h"

#include <cctype>

namespace runlens {

namespace {
int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

std::string percentDecode(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int hi = hexValue(text[i + 1]);
            const int lo = hexValue(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

std::string uriScheme(std::string_view uri)
{
    const auto colon = uri.find(':');
    if (colon == std::string_view::npos || colon < 2) // "C:\..." is a Windows path, not a scheme
        return {};
    for (std::size_t i = 0; i < colon; ++i) {
        const auto c = static_cast<unsigned char>(uri[i]);
        if (!(std::isalnum(c) || c == '+' || c == '-' || c == '.'))
            return {};
    }
    std::string scheme(uri.substr(0, colon));
    for (auto& c : scheme)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return scheme;
}

std::optional<std::string> localPathFromUri(std::string_view uri)
{
    const std::string scheme = uriScheme(uri);
    if (scheme.empty())
        return std::string(uri);
    if (scheme != "file")
        return std::nullopt;
    std::string_view rest = uri.substr(5); // after "file:"
    if (rest.starts_with("//")) {
        rest.remove_prefix(2);
        const auto slash = rest.find('/');
        const std::string_view host = rest.substr(0, slash);
        if (!host.empty() && host != "localhost")
            return std::nullopt;
        rest = slash == std::string_view::npos ? std::string_view {} : rest.substr(slash);
    }
    // Drop a query or fragment, which a path never carries.
    const auto cut = rest.find_first_of("?#");
    if (cut != std::string_view::npos)
        rest = rest.substr(0, cut);
    return percentDecode(rest);
}

std::string fileUriFromPath(std::string_view absolutePath)
{
    // pathlib.as_uri() quotes everything except unreserved characters and '/'.
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "file://";
    for (const char ch : absolutePath) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

} // namespace runlens
