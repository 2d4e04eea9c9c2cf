// SPDX-License-Identifier: Apache-2.0
#include "stores/mlruns/metricfile.h"

#include <cerrno>
#include <charconv>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <locale.h>

namespace runlens {

namespace {

inline bool isDigit(char c)
{
    return static_cast<unsigned char>(c - '0') < 10;
}

inline bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool equalsIgnoreCase(const char* p, const char* end, std::string_view word)
{
    if (static_cast<std::size_t>(end - p) != word.size())
        return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if ((static_cast<unsigned char>(p[i]) | 0x20) != static_cast<unsigned char>(word[i]))
            return false;
    }
    return true;
}

// The grammar Python's float() accepts for what ends up in metric files: [+-] then digits with an
// optional fraction and exponent, or nan/inf/infinity in any case. Checking it is cheaper than
// converting, which lets the scanner leave values unconverted (see MetricScanner).
bool isFloatText(std::string_view text)
{
    const char* p = text.data();
    const char* end = p + text.size();
    if (p < end && (*p == '-' || *p == '+'))
        ++p;
    if (p == end)
        return false;
    if (!isDigit(*p) && *p != '.')
        return equalsIgnoreCase(p, end, "nan") || equalsIgnoreCase(p, end, "inf")
            || equalsIgnoreCase(p, end, "infinity");
    const char* start = p;
    while (p < end && isDigit(*p))
        ++p;
    bool digits = p > start;
    if (p < end && *p == '.') {
        ++p;
        const char* fraction = p;
        while (p < end && isDigit(*p))
            ++p;
        digits = digits || p > fraction;
    }
    if (!digits)
        return false;
    if (p < end && (*p == 'e' || *p == 'E')) {
        ++p;
        if (p < end && (*p == '-' || *p == '+'))
            ++p;
        const char* exponent = p;
        while (p < end && isDigit(*p))
            ++p;
        if (p == exponent)
            return false;
    }
    return p == end;
}

// Python turns out-of-range decimals into ±inf or ±0; from_chars refuses them. strtod does what
// Python does, in a C locale of its own (the process locale may use a decimal comma).
double strtodC(std::string_view text)
{
    static const locale_t cLocale = ::newlocale(LC_ALL_MASK, "C", locale_t(nullptr));
    const std::string copy(text);
    return ::strtod_l(copy.c_str(), nullptr, cLocale);
}

// Makes file bytes printable in a message: control and non-ASCII bytes as \xNN, at most 40 chars.
std::string quoteForMessage(std::string_view text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "'";
    std::size_t shown = 0;
    for (const char ch : text) {
        if (shown == 40) {
            out += "...";
            break;
        }
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f) {
            out.push_back(ch);
        } else {
            out += "\\x";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
        ++shown;
    }
    out += "'";
    return out;
}

} // namespace

bool parseMetricInt(std::string_view text, std::int64_t& out)
{
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        if (!text.empty() && text.front() == '-')
            return false;
    }
    if (text.empty())
        return false;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size();
}

bool parseMetricDouble(std::string_view text, double& out)
{
    if (!isFloatText(text))
        return false;
    std::string_view digits = text;
    if (digits.front() == '+')
        digits.remove_prefix(1);
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    if (ec == std::errc::result_out_of_range) {
        out = strtodC(digits);
        return true;
    }
    return ec == std::errc() && ptr == digits.data() + digits.size();
}

bool MetricScanner::fail(std::string reason)
{
    m_failed = true;
    m_reason = std::move(reason);
    return false;
}

bool MetricScanner::resolveLatestValue()
{
    if (m_latestValueParsed)
        return true;
    if (!parseMetricDouble(std::string_view(m_latestText, m_latestTextSize), m_latest.value))
        return false; // cannot happen: the text passed isFloatText when it was kept
    m_latestValueParsed = true;
    return true;
}

bool MetricScanner::addLine(std::string_view line, bool lastLineWithoutNewline)
{
    if (m_failed)
        return false;
    ++m_lines;
    // MLflow: line.strip().split(" "), so fields are separated by exactly one space.
    while (!line.empty() && isSpace(line.front()))
        line.remove_prefix(1);
    while (!line.empty() && isSpace(line.back()))
        line.remove_suffix(1);
    std::string_view fields[6];
    std::size_t count = 0;
    std::size_t start = 0;
    for (;;) {
        const std::size_t space = line.find(' ', start);
        if (count == 6)
            break;
        fields[count++] = line.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start);
        if (space == std::string_view::npos)
            break;
        start = space + 1;
    }
    const auto incomplete = [&] {
        return std::string(lastLineWithoutNewline ? " (the last line has no newline: the file looks truncated)" : "");
    };
    if (count != 2 && count != 3 && count != 5) {
        if (line.empty())
            return fail("line is empty; expected 'timestamp value step'" + incomplete());
        return fail("expected 2, 3 or 5 space-separated fields ('timestamp value step'), found "
            + (count == 6 ? std::string("more than 5") : std::to_string(count)) + " in " + quoteForMessage(line)
            + incomplete());
    }
    MetricPoint point;
    if (!parseMetricInt(fields[0], point.timestamp))
        return fail("timestamp " + quoteForMessage(fields[0]) + " is not an integer" + incomplete());
    if (!isFloatText(fields[1]))
        return fail("value " + quoteForMessage(fields[1]) + " is not a number" + incomplete());
    if (count >= 3 && !parseMetricInt(fields[2], point.step))
        return fail("step " + quoteForMessage(fields[2]) + " is not an integer" + incomplete());
    acceptPoint(point, fields[1]);
    if (count == 5 && m_sources)
        addPointSource(*m_sources, m_history->size() - 1, fields[3], fields[4], {});
    if (count == 5) {
        parseMetricDouble(fields[1], point.value);
        if (!m_haveDatasetPoint || !isLaterPoint(m_datasetPoint, point)) {
            m_haveDatasetPoint = true;
            m_datasetPoint = point;
            m_dataset.assign(fields[3]);
            m_digest.assign(fields[4]);
        }
    }
    return true;
}

void MetricScanner::acceptPoint(MetricPoint point, std::string_view valueText)
{
    ++m_count;
    if (m_history) {
        parseMetricDouble(valueText, point.value);
        m_history->push_back(point);
        if (!m_haveLatest || isLaterPoint(point, m_latest)) {
            m_latest = point;
            m_latestValueParsed = true;
            m_haveLatest = true;
        }
        return;
    }

    // Only a point with a larger (step, timestamp) or an equal one can replace the latest, and only
    // a tie needs the values; so most values are never converted.
    if (m_haveLatest) {
        if (point.step < m_latest.step || (point.step == m_latest.step && point.timestamp < m_latest.timestamp))
            return;
        if (point.step == m_latest.step && point.timestamp == m_latest.timestamp) {
            resolveLatestValue();
            parseMetricDouble(valueText, point.value);
            if (isLaterPoint(point, m_latest)) {
                m_latest = point;
                m_latestValueParsed = true;
            }
            return;
        }
    }
    m_haveLatest = true;
    m_latest.step = point.step;
    m_latest.timestamp = point.timestamp;
    if (valueText.size() <= sizeof m_latestText) {
        std::memcpy(m_latestText, valueText.data(), valueText.size());
        m_latestTextSize = valueText.size();
        m_latestValueParsed = false;
    } else {
        parseMetricDouble(valueText, m_latest.value);
        m_latestValueParsed = true;
    }
}

namespace {

// The line MLflow writes, "<digits> <float> <digits>\n", read in one pass straight off the buffer.
// Returns the start of the next line, or null for anything else (signs, other field counts, stray
// whitespace, numbers of 19+ digits), which the general parser then handles, errors included.
inline const char* parseCommonLine(
    const char* p, const char* end, MetricPoint& point, const char*& valueBegin, const char*& valueEnd)
{
    const char* digits = p;
    std::int64_t timestamp = 0;
    // At most 18 digits fit without overflow; longer numbers take the exact slow path.
    while (p < end && isDigit(*p) && p - digits < 18)
        timestamp = timestamp * 10 + (*p++ - '0');
    if (p == digits || p >= end || *p != ' ')
        return nullptr;
    valueBegin = ++p;
    if (p < end && *p == '-')
        ++p;
    const char* mantissa = p;
    while (p < end && isDigit(*p))
        ++p;
    bool hasDigits = p > mantissa;
    if (p < end && *p == '.') {
        const char* fraction = ++p;
        while (p < end && isDigit(*p))
            ++p;
        hasDigits = hasDigits || p > fraction;
    }
    if (hasDigits) {
        if (p < end && (*p == 'e' || *p == 'E')) {
            ++p;
            if (p < end && (*p == '-' || *p == '+'))
                ++p;
            const char* exponent = p;
            while (p < end && isDigit(*p))
                ++p;
            if (p == exponent)
                return nullptr;
        }
    } else {
        while (p < end && *p != ' ' && *p != '\n')
            ++p;
        if (!isFloatText(std::string_view(valueBegin, static_cast<std::size_t>(p - valueBegin))))
            return nullptr;
    }
    valueEnd = p;
    if (p >= end || *p != ' ')
        return nullptr;
    ++p;
    const bool negative = p < end && *p == '-';
    if (negative)
        ++p;
    digits = p;
    std::int64_t step = 0;
    while (p < end && isDigit(*p) && p - digits < 18)
        step = step * 10 + (*p++ - '0');
    if (p == digits || p >= end || *p != '\n')
        return nullptr;
    point.timestamp = timestamp;
    point.step = negative ? -step : step;
    return p + 1;
}

} // namespace

bool MetricScanner::addText(std::string_view text)
{
    if (m_failed)
        return false;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        MetricPoint point;
        const char* valueBegin = nullptr;
        const char* valueEnd = nullptr;
        if (const char* next = parseCommonLine(p, end, point, valueBegin, valueEnd)) {
            ++m_lines;
            acceptPoint(point, std::string_view(valueBegin, static_cast<std::size_t>(valueEnd - valueBegin)));
            p = next;
            continue;
        }
        const auto* newline = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (!newline)
            return addLine(std::string_view(p, static_cast<std::size_t>(end - p)), true);
        if (!addLine(std::string_view(p, static_cast<std::size_t>(newline - p))))
            return false;
        p = newline + 1;
    }
    return true;
}

MetricFileResult MetricScanner::finish()
{
    MetricFileResult result;
    result.count = m_count;
    if (m_failed) {
        result.errorLine = m_lines;
        result.reason = m_reason;
        return result;
    }
    if (m_count == 0) {
        result.reason = "the file holds no data (MLflow reports such a metric as malformed)";
        return result;
    }
    resolveLatestValue();
    result.ok = true;
    result.latest = m_latest;
    if (m_haveDatasetPoint && !isLaterPoint(m_latest, m_datasetPoint) && !isLaterPoint(m_datasetPoint, m_latest)) {
        result.latestDatasetName = m_dataset;
        result.latestDatasetDigest = m_digest;
    }
    return result;
}

MetricFileResult readMetricFile(int fd, localfs::ReadBuffer& buffer, std::vector<MetricPoint>* history,
    std::vector<PointSource>* sources, bool live)
{
    // 1 MiB chunks: small files come in one read(), big ones never need the whole file in memory.
    constexpr std::size_t kChunk = 1 << 20;
    MetricScanner scanner(history, sources);
    char* data = buffer.reserve(kChunk);
    std::size_t capacity = buffer.capacity();
    std::size_t kept = 0; // bytes of an unfinished line carried over from the previous chunk
    for (;;) {
        if (kept == capacity) {
            // One line longer than the buffer: it cannot be a valid metric line, but keep reading so
            // the error names the right line.
            data = buffer.reserve(capacity * 2);
            capacity = buffer.capacity();
        }
        const long n = localfs::readSome(fd, data + kept, capacity - kept);
        if (n < 0) {
            MetricFileResult result;
            result.ioError = errno;
            result.reason = localfs::errorText(result.ioError);
            return result;
        }
        const std::size_t size = kept + static_cast<std::size_t>(n);
        const std::string_view text(data, size);
        // A short read of a regular file is its end; that saves a second read() per small file.
        if (n == 0 || size < capacity) {
            const std::size_t whole = live ? text.rfind('\n') + 1 : size; // npos + 1 is 0: nothing whole
            const bool heldBack = whole < size;
            scanner.addText(text.substr(0, whole));
            MetricFileResult result = scanner.finish();
            result.heldBack = heldBack;
            return result;
        }
        const std::size_t lastNewline = text.rfind('\n');
        if (lastNewline == std::string_view::npos) {
            kept = size;
            continue;
        }
        if (!scanner.addText(text.substr(0, lastNewline + 1)))
            break;
        kept = size - lastNewline - 1;
        std::memmove(data, data + lastNewline + 1, kept);
    }
    return scanner.finish();
}

} // namespace runlens
