// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "search/pythonregex.h"
#include "search/searchdialect.h"

#include <optional>
#include <string>
#include <string_view>

namespace runlens {

/**
 * A LIKE / ILIKE pattern ('%' any run of characters, '_' one character, whole-string match), compiled
 * once for both of MLflow's evaluations (formats §D.3):
 *  - Sql: SQLite's LIKE with case_sensitive_like on; every other character is literal; ILIKE is
 *    lower(x) LIKE lower(p), and SQLite's lower() folds ASCII letters only.
 *  - FileStore: search_utils._convert_like_pattern_to_regex: '^' unless the pattern starts with '%',
 *    '$' unless it ends with '%', '_' -> '.', '%' -> '.*', nothing else escaped, then re.match
 *    (IGNORECASE for ILIKE). So '.' matches any character there, '%' never crosses a newline, and
 *    other regex syntax keeps its regex meaning. Where Python would reject the regex (MLflow then
 *    fails the request) or it uses syntax PythonRegex leaves out, the SQL meaning is used instead.
 */
class LikePattern
{
public:
    LikePattern(std::string_view pattern, bool caseInsensitive);

    bool matches(std::string_view text, SearchDialect dialect) const;

    const std::string& pattern() const { return m_pattern; }
    bool caseInsensitive() const { return m_caseInsensitive; }
    /** False when the file-store regex could not be built and the SQL meaning stands in for it. */
    bool hasFileStoreRegex() const { return m_regex.has_value(); }

private:
    bool matchesSql(std::u32string_view text) const;

    std::string m_pattern;
    bool m_caseInsensitive = false;
    std::u32string m_sqlPattern; // ASCII-lowered for ILIKE
    std::optional<PythonRegex> m_regex;
};

} // namespace runlens
