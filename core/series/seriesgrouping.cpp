// SPDX-License-Identifier: Apache-2.0
#include "series/seriesgrouping.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace runlens {

namespace {

// A member reduced to its finite points, one per x (the last logged one wins).
struct Compact
{
    std::vector<double> x;
    std::vector<double> y;
};

Compact compact(const MetricSeries& s)
{
    Compact c;
    c.x.reserve(s.size());
    c.y.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!std::isfinite(s.y(i)))
            continue;
        if (!c.x.empty() && c.x.back() == s.x(i)) {
            c.y.back() = s.y(i);
        } else {
            c.x.push_back(s.x(i));
            c.y.push_back(s.y(i));
        }
    }
    return c;
}

} // namespace

SeriesBand aggregateSeries(const std::vector<const MetricSeries*>& members, BandKind kind)
{
    std::vector<Compact> parts;
    parts.reserve(members.size());
    for (const MetricSeries* m : members) {
        if (m)
            parts.push_back(compact(*m));
    }

    // Union of the x values, sorted and without repeats.
    std::vector<double> xs;
    for (const auto& p : parts) {
        std::vector<double> merged;
        merged.reserve(xs.size() + p.x.size());
        std::set_union(xs.begin(), xs.end(), p.x.begin(), p.x.end(), std::back_inserter(merged));
        xs = std::move(merged);
    }

    auto sharedX = std::make_shared<std::vector<double>>();
    std::vector<double> mean;
    std::vector<double> lower;
    std::vector<double> upper;
    std::vector<std::uint32_t> counts;
    sharedX->reserve(xs.size());
    mean.reserve(xs.size());
    lower.reserve(xs.size());
    upper.reserve(xs.size());
    counts.reserve(xs.size());

    std::vector<std::size_t> cursor(parts.size(), 0); // first index with x >= the current x
    std::vector<double> values;
    values.reserve(parts.size());
    for (const double x : xs) {
        values.clear();
        double sum = 0.0;
        double lo = std::numeric_limits<double>::infinity();
        double hi = -std::numeric_limits<double>::infinity();
        std::uint32_t n = 0;
        for (std::size_t m = 0; m < parts.size(); ++m) {
            const auto& p = parts[m];
            auto& c = cursor[m];
            while (c < p.x.size() && p.x[c] < x)
                ++c;
            if (c == p.x.size() || (c == 0 && p.x[0] != x))
                continue; // outside this member's range
            double v;
            if (p.x[c] == x) {
                v = p.y[c];
            } else {
                const double t = (x - p.x[c - 1]) / (p.x[c] - p.x[c - 1]);
                v = p.y[c - 1] + (p.y[c] - p.y[c - 1]) * t;
            }
            values.push_back(v);
            sum += v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            ++n;
        }
        if (n == 0)
            continue;
        const double mu = sum / n;
        sharedX->push_back(x);
        mean.push_back(mu);
        counts.push_back(n);
        if (kind == BandKind::MinMax) {
            lower.push_back(lo);
            upper.push_back(hi);
        } else {
            // Two passes: sum of squares minus the squared mean cancels badly for large, close values.
            double squares = 0.0;
            for (const double v : values)
                squares += (v - mu) * (v - mu);
            const double sigma = std::sqrt(squares / n);
            lower.push_back(mu - sigma);
            upper.push_back(mu + sigma);
        }
    }

    std::shared_ptr<const std::vector<double>> x = std::move(sharedX);
    SeriesBand band;
    band.mean = MetricSeries(x, std::move(mean));
    band.lower = MetricSeries(x, std::move(lower));
    band.upper = MetricSeries(x, std::move(upper));
    band.counts = std::move(counts);
    return band;
}

} // namespace runlens
