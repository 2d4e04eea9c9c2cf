// SPDX-License-Identifier: Apache-2.0
#include "tablewriter.h"

#include <algorithm>

namespace runlens::cli {

namespace {

// Display width approximated by code points: good enough for aligned terminal columns.
std::size_t displayWidth(const std::string& text)
{
    std::size_t n = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++n;
    }
    return n;
}

std::string oneLine(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\n')
            out += "\u23ce";
        else if (c == '\r' || c == '\t')
            out += ' ';
        else
            out += c;
    }
    return out;
}

std::string csvField(const std::string& text)
{
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

} // namespace

TableWriter::TableWriter(std::vector<std::string> header)
    : m_header(std::move(header))
{ }

void TableWriter::addRow(std::vector<std::string> cells)
{
    cells.resize(m_header.size());
    m_rows.push_back(std::move(cells));
}

void TableWriter::writeTable(std::ostream& out) const
{
    std::vector<std::vector<std::string>> lines;
    lines.reserve(m_rows.size() + 1);
    lines.push_back(m_header);
    for (const auto& row : m_rows) {
        std::vector<std::string> cells;
        for (const auto& cell : row)
            cells.push_back(oneLine(cell));
        lines.push_back(std::move(cells));
    }
    std::vector<std::size_t> widths(m_header.size(), 0);
    for (const auto& line : lines) {
        for (std::size_t c = 0; c < line.size(); ++c)
            widths[c] = std::max(widths[c], displayWidth(line[c]));
    }
    for (const auto& line : lines) {
        std::string text;
        for (std::size_t c = 0; c < line.size(); ++c) {
            text += line[c];
            if (c + 1 < line.size())
                text.append(widths[c] - displayWidth(line[c]) + 2, ' ');
        }
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        out << text << '\n';
    }
}

void TableWriter::writeCsv(std::ostream& out) const
{
    auto writeLine = [&out](const std::vector<std::string>& cells) {
        for (std::size_t c = 0; c < cells.size(); ++c) {
            if (c)
                out << ',';
            out << csvField(cells[c]);
        }
        out << '\n';
    };
    writeLine(m_header);
    for (const auto& row : m_rows)
        writeLine(row);
}

} // namespace runlens::cli
