// SPDX-License-Identifier: Apache-2.0
#include "scatterdata.h"

#include "runcolors.h"
#include "tableexport.h"
#include "text/numberformat.h"

#include <QDateTime>
#include <QIODevice>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

namespace runlens {

namespace {

QString toQString(const std::string& s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// A param is text in MLflow; it is a number only when the whole text is one (as in the runs table).
bool parseNumber(const std::string& text, double& value)
{
    if (text.empty())
        return false;
    const char* begin = text.data();
    const char* end = begin + text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    return ec == std::errc() && ptr == end;
}

// The field's key in the form runs hold it, converted once per build rather than once per run.
struct ResolvedField
{
    ScatterFieldKind kind;
    std::string key;
    bool startTime;
};

ResolvedField resolve(const ScatterField& field)
{
    return {field.kind, field.key.toStdString(), field.key == ScatterField::kStartTime};
}

bool valueOfResolved(const Run& run, const ResolvedField& field, double& value, bool* notNumber)
{
    if (notNumber)
        *notNumber = false;
    switch (field.kind) {
    case ScatterFieldKind::Metric:
        if (const Metric* metric = run.metric(field.key)) {
            value = metric->point.value;
            return true;
        }
        return false;
    case ScatterFieldKind::Param:
        if (const std::string* text = run.param(field.key)) {
            if (parseNumber(*text, value))
                return true;
            if (notNumber)
                *notNumber = true;
        }
        return false;
    case ScatterFieldKind::Attribute:
        if (field.startTime) {
            if (!run.info.startTime)
                return false;
            value = double(*run.info.startTime);
            return true;
        }
        if (field.key == "duration") {
            if (!run.info.startTime || !run.info.endTime)
                return false;
            value = double(*run.info.endTime - *run.info.startTime) / 1000.0;
            return true;
        }
        return false;
    }
    return false;
}

// Takes one axis value, or counts why the run cannot be placed on that axis.
bool takeAxisValue(const Run& run, const ResolvedField& field, bool log, double& value, ScatterOmissions& omissions)
{
    bool notNumber = false;
    if (!valueOfResolved(run, field, value, &notNumber)) {
        ++(notNumber ? omissions.notNumber : omissions.missing);
        return false;
    }
    if (!std::isfinite(value)) {
        ++omissions.nonFinite;
        return false;
    }
    if (log && value <= 0.0) {
        ++omissions.nonPositive;
        return false;
    }
    return true;
}

QString runs(int n, const QString& one, const QString& many, const QString& label)
{
    return n == 1 ? one.arg(label) : many.arg(QString::number(n), label);
}

void describe(const ScatterOmissions& o, const QString& label, QStringList& parts)
{
    if (o.missing)
        parts << runs(o.missing, QStringLiteral("1 run lacks %1"), QStringLiteral("%1 runs lack %2"), label);
    if (o.notNumber)
        parts << runs(o.notNumber, QStringLiteral("1 run has a non-numeric %1"),
            QStringLiteral("%1 runs have a non-numeric %2"), label);
    if (o.nonFinite)
        parts << runs(o.nonFinite, QStringLiteral("1 run has a NaN or infinite %1"),
            QStringLiteral("%1 runs have a NaN or infinite %2"), label);
    if (o.nonPositive)
        parts << runs(o.nonPositive, QStringLiteral("1 run has a %1 \u2264 0 (log scale)"),
            QStringLiteral("%1 runs have a %2 \u2264 0 (log scale)"), label);
}

constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

// Steps of a time axis, from a second to two weeks; longer spans step by calendar months.
constexpr std::array<qint64, 21> kTimeSteps = {kSecond, 2 * kSecond, 5 * kSecond, 10 * kSecond, 15 * kSecond,
    30 * kSecond, kMinute, 2 * kMinute, 5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute, kHour, 2 * kHour,
    3 * kHour, 6 * kHour, 12 * kHour, kDay, 2 * kDay, 7 * kDay, 14 * kDay};
constexpr std::array<int, 5> kMonthSteps = {1, 2, 3, 6, 12};

// Ticks on the first day of every `months`-th month (months 1, 4, 7, 10 for quarters), local time.
QList<double> monthTicks(double lo, double hi, int months)
{
    QList<double> ticks;
    const QDate start = QDateTime::fromMSecsSinceEpoch(qint64(lo)).date();
    int monthIndex = start.year() * 12 + start.month() - 1;
    monthIndex = (monthIndex + months - 1) / months * months; // first multiple of the step at or after lo
    for (; ticks.size() < 1000; monthIndex += months) {
        const QDate date(monthIndex / 12, monthIndex % 12 + 1, 1);
        const double at = double(date.startOfDay().toMSecsSinceEpoch());
        if (at > hi)
            break;
        if (at >= lo)
            ticks << at;
    }
    return ticks;
}

// 1, 2 or 5 × 10^k: the smallest such step that puts at most `maxTicks` ticks within [lo, hi].
double niceStep(double lo, double hi, int maxTicks)
{
    const double raw = (hi - lo) / std::max(1, maxTicks);
    double magnitude = std::pow(10.0, std::floor(std::log10(raw)) - 1.0);
    for (int decade = 0; decade < 4; ++decade, magnitude *= 10.0) {
        for (const double m : {1.0, 2.0, 5.0}) {
            const double step = m * magnitude;
            const double count = std::floor(hi / step + 1e-9) - std::ceil(lo / step - 1e-9) + 1.0;
            if (count <= maxTicks)
                return step;
        }
    }
    return magnitude;
}

// How many powers of ten lie within [lo, hi] (both > 0).
int decadesWithin(double lo, double hi)
{
    return int(std::floor(std::log10(hi) + 1e-9) - std::ceil(std::log10(lo) - 1e-9)) + 1;
}

QList<double> linearTicks(double lo, double hi, double step)
{
    QList<double> ticks;
    if (!(step > 0.0) || !std::isfinite(lo) || !std::isfinite(hi))
        return ticks;
    const double first = std::ceil(lo / step - 1e-9);
    const double last = std::floor(hi / step + 1e-9);
    for (double k = first; k <= last && ticks.size() < 1000; k += 1.0) {
        double v = k * step;
        if (std::abs(v) < step * 1e-9)
            v = 0.0; // no "-0" or "1e-17" at the origin
        ticks << v;
    }
    return ticks;
}

} // namespace

QString ScatterField::label() const
{
    switch (kind) {
    case ScatterFieldKind::Metric:
        return key;
    case ScatterFieldKind::Param:
        return QStringLiteral("%1 (param)").arg(key);
    case ScatterFieldKind::Attribute:
        if (key == kStartTime)
            return QStringLiteral("Start time");
        if (key == kDuration)
            return QStringLiteral("Duration (s)");
        return key;
    }
    return key;
}

QString ScatterField::toString() const
{
    switch (kind) {
    case ScatterFieldKind::Metric:
        return QStringLiteral("metric:") + key;
    case ScatterFieldKind::Param:
        return QStringLiteral("param:") + key;
    case ScatterFieldKind::Attribute:
        return QStringLiteral("attribute:") + key;
    }
    return {};
}

ScatterField ScatterField::fromString(const QString& text)
{
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return {};
    const QString kind = text.left(colon);
    const QString key = text.mid(colon + 1);
    if (kind == QLatin1String("metric"))
        return {ScatterFieldKind::Metric, key};
    if (kind == QLatin1String("param"))
        return {ScatterFieldKind::Param, key};
    if (kind == QLatin1String("attribute"))
        return {ScatterFieldKind::Attribute, key};
    return {};
}

double ScatterAxis::fraction(double value) const
{
    if (log)
        return (std::log10(value) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (value - lo) / (hi - lo);
}

double ScatterAxis::valueAt(double f) const
{
    if (log)
        return std::pow(10.0, std::log10(lo) + f * (std::log10(hi) - std::log10(lo)));
    return lo + f * (hi - lo);
}

QList<double> ScatterAxis::ticks(int maxTicks) const
{
    maxTicks = std::max(2, maxTicks);
    if (!(hi > lo))
        return {lo};
    if (time && hi - lo >= double(kSecond) * 2) {
        // Round times in local time (midnights, whole hours) so labels read as people count time.
        const double span = hi - lo;
        qint64 step = 0;
        for (const qint64 s : kTimeSteps) {
            if (span / double(s) <= maxTicks) {
                step = s;
                break;
            }
        }
        if (step == 0) {
            const double month = 30.44 * double(kDay);
            for (const int months : kMonthSteps) {
                if (span / (months * month) <= maxTicks + 1) {
                    QList<double> ticks = monthTicks(lo, hi, months);
                    if (ticks.size() <= maxTicks)
                        return ticks;
                }
            }
            const int years = int(std::ceil(span / (12 * month) / maxTicks));
            return monthTicks(lo, hi, 12 * years);
        }
        const qint64 offset = qint64(QDateTime::fromMSecsSinceEpoch(qint64(lo)).offsetFromUtc()) * kSecond;
        QList<double> ticks;
        const auto first = qint64(std::ceil((lo + double(offset)) / double(step)));
        for (qint64 k = first; double(k * step - offset) <= hi && ticks.size() < 1000; ++k)
            ticks << double(k * step - offset);
        return ticks;
    }
    if (log) {
        const double dlo = std::log10(lo);
        const double firstDecade = std::ceil(dlo - 1e-9);
        const double lastDecade = std::floor(std::log10(hi) + 1e-9);
        const int decades = decadesWithin(lo, hi);
        if (decades >= 2) {
            QList<double> ticks;
            const int every = std::max(1, int(std::ceil(double(decades) / maxTicks)));
            // With few decades, 2 and 5 between them help to read values off the axis.
            const bool fill = decades * 3 <= maxTicks;
            for (double d = std::floor(dlo); d <= lastDecade + 1; d += 1.0) {
                const double base = std::pow(10.0, d);
                if (std::fmod(d - firstDecade, double(every)) == 0.0 && base >= lo * (1 - 1e-9)
                    && base <= hi * (1 + 1e-9))
                    ticks << base;
                if (fill) {
                    for (const double m : {2.0, 5.0}) {
                        const double v = m * base;
                        if (v >= lo && v <= hi)
                            ticks << v;
                    }
                }
            }
            std::sort(ticks.begin(), ticks.end());
            return ticks;
        }
        // Less than a decade: plain 1-2-5 steps read better than one lonely power of ten.
    }
    return linearTicks(lo, hi, niceStep(lo, hi, maxTicks));
}

QString ScatterAxis::tickLabel(double value, const QList<double>& ticks) const
{
    const double step = ticks.size() >= 2 ? ticks.at(1) - ticks.at(0) : 0.0;
    if (time) {
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(qint64(std::llround(value)));
        if (step > 0 && step < double(kSecond))
            return at.toString(QStringLiteral("HH:mm:ss.zzz"));
        if (step > 0 && step < double(kMinute))
            return at.toString(QStringLiteral("HH:mm:ss"));
        if (step > 0 && step < double(kDay))
            return at.toString(QStringLiteral("MM-dd HH:mm"));
        if (step < 27.0 * double(kDay))
            return at.toString(QStringLiteral("yyyy-MM-dd"));
        if (step < 360.0 * double(kDay))
            return at.toString(QStringLiteral("yyyy-MM"));
        return at.toString(QStringLiteral("yyyy"));
    }
    if (log && decadesWithin(lo, hi) >= 2)
        return QString::number(value, 'g', 6); // 1e-05, 0.001, 200, 1e+06
    const double magnitude
        = std::max(std::abs(ticks.isEmpty() ? value : ticks.front()), std::abs(ticks.isEmpty() ? value : ticks.back()));
    if (!(step > 0))
        return QString::number(value, 'g', 6);
    if (magnitude < 1e7 && step >= 1e-4) {
        const int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
        return QString::number(value, 'f', decimals);
    }
    // Enough significant digits to tell neighbouring ticks apart, in exponent form.
    const int digits
        = std::clamp(int(std::floor(std::log10(magnitude)) - std::floor(std::log10(step) + 1e-9)) + 1, 1, 15);
    return QString::number(value, 'g', digits);
}

ScatterAxis ScatterAxis::around(double min, double max, bool log, bool time, double pad)
{
    ScatterAxis axis;
    axis.log = log && !time;
    axis.time = time;
    if (!std::isfinite(min) || !std::isfinite(max) || min > max) {
        axis.lo = axis.log ? 1.0 : 0.0;
        axis.hi = axis.log ? 10.0 : 1.0;
        return axis;
    }
    if (axis.log) {
        double lmin = std::log10(min);
        double lmax = std::log10(max);
        const double span = lmax - lmin;
        if (span < 1e-12) {
            lmin -= 0.5;
            lmax += 0.5;
        } else {
            lmin -= pad * span;
            lmax += pad * span;
        }
        axis.lo = std::pow(10.0, lmin);
        axis.hi = std::pow(10.0, lmax);
        return axis;
    }
    double span = max - min;
    if (span <= 0.0) {
        // One value (or all equal): centre it in a range that still shows ticks.
        span = time ? double(kMinute) : (min != 0.0 ? std::abs(min) * 0.2 : 1.0);
        axis.lo = min - span / 2;
        axis.hi = max + span / 2;
        return axis;
    }
    axis.lo = min - pad * span;
    axis.hi = max + pad * span;
    return axis;
}

namespace {

// Metrics, then params (text ones only when asked for), then attributes; keys sorted.
QList<ScatterField> listFields(const RunList& list, bool withTextParams)
{
    std::map<std::string, bool> params; // key -> every value is a number
    std::set<std::string> metrics;
    bool anyStart = false;
    bool anyDuration = false;
    for (const Run& run : list.runs) {
        anyStart = anyStart || run.info.startTime.has_value();
        anyDuration = anyDuration || (run.info.startTime && run.info.endTime);
        for (const KeyValue& p : run.params) {
            auto [it, inserted] = params.try_emplace(p.key, true);
            double ignored = 0;
            if (it->second && !parseNumber(p.value, ignored))
                it->second = false;
        }
        for (const Metric& m : run.metrics)
            metrics.insert(metrics.end(), m.key);
    }
    QList<ScatterField> fields;
    for (const std::string& key : metrics)
        fields.push_back({ScatterFieldKind::Metric, toQString(key)});
    for (const auto& [key, numeric] : params) {
        if (numeric || withTextParams)
            fields.push_back({ScatterFieldKind::Param, toQString(key)});
    }
    if (anyStart)
        fields.push_back({ScatterFieldKind::Attribute, ScatterField::kStartTime});
    if (anyDuration)
        fields.push_back({ScatterFieldKind::Attribute, ScatterField::kDuration});
    return fields;
}

} // namespace

QList<ScatterField> ScatterData::numericFields(const RunList& list)
{
    return listFields(list, false);
}

QList<ScatterField> ScatterData::colourFields(const RunList& list)
{
    return listFields(list, true);
}

bool ScatterData::isCategorical(const RunList& list, const ScatterField& field)
{
    if (field.kind != ScatterFieldKind::Param)
        return false;
    const std::string key = field.key.toStdString();
    for (const Run& run : list.runs) {
        double ignored = 0;
        if (const std::string* value = run.param(key); value && !parseNumber(*value, ignored))
            return true;
    }
    return false;
}

bool ScatterData::valueOf(const Run& run, const ScatterField& field, double& value, bool* notNumber)
{
    return valueOfResolved(run, resolve(field), value, notNumber);
}

ScatterData ScatterData::build(const RunListSnapshot& runs, const ScatterField& x, const ScatterField& y,
    const ScatterField& colour, bool logX, bool logY)
{
    ScatterData data;
    data.m_runs = runs;
    data.m_x = x;
    data.m_y = y;
    data.m_colour = colour;
    data.m_logX = logX && !x.isTime();
    data.m_logY = logY && !y.isTime();
    if (!runs)
        return data;
    data.m_runCount = static_cast<int>(runs->runs.size());
    if (!x.isValid() || !y.isValid()) {
        data.m_leftOut = data.m_runCount;
        return data;
    }
    const ResolvedField rx = resolve(x);
    const ResolvedField ry = resolve(y);
    const ResolvedField rc = resolve(colour);
    // A param with any text value colours by category (one colour per distinct value).
    const bool categorical = colour.isValid() && isCategorical(*runs, colour);
    data.m_colourCategorical = categorical;
    std::map<QString, int> categories;
    std::vector<QString> categoryOf; // per plotted point, when categorical
    data.m_points.reserve(runs->runs.size());
    double xMin = std::numeric_limits<double>::infinity(), xMax = -xMin;
    double yMin = xMin, yMax = -xMin, cMin = xMin, cMax = -xMin;
    for (std::size_t i = 0; i < runs->runs.size(); ++i) {
        const Run& run = runs->runs[i];
        ScatterPoint p;
        const bool hasX = takeAxisValue(run, rx, data.m_logX, p.x, data.m_xOmissions);
        const bool hasY = takeAxisValue(run, ry, data.m_logY, p.y, data.m_yOmissions);
        if (!hasX || !hasY) {
            ++data.m_leftOut;
            continue;
        }
        p.runIndex = static_cast<int>(i);
        p.runId = toQString(run.info.runId);
        p.runName = toQString(run.info.runName);
        p.runColour = runColor(run.info.runId);
        if (categorical) {
            if (const std::string* text = run.param(rc.key)) {
                const QString category = toQString(*text);
                auto [it, inserted] = categories.try_emplace(category, 0);
                if (inserted)
                    data.m_categories << category;
                p.colour = 0.0; // the category's index, set once all are known
                categoryOf.push_back(category);
            } else {
                ++data.m_colourMissing;
                categoryOf.push_back(QString());
            }
        } else if (colour.isValid()) {
            double c = 0.0;
            if (valueOfResolved(run, rc, c, nullptr) && std::isfinite(c)) {
                p.colour = c;
                cMin = std::min(cMin, c);
                cMax = std::max(cMax, c);
            } else {
                ++data.m_colourMissing;
            }
        }
        xMin = std::min(xMin, p.x);
        xMax = std::max(xMax, p.x);
        yMin = std::min(yMin, p.y);
        yMax = std::max(yMax, p.y);
        data.m_points.push_back(std::move(p));
    }
    data.m_xMin = xMin;
    data.m_xMax = xMax;
    data.m_yMin = yMin;
    data.m_yMax = yMax;
    if (categorical) {
        // Categories in natural order ("2" before "10"), numbered in that order.
        std::sort(data.m_categories.begin(), data.m_categories.end(), [](const QString& a, const QString& b) {
            double x = 0, y = 0;
            const bool na = parseNumber(a.toStdString(), x);
            const bool nb = parseNumber(b.toStdString(), y);
            if (na != nb)
                return na;
            return na ? x < y : a < b;
        });
        for (int i = 0; i < data.m_categories.size(); ++i)
            categories[data.m_categories.at(i)] = i;
        for (std::size_t i = 0; i < data.m_points.size(); ++i) {
            if (!categoryOf[i].isNull())
                data.m_points[i].colour = categories[categoryOf[i]];
        }
        if (!data.m_categories.isEmpty()) {
            data.m_colourMin = 0;
            data.m_colourMax = double(data.m_categories.size() - 1);
        }
    } else if (cMin <= cMax) {
        data.m_colourMin = cMin;
        data.m_colourMax = cMax;
    }
    return data;
}

ScatterAxis ScatterData::xAxis() const
{
    return ScatterAxis::around(m_xMin, m_xMax, m_logX, m_x.isTime());
}

ScatterAxis ScatterData::yAxis() const
{
    return ScatterAxis::around(m_yMin, m_yMax, m_logY, m_y.isTime());
}

QString ScatterData::leftOutSummary() const
{
    QStringList parts;
    describe(m_xOmissions, m_x.label(), parts);
    if (!(m_y == m_x && m_logY == m_logX))
        describe(m_yOmissions, m_y.label(), parts);
    if (m_colourMissing)
        parts << runs(m_colourMissing, QStringLiteral("1 plotted run lacks %1 (grey)"),
            QStringLiteral("%1 plotted runs lack %2 (grey)"), m_colour.label());
    return parts.join(QStringLiteral("; "));
}

bool ScatterData::writeCsv(QIODevice& out, QString* error) const
{
    const auto number = [](double v) { return toQString(formatDouble(v)); };
    TableText table;
    table.header << QStringLiteral("run_id") << QStringLiteral("run_name") << QStringLiteral("x:") + m_x.toString()
                 << QStringLiteral("y:") + m_y.toString()
                 << (m_colour.isValid() ? QStringLiteral("colour:") + m_colour.toString()
                                        : QStringLiteral("colour:run"));
    table.rows.reserve(qsizetype(m_points.size()));
    for (const ScatterPoint& p : m_points) {
        QString colour;
        if (!m_colour.isValid())
            colour = p.runColour.name();
        else if (!std::isnan(p.colour))
            colour = colourText(p.colour, true);
        table.rows << QStringList {p.runId, p.runName, number(p.x), number(p.y), colour};
    }
    const QByteArray bytes = toCsv(table).toUtf8();
    if (out.write(bytes) != bytes.size()) {
        if (error)
            *error = out.errorString();
        return false;
    }
    return true;
}

QString ScatterData::colourText(double value, bool exact) const
{
    if (std::isnan(value))
        return {};
    if (m_colourCategorical)
        return m_categories.value(qsizetype(value));
    return exact ? toQString(formatDouble(value)) : formatValue(m_colour, value);
}

QString ScatterData::formatValue(const ScatterField& field, double value)
{
    if (std::isnan(value))
        return QStringLiteral("\u2013");
    if (field.isTime())
        return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(value)))
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    return QString::number(value, 'g', 7);
}

} // namespace runlens
