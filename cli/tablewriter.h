// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace runlens::cli {

/** Rows of text cells written as an aligned table (for people) or as CSV (RFC 4180 quoting, LF line ends). */
class TableWriter
{
public:
    explicit TableWriter(std::vector<std::string> header);

    void addRow(std::vector<std::string> cells);
    std::size_t rowCount() const { return m_rows.size(); }

    /** Columns padded to their widest cell (counted in code points); newlines shown as "⏎". */
    void writeTable(std::ostream& out) const;
    void writeCsv(std::ostream& out) const;
    /** CSV or the aligned table. */
    void write(std::ostream& out, bool csv) const { csv ? writeCsv(out) : writeTable(out); }

private:
    std::vector<std::string> m_header;
    std::vector<std::vector<std::string>> m_rows;
};

} // namespace runlens::cli
