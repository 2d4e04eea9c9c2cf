// SPDX-License-Identifier: Apache-2.0
#include "parallelcoordinatesmodel.h"

#include "runcolors.h"
#include "runtablemodel.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace runlens {

namespace {

QString toQString(const std::string& text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

const std::string* paramOf(const Run& run, const std::string& key)
{
    return run.param(key);
}

// Natural order for categories: digit runs by value ("trial-2" before "trial-10"), the rest
// case-insensitively, with the exact text as a tie-break so the order is total.
bool naturalLess(const QString& a, const QString& b)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        const bool digitA = a[i].isDigit();
        const bool digitB = b[j].isDigit();
        qsizetype endA = i;
        while (endA < a.size() && a[endA].isDigit() == digitA)
            ++endA;
        qsizetype endB = j;
        while (endB < b.size() && b[endB].isDigit() == digitB)
            ++endB;
        QStringView chunkA = QStringView(a).mid(i, endA - i);
        QStringView chunkB = QStringView(b).mid(j, endB - j);
        int c = 0;
        if (digitA && digitB) {
            while (chunkA.size() > 1 && chunkA.front() == u'0')
                chunkA = chunkA.mid(1);
            while (chunkB.size() > 1 && chunkB.front() == u'0')
                chunkB = chunkB.mid(1);
            c = chunkA.size() != chunkB.size() ? (chunkA.size() < chunkB.size() ? -1 : 1) : chunkA.compare(chunkB);
        } else {
            c = chunkA.compare(chunkB, Qt::CaseInsensitive);
        }
        if (c != 0)
            return c < 0;
        i = endA;
        j = endB;
    }
    if ((a.size() - i) != (b.size() - j))
        return (a.size() - i) < (b.size() - j);
    return a < b;
}

// A step of 1, 2 or 5 times a power of ten giving about `count` intervals over `span`.
double niceStep(double span, int count)
{
    const double raw = span / count;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double normalized = raw / magnitude;
    const double nice = normalized < 1.5 ? 1.0 : normalized < 3.5 ? 2.0 : normalized < 7.5 ? 5.0 : 10.0;
    return nice * magnitude;
}

QString formatTick(double value)
{
    if (std::abs(value) < 1e-12)
        value = 0.0; // no "-1.2e-17" from accumulated steps
    return QString::number(value, 'g', 6);
}

} // namespace

ParallelCoordinatesModel::ParallelCoordinatesModel(QObject* parent)
    : QObject(parent)
    , m_pool(QThreadPool::globalInstance())
{
    connect(&m_watcher, &QFutureWatcher<BuildResult>::finished, this, &ParallelCoordinatesModel::buildFinished);
}

// A build still running holds only its own input: it stops early on the pool, its result unread.
ParallelCoordinatesModel::~ParallelCoordinatesModel()
{
    supersedeBuild();
}

void ParallelCoordinatesModel::supersedeBuild()
{
    ++m_generation; // a result of the running build is now stale
    if (m_cancelRunning)
        m_cancelRunning->store(true, std::memory_order_relaxed);
}

void ParallelCoordinatesModel::setThreadPool(QThreadPool* pool)
{
    m_pool = pool;
}

void ParallelCoordinatesModel::setRuns(RunListSnapshot runs, AxisChoice axes)
{
    supersedeBuild();
    m_pending = Request {std::move(runs), axes};
    if (!m_building)
        startBuild();
}

void ParallelCoordinatesModel::showDefaultAxes()
{
    if (m_pending)
        m_pending->axes = AxisChoice::Default;
    else
        setRuns(m_building ? m_running.runs : m_runs, AxisChoice::Default);
}

void ParallelCoordinatesModel::setRunsNow(RunListSnapshot runs, AxisChoice axes)
{
    supersedeBuild();
    m_pending.reset();
    BuildInput input = buildInput(std::move(runs), axes);
    input.generation = m_generation;
    apply(build(input));
    Q_EMIT runsApplied();
}

void ParallelCoordinatesModel::startBuild()
{
    m_running = std::move(*m_pending);
    m_pending.reset();
    // The input is taken now, not at setRuns(): it carries the axes and scales chosen meanwhile.
    BuildInput input = buildInput(m_running.runs, m_running.axes);
    input.generation = m_generation;
    m_cancelRunning = std::make_shared<std::atomic<bool>>(false);
    input.cancelled = m_cancelRunning;
    m_building = true;
    QThreadPool* pool = m_pool ? m_pool.data() : QThreadPool::globalInstance();
    m_watcher.setFuture(QtConcurrent::run(pool, [input = std::move(input)] { return build(input); }));
}

void ParallelCoordinatesModel::buildFinished()
{
    m_building = false;
    BuildResult result = m_watcher.future().takeResult();
    if (result.generation == m_generation && !m_pending) {
        apply(std::move(result));
        Q_EMIT runsApplied();
    }
    // A newer request came while this one ran: build it now (a handler above may have already).
    if (m_pending && !m_building)
        startBuild();
}

ParallelCoordinatesModel::BuildInput ParallelCoordinatesModel::buildInput(RunListSnapshot runs, AxisChoice axes) const
{
    BuildInput input;
    input.runs = std::move(runs);
    input.axisChoice = axes;
    for (const Axis& axis : m_axes) {
        input.axes << axis.spec;
        input.scales.push_back(axis.scale);
    }
    input.colorMetric = m_colorMetric;
    input.generation = m_generation;
    return input;
}

ParallelCoordinatesModel::BuildResult ParallelCoordinatesModel::build(const BuildInput& input)
{
    BuildResult result;
    result.runs = input.runs;
    result.axisChoice = input.axisChoice;
    result.generation = input.generation;
    result.colorMetric = input.colorMetric;
    const RunList* runs = input.runs.get();
    if (runs) {
        result.availableAxes = availableAxes(*runs);
        result.runColors.reserve(runs->runs.size());
        for (const Run& run : runs->runs)
            result.runColors.push_back(runColor(run.info.runId).rgb());
    }
    // A stale build's result is dropped anyway: stop between axes once told so.
    auto stale = [&input] { return input.cancelled && input.cancelled->load(std::memory_order_relaxed); };
    auto add = [&](Axis axis) {
        const qsizetype known = input.axes.indexOf(axis.spec);
        axis.scale = axis.categorical || known < 0 ? ParallelAxisScale::Linear
                                                   : input.scales.at(static_cast<std::size_t>(known));
        placeValues(axis);
        result.axes.push_back(std::move(axis));
    };
    if (input.axisChoice == AxisChoice::Default) {
        // defaultAxes(), reading each param's values once: the built axis knows whether it has
        // too many categories, so tooManyCategories() need not parse them again.
        if (runs) {
            for (const ParallelAxisSpec& spec : result.availableAxes) {
                if (stale())
                    return result;
                if (!varies(*runs, spec))
                    continue;
                Axis axis = buildAxis(runs, spec);
                if (axis.categorical && axis.categories.size() > kMaxDefaultCategories)
                    continue;
                add(std::move(axis));
            }
        }
    } else {
        for (const ParallelAxisSpec& spec : input.axes) {
            if (stale())
                return result;
            add(buildAxis(runs, spec));
        }
    }
    Colors colors = computeColors(runs, input.colorMetric);
    result.colorValues = std::move(colors.values);
    result.colorMin = colors.min;
    result.colorMax = colors.max;
    return result;
}

void ParallelCoordinatesModel::apply(BuildResult result)
{
    std::vector<Axis> old = std::move(m_axes);
    m_axes.clear();
    m_runs = std::move(result.runs);
    m_runColors = std::move(result.runColors);
    m_availableAxes = std::move(result.availableAxes);
    auto shownBefore = [&old](const ParallelAxisSpec& spec) -> const Axis* {
        const auto it = std::find_if(old.begin(), old.end(), [&spec](const Axis& a) { return a.spec == spec; });
        return it != old.end() ? &*it : nullptr;
    };

    QList<ParallelAxisSpec> wanted;
    if (result.axisChoice == AxisChoice::Default) {
        for (const Axis& axis : result.axes)
            wanted << axis.spec;
        // Axes that were shown already keep the order the person dragged them into, in the slots
        // they take among the defaults; new axes take their default places.
        QList<qsizetype> places;
        for (qsizetype i = 0; i < wanted.size(); ++i) {
            if (shownBefore(wanted[i]))
                places << i;
        }
        const QList<ParallelAxisSpec> defaults = wanted;
        qsizetype next = 0;
        for (const Axis& axis : old) {
            if (defaults.contains(axis.spec))
                wanted[places[next++]] = axis.spec;
        }
    } else {
        for (const Axis& axis : old)
            wanted << axis.spec;
    }

    for (const ParallelAxisSpec& spec : wanted) {
        Axis axis;
        bool placed = false;
        const auto built
            = std::find_if(result.axes.begin(), result.axes.end(), [&spec](const Axis& a) { return a.spec == spec; });
        if (built != result.axes.end()) {
            axis = std::move(*built);
            built->spec = {}; // moved out; never matched again
            placed = true;
        } else {
            axis = buildAxis(m_runs.get(), spec); // not in the build (chosen while it ran): rare
        }
        if (const Axis* before = shownBefore(spec)) {
            axis.flipped = before->flipped;
            if (!axis.categorical && axis.scale != before->scale) {
                axis.scale = before->scale; // changed while the build ran
                placed = false;
            }
            // The brush is in value space, so it still means the same on the new runs; categories
            // may have moved, so a categorical brush would not.
            if (!axis.categorical && !before->categorical)
                axis.brush = before->brush;
        }
        if (!placed)
            placeValues(axis);
        m_axes.push_back(std::move(axis));
    }

    if (result.colorMetric == m_colorMetric) {
        m_colorValues = std::move(result.colorValues);
        m_colorMin = result.colorMin;
        m_colorMax = result.colorMax;
    } else {
        updateColors(); // the colour metric changed while the build ran
    }
    updatePasses();
    updateHighlighted();
}

void ParallelCoordinatesModel::setHighlightedRuns(const QSet<QString>& runIds)
{
    m_highlightedIds = runIds;
    updateHighlighted();
}

void ParallelCoordinatesModel::updateHighlighted()
{
    m_highlighted.clear();
    m_highlightedCount = 0;
    if (m_highlightedIds.isEmpty())
        return;
    m_highlighted.assign(static_cast<std::size_t>(runCount()), 0);
    for (int r = 0; r < runCount(); ++r) {
        const auto i = static_cast<std::size_t>(r);
        const std::string& id = m_runs->runs[i].info.runId;
        if (m_highlightedIds.contains(toQString(id))) {
            m_highlighted[i] = 1;
            ++m_highlightedCount;
            m_runColors[i] = runColor(id).rgb(); // selecting may have moved it (distinguishRunColors)
        }
    }
}

int ParallelCoordinatesModel::runCount() const
{
    return m_runs ? static_cast<int>(m_runs->runs.size()) : 0;
}

QString ParallelCoordinatesModel::runId(int run) const
{
    return toQString(m_runs->runs.at(static_cast<std::size_t>(run)).info.runId);
}

QString ParallelCoordinatesModel::runName(int run) const
{
    return toQString(m_runs->runs.at(static_cast<std::size_t>(run)).info.runName);
}

int ParallelCoordinatesModel::indexOfRun(const QString& runId) const
{
    if (!m_runs || runId.isEmpty())
        return -1;
    const std::string id = runId.toStdString();
    const auto& runs = m_runs->runs;
    const auto it = std::find_if(runs.begin(), runs.end(), [&id](const Run& run) { return run.info.runId == id; });
    return it != runs.end() ? static_cast<int>(it - runs.begin()) : -1;
}

void ParallelCoordinatesModel::setAxes(const QList<ParallelAxisSpec>& specs)
{
    std::vector<Axis> axes;
    axes.reserve(static_cast<std::size_t>(specs.size()));
    for (const ParallelAxisSpec& spec : specs) {
        const int existing = indexOf(spec);
        if (existing >= 0) {
            axes.push_back(std::move(m_axes[static_cast<std::size_t>(existing)]));
            m_axes[static_cast<std::size_t>(existing)].spec = {}; // moved out; never matched again
            continue;
        }
        Axis axis = buildAxis(m_runs.get(), spec);
        placeValues(axis);
        axes.push_back(std::move(axis));
    }
    m_axes = std::move(axes);
    updatePasses();
    // A build still running places the axes it was given: build the runs again with these.
    if (m_pending) {
        m_pending->axes = AxisChoice::Keep;
    } else if (m_building) {
        supersedeBuild();
        m_pending = Request {m_running.runs, AxisChoice::Keep};
    }
}

QList<ParallelAxisSpec> ParallelCoordinatesModel::axes() const
{
    QList<ParallelAxisSpec> specs;
    for (const Axis& axis : m_axes)
        specs << axis.spec;
    return specs;
}

int ParallelCoordinatesModel::indexOf(const ParallelAxisSpec& spec) const
{
    for (std::size_t i = 0; i < m_axes.size(); ++i) {
        if (m_axes[i].spec == spec && !spec.key.isEmpty())
            return static_cast<int>(i);
    }
    return -1;
}

QList<ParallelAxisSpec> ParallelCoordinatesModel::availableAxes(const RunList& runs)
{
    std::set<std::string> params;
    std::set<std::string> metrics;
    for (const Run& run : runs.runs) {
        for (const KeyValue& p : run.params)
            params.insert(p.key);
        for (const Metric& m : run.metrics)
            metrics.insert(m.key);
    }
    QList<ParallelAxisSpec> specs;
    for (const std::string& key : params)
        specs << ParallelAxisSpec {ParallelAxisSpec::Kind::Param, toQString(key)};
    for (const std::string& key : metrics)
        specs << ParallelAxisSpec {ParallelAxisSpec::Kind::Metric, toQString(key)};
    return specs;
}

QList<ParallelAxisSpec> ParallelCoordinatesModel::defaultAxes(const RunList& runs)
{
    QList<ParallelAxisSpec> specs;
    for (const ParallelAxisSpec& spec : availableAxes(runs)) {
        if (varies(runs, spec) && !tooManyCategories(runs, spec))
            specs << spec;
    }
    return specs;
}

bool ParallelCoordinatesModel::tooManyCategories(const RunList& runs, const ParallelAxisSpec& spec)
{
    if (spec.kind != ParallelAxisSpec::Kind::Param)
        return false;
    const std::string key = spec.key.toStdString();
    std::set<std::string> distinct;
    bool numeric = true;
    for (const Run& run : runs.runs) {
        if (const std::string* p = run.param(key)) {
            if (numeric) {
                bool ok = false;
                toQString(*p).trimmed().toDouble(&ok);
                numeric = ok && !p->empty();
            }
            distinct.insert(*p);
        }
    }
    return !numeric && distinct.size() > static_cast<std::size_t>(kMaxDefaultCategories);
}

bool ParallelCoordinatesModel::varies(const RunList& runs, const ParallelAxisSpec& spec)
{
    // Two different values among the runs that have one: an axis where every run sits on one value
    // or in the missing lane shows nothing a line could cross, so it is not proposed.
    const std::string key = spec.key.toStdString();
    if (spec.kind == ParallelAxisSpec::Kind::Param) {
        const std::string* first = nullptr;
        for (const Run& run : runs.runs) {
            const std::string* value = paramOf(run, key);
            if (!value)
                continue;
            if (!first)
                first = value;
            else if (*value != *first)
                return true;
        }
        return false;
    }
    std::optional<double> first;
    for (const Run& run : runs.runs) {
        const Metric* metric = run.metric(key);
        // NaN and infinities are drawn in the lane below the axis, so they are no position here either.
        if (!metric || !std::isfinite(metric->point.value))
            continue;
        if (!first)
            first = metric->point.value;
        else if (metric->point.value != *first)
            return true;
    }
    return false;
}

ParallelCoordinatesModel::Axis ParallelCoordinatesModel::buildAxis(const RunList* runList, const ParallelAxisSpec& spec)
{
    Axis axis;
    axis.spec = spec;
    const int count = runList ? static_cast<int>(runList->runs.size()) : 0;
    axis.values.assign(static_cast<std::size_t>(count), std::numeric_limits<double>::quiet_NaN());
    if (count == 0)
        return axis;
    const std::string key = spec.key.toStdString();
    const auto& runs = runList->runs;
    if (spec.kind == ParallelAxisSpec::Kind::Metric) {
        for (int i = 0; i < count; ++i) {
            if (const Metric* m = runs[static_cast<std::size_t>(i)].metric(key))
                axis.values[static_cast<std::size_t>(i)] = m->point.value;
            else
                ++axis.absentCount;
        }
        return axis;
    }
    for (const Run& run : runs)
        axis.absentCount += paramOf(run, key) == nullptr;
    // A param axis is numeric when every value it has reads as a number ("nan" included).
    bool numeric = true;
    for (int i = 0; i < count && numeric; ++i) {
        if (const std::string* p = paramOf(runs[static_cast<std::size_t>(i)], key)) {
            bool ok = false;
            const double value = toQString(*p).trimmed().toDouble(&ok);
            numeric = ok && !p->empty();
            if (numeric)
                axis.values[static_cast<std::size_t>(i)] = value;
        }
    }
    if (numeric)
        return axis;
    axis.categorical = true;
    std::vector<QString> texts(static_cast<std::size_t>(count));
    std::vector<char> present(static_cast<std::size_t>(count), 0);
    QSet<QString> distinct;
    for (int i = 0; i < count; ++i) {
        if (const std::string* p = paramOf(runs[static_cast<std::size_t>(i)], key)) {
            texts[static_cast<std::size_t>(i)] = toQString(*p);
            present[static_cast<std::size_t>(i)] = 1;
            distinct.insert(texts[static_cast<std::size_t>(i)]);
        }
    }
    axis.categories = QStringList(distinct.begin(), distinct.end());
    std::sort(axis.categories.begin(), axis.categories.end(), naturalLess);
    QHash<QString, int> index;
    for (int c = 0; c < axis.categories.size(); ++c)
        index.insert(axis.categories[c], c);
    for (int i = 0; i < count; ++i) {
        axis.values[static_cast<std::size_t>(i)] = present[static_cast<std::size_t>(i)]
            ? index.value(texts[static_cast<std::size_t>(i)])
            : std::numeric_limits<double>::quiet_NaN();
    }
    return axis;
}

void ParallelCoordinatesModel::placeValues(Axis& axis)
{
    const std::size_t count = axis.values.size();
    axis.positions.assign(count, kMissingLane);
    axis.placedSorted.clear();
    axis.missingCount = 0;
    axis.nanCount = axis.plusInfinityCount = axis.minusInfinityCount = axis.nonPositiveCount = 0;
    if (axis.categorical) {
        const double n = static_cast<double>(axis.categories.size());
        for (std::size_t i = 0; i < count; ++i) {
            const double v = axis.values[i];
            if (std::isnan(v))
                ++axis.missingCount;
            else
                axis.positions[i] = static_cast<float>((v + 0.5) / n);
        }
        return;
    }
    const bool log = axis.scale == ParallelAxisScale::Log;
    auto placed = [log](double v) { return std::isfinite(v) && (!log || v > 0.0); };
    for (std::size_t i = 0; i < count; ++i) {
        const double v = axis.values[i];
        if (placed(v)) {
            axis.placedSorted.push_back(v);
            continue;
        }
        ++axis.missingCount;
        if (std::isinf(v))
            ++(v > 0 ? axis.plusInfinityCount : axis.minusInfinityCount);
        else if (!std::isnan(v))
            ++axis.nonPositiveCount;
    }
    // Absent values are NaN in `values` too; the rest of the NaNs were logged as NaN.
    axis.nanCount = axis.missingCount - axis.absentCount - axis.plusInfinityCount - axis.minusInfinityCount
        - axis.nonPositiveCount;
    std::sort(axis.placedSorted.begin(), axis.placedSorted.end());
    if (axis.placedSorted.empty()) {
        axis.min = axis.max = 0.0;
        return;
    }
    axis.min = axis.placedSorted.front();
    axis.max = axis.placedSorted.back();
    const double lowEnd = log ? std::log10(axis.min) : axis.min;
    const double highEnd = log ? std::log10(axis.max) : axis.max;
    const double span = highEnd - lowEnd;
    const auto& sorted = axis.placedSorted;
    const double last = static_cast<double>(sorted.size() - 1);
    for (std::size_t i = 0; i < count; ++i) {
        const double v = axis.values[i];
        if (!placed(v))
            continue;
        double t = 0.5;
        if (axis.scale == ParallelAxisScale::Quantile) {
            // The mean rank of the value among the placed values, so equal values share a position.
            if (last > 0) {
                const auto lower = std::lower_bound(sorted.begin(), sorted.end(), v);
                const auto upper = std::upper_bound(lower, sorted.end(), v);
                const double first = static_cast<double>(lower - sorted.begin());
                const double lastRank = static_cast<double>(upper - sorted.begin()) - 1.0;
                t = (first + lastRank) / 2.0 / last;
            }
        } else if (span > 0) {
            t = ((log ? std::log10(v) : v) - lowEnd) / span;
        }
        axis.positions[i] = static_cast<float>(t);
    }
}

void ParallelCoordinatesModel::setScale(int index, ParallelAxisScale scale)
{
    Axis& axis = m_axes.at(static_cast<std::size_t>(index));
    if (axis.categorical || axis.scale == scale)
        return;
    axis.scale = scale;
    placeValues(axis);
    // Which runs sit in the lane depends on the scale (log leaves out values <= 0).
    updatePasses();
}

void ParallelCoordinatesModel::setFlipped(int index, bool flipped)
{
    m_axes.at(static_cast<std::size_t>(index)).flipped = flipped;
}

void ParallelCoordinatesModel::moveAxis(int from, int to)
{
    if (from == to || from < 0 || to < 0 || from >= axisCount() || to >= axisCount())
        return;
    Axis axis = std::move(m_axes[static_cast<std::size_t>(from)]);
    m_axes.erase(m_axes.begin() + from);
    m_axes.insert(m_axes.begin() + to, std::move(axis));
}

float ParallelCoordinatesModel::position(int index, int run) const
{
    const Axis& axis = m_axes[static_cast<std::size_t>(index)];
    const float p = axis.positions[static_cast<std::size_t>(run)];
    if (p < 0.0f)
        return kMissingLane;
    return axis.flipped ? 1.0f - p : p;
}

double ParallelCoordinatesModel::positionOf(int index, double value) const
{
    const Axis& axis = m_axes.at(static_cast<std::size_t>(index));
    double t = 0.5;
    if (axis.categorical) {
        t = (value + 0.5) / std::max<qsizetype>(1, axis.categories.size());
    } else if (axis.placedSorted.empty() || axis.min == axis.max) {
        t = 0.5;
    } else if (axis.scale == ParallelAxisScale::Quantile) {
        const auto& sorted = axis.placedSorted;
        const auto lower = std::lower_bound(sorted.begin(), sorted.end(), value);
        const auto upper = std::upper_bound(lower, sorted.end(), value);
        const double last = static_cast<double>(sorted.size() - 1);
        // Between two placed values the rank is fractional, so positions stay monotonic.
        double rank
            = (static_cast<double>(lower - sorted.begin()) + static_cast<double>(upper - sorted.begin()) - 1.0) / 2.0;
        if (lower == upper && lower != sorted.begin() && lower != sorted.end()) {
            const double below = *(lower - 1);
            const double above = *lower;
            rank = static_cast<double>(lower - sorted.begin()) - 1.0 + (value - below) / (above - below);
        }
        t = std::clamp(rank / last, 0.0, 1.0);
    } else if (axis.scale == ParallelAxisScale::Log) {
        t = (std::log10(std::max(value, axis.min)) - std::log10(axis.min))
            / (std::log10(axis.max) - std::log10(axis.min));
    } else {
        t = (value - axis.min) / (axis.max - axis.min);
    }
    return axis.flipped ? 1.0 - t : t;
}

std::optional<std::pair<double, double>> ParallelCoordinatesModel::brushExtent(int index) const
{
    const Axis& axis = m_axes.at(static_cast<std::size_t>(index));
    if (!axis.brush || !(axis.brush->low <= axis.brush->high))
        return std::nullopt;
    double a = 0;
    double b = 0;
    if (axis.categorical) {
        const double n = static_cast<double>(std::max<qsizetype>(1, axis.categories.size()));
        a = axis.brush->low / n;
        b = (axis.brush->high + 1.0) / n;
        if (axis.flipped) {
            a = 1.0 - a;
            b = 1.0 - b;
        }
    } else {
        a = positionOf(index, axis.brush->low);
        b = positionOf(index, axis.brush->high);
    }
    return std::make_pair(std::min(a, b), std::max(a, b));
}

double ParallelCoordinatesModel::valueAt(int index, double position) const
{
    const Axis& axis = m_axes.at(static_cast<std::size_t>(index));
    const double t = std::clamp(axis.flipped ? 1.0 - position : position, 0.0, 1.0);
    if (axis.categorical)
        return std::clamp(std::floor(t * axis.categories.size()), 0.0, axis.categories.size() - 1.0);
    if (axis.placedSorted.empty())
        return std::numeric_limits<double>::quiet_NaN();
    // The ends exactly, so a brush reaching an end keeps the extreme run despite rounding.
    if (t <= 0.0)
        return axis.min;
    if (t >= 1.0)
        return axis.max;
    switch (axis.scale) {
    case ParallelAxisScale::Linear:
        return axis.min + t * (axis.max - axis.min);
    case ParallelAxisScale::Log:
        return std::pow(10.0, std::log10(axis.min) + t * (std::log10(axis.max) - std::log10(axis.min)));
    case ParallelAxisScale::Quantile: {
        const double at = t * static_cast<double>(axis.placedSorted.size() - 1);
        const auto below = static_cast<std::size_t>(std::floor(at));
        const std::size_t above = std::min(below + 1, axis.placedSorted.size() - 1);
        const double f = at - static_cast<double>(below);
        return axis.placedSorted[below] * (1 - f) + axis.placedSorted[above] * f;
    }
    }
    return 0.0;
}

QList<ParallelCoordinatesModel::Tick> ParallelCoordinatesModel::ticks(int index) const
{
    const Axis& axis = m_axes.at(static_cast<std::size_t>(index));
    QList<Tick> ticks;
    auto add = [&](double t, const QString& label) { ticks << Tick {axis.flipped ? 1.0 - t : t, label}; };
    if (axis.categorical) {
        const double n = static_cast<double>(axis.categories.size());
        for (int c = 0; c < axis.categories.size(); ++c)
            add((c + 0.5) / n, axis.categories[c]);
        return ticks;
    }
    if (axis.placedSorted.empty())
        return ticks;
    if (axis.min == axis.max) {
        add(0.5, formatTick(axis.min));
        return ticks;
    }
    switch (axis.scale) {
    case ParallelAxisScale::Linear: {
        const double step = niceStep(axis.max - axis.min, 5);
        // Multiples of the step by an integer, so no error accumulates ("0.6000000000000001").
        const auto first = static_cast<long long>(std::ceil(axis.min / step - 1e-9));
        for (long long k = first; k * step <= axis.max + step * 1e-9; ++k)
            add((k * step - axis.min) / (axis.max - axis.min), formatTick(k * step));
        break;
    }
    case ParallelAxisScale::Log: {
        const double lo = std::log10(axis.min);
        const double hi = std::log10(axis.max);
        const int stride = std::max(1, static_cast<int>(std::ceil((hi - lo) / 8)));
        for (int e = static_cast<int>(std::ceil(lo - 1e-9)); e <= hi + 1e-9; e += stride)
            add((e - lo) / (hi - lo), formatTick(std::pow(10.0, e)));
        if (ticks.size() < 2) {
            ticks.clear();
            add(0.0, formatTick(axis.min));
            add(1.0, formatTick(axis.max));
        }
        break;
    }
    case ParallelAxisScale::Quantile:
        for (int q = 0; q <= 4; ++q) {
            const double t = q / 4.0;
            add(t, formatTick(valueAt(index, axis.flipped ? 1.0 - t : t)));
        }
        break;
    }
    return ticks;
}

QString ParallelCoordinatesModel::laneLabel(int index) const
{
    const Axis& axis = m_axes.at(static_cast<std::size_t>(index));
    if (axis.missingCount == 0)
        return {};
    if (axis.missingCount == axis.absentCount)
        return tr("missing (%1)").arg(axis.absentCount);
    QStringList parts;
    const auto add = [&parts](int n, const QString& what) {
        if (n > 0)
            parts << QStringLiteral("%1 %2").arg(what).arg(n);
    };
    add(axis.plusInfinityCount, QStringLiteral("+\u221e"));
    add(axis.minusInfinityCount, QStringLiteral("\u2212\u221e"));
    add(axis.nanCount, QStringLiteral("NaN"));
    add(axis.nonPositiveCount, tr("\u2264 0 on log"));
    add(axis.absentCount, tr("missing"));
    return parts.join(QStringLiteral(" \u00b7 "));
}

QString ParallelCoordinatesModel::displayValue(int index, int run) const
{
    const Axis& axis = m_axes.at(static_cast<std::size_t>(index));
    const Run& r = m_runs->runs.at(static_cast<std::size_t>(run));
    const std::string key = axis.spec.key.toStdString();
    if (axis.spec.kind == ParallelAxisSpec::Kind::Metric) {
        const Metric* m = r.metric(key);
        return m ? RunTableModel::formatMetric(m->point.value) : QStringLiteral("missing");
    }
    const std::string* p = r.param(key);
    return p ? toQString(*p) : QStringLiteral("missing");
}

void ParallelCoordinatesModel::brushPositions(int index, double from, double to, bool includeMissing)
{
    const Axis& axis = m_axes.at(static_cast<std::size_t>(index));
    double t0 = std::clamp(std::min(from, to), 0.0, 1.0);
    double t1 = std::clamp(std::max(from, to), 0.0, 1.0);
    if (axis.flipped) {
        const double a = 1.0 - t1;
        t1 = 1.0 - t0;
        t0 = a;
    }
    AxisBrush brush;
    brush.missing = includeMissing;
    brush.low = std::numeric_limits<double>::infinity(); // empty until a value falls inside
    brush.high = -std::numeric_limits<double>::infinity();
    const bool reachesValues = from >= 0.0 || to >= 0.0;
    if (reachesValues && axis.categorical && !axis.categories.isEmpty()) {
        const double n = static_cast<double>(axis.categories.size());
        brush.low = std::clamp(std::floor(t0 * n), 0.0, n - 1);
        brush.high = std::clamp(std::ceil(t1 * n) - 1.0, brush.low, n - 1);
    } else if (reachesValues && !axis.placedSorted.empty()) {
        if (axis.scale == ParallelAxisScale::Quantile || axis.min == axis.max) {
            // Keep exactly the values whose drawn position falls in the range.
            for (std::size_t i = 0; i < axis.values.size(); ++i) {
                const float p = axis.positions[i];
                if (p >= 0.0f && p >= t0 - 1e-6 && p <= t1 + 1e-6) {
                    brush.low = std::min(brush.low, axis.values[i]);
                    brush.high = std::max(brush.high, axis.values[i]);
                }
            }
        } else {
            brush.low = valueAt(index, axis.flipped ? 1.0 - t0 : t0);
            brush.high = valueAt(index, axis.flipped ? 1.0 - t1 : t1);
        }
    }
    setBrush(index, brush);
}

void ParallelCoordinatesModel::setBrush(int index, std::optional<AxisBrush> brush)
{
    m_axes.at(static_cast<std::size_t>(index)).brush = brush;
    updatePasses();
}

void ParallelCoordinatesModel::clearBrushes()
{
    for (Axis& axis : m_axes)
        axis.brush.reset();
    updatePasses();
}

bool ParallelCoordinatesModel::hasBrush() const
{
    return std::any_of(m_axes.begin(), m_axes.end(), [](const Axis& a) { return a.brush.has_value(); });
}

bool ParallelCoordinatesModel::brushKeeps(int index, int run) const
{
    const Axis& axis = m_axes[static_cast<std::size_t>(index)];
    if (!axis.brush)
        return true;
    if (axis.positions[static_cast<std::size_t>(run)] < 0.0f)
        return axis.brush->missing;
    const double v = axis.values[static_cast<std::size_t>(run)];
    return v >= axis.brush->low && v <= axis.brush->high;
}

void ParallelCoordinatesModel::updatePasses()
{
    if (!hasBrush()) {
        m_passes.clear();
        return;
    }
    const int count = runCount();
    m_passes.assign(static_cast<std::size_t>(count), 1);
    for (int a = 0; a < axisCount(); ++a) {
        if (!m_axes[static_cast<std::size_t>(a)].brush)
            continue;
        for (int r = 0; r < count; ++r) {
            if (m_passes[static_cast<std::size_t>(r)] && !brushKeeps(a, r))
                m_passes[static_cast<std::size_t>(r)] = 0;
        }
    }
}

std::optional<QSet<QString>> ParallelCoordinatesModel::brushedRunIds() const
{
    if (m_passes.empty())
        return std::nullopt;
    QSet<QString> ids;
    for (int r = 0; r < runCount(); ++r) {
        if (m_passes[static_cast<std::size_t>(r)])
            ids.insert(runId(r));
    }
    return ids;
}

int ParallelCoordinatesModel::passingCount() const
{
    if (m_passes.empty())
        return runCount();
    return static_cast<int>(std::count(m_passes.begin(), m_passes.end(), 1));
}

void ParallelCoordinatesModel::setColorMetric(const QString& key)
{
    m_colorMetric = key;
    updateColors();
}

float ParallelCoordinatesModel::colorValue(int run) const
{
    if (m_colorValues.empty())
        return -1.0f;
    return m_colorValues[static_cast<std::size_t>(run)];
}

void ParallelCoordinatesModel::updateColors()
{
    Colors colors = computeColors(m_runs.get(), m_colorMetric);
    m_colorValues = std::move(colors.values);
    m_colorMin = colors.min;
    m_colorMax = colors.max;
}

ParallelCoordinatesModel::Colors ParallelCoordinatesModel::computeColors(const RunList* runs, const QString& metric)
{
    Colors colors;
    if (metric.isEmpty() || !runs)
        return colors;
    const std::string key = metric.toStdString();
    std::vector<double> values(runs->runs.size(), std::numeric_limits<double>::quiet_NaN());
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (const Metric* m = runs->runs[i].metric(key); m && std::isfinite(m->point.value)) {
            values[i] = m->point.value;
            lo = std::min(lo, values[i]);
            hi = std::max(hi, values[i]);
        }
    }
    colors.values.assign(values.size(), -1.0f);
    if (lo > hi)
        return colors;
    colors.min = lo;
    colors.max = hi;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isnan(values[i]))
            colors.values[i] = hi > lo ? static_cast<float>((values[i] - lo) / (hi - lo)) : 0.5f;
    }
    return colors;
}

} // namespace runlens
