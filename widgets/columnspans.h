// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QColor>
#include <QImage>
#include <QPointF>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

namespace runlens {

// The vertical extent of a polyline in each pixel column of an image. Points come sorted by x, so the
// line's slice through one column is a single interval; filling it is exactly what drawing the line
// without antialiasing covers (which is why M4 decimation is pixel-exact), at a fraction of the cost
// of stroking thousands of segments.
class ColumnSpans
{
public:
    void reset(int width)
    {
        m_lo.assign(std::size_t(std::max(0, width)), std::numeric_limits<float>::infinity());
        m_hi.assign(std::size_t(std::max(0, width)), -std::numeric_limits<float>::infinity());
    }
    int width() const { return int(m_lo.size()); }
    bool has(int c) const { return m_lo[std::size_t(c)] <= m_hi[std::size_t(c)]; }
    float lo(int c) const { return m_lo[std::size_t(c)]; }
    float hi(int c) const { return m_hi[std::size_t(c)]; }

    void addPolyline(const std::vector<QPointF>& points)
    {
        if (points.size() == 1)
            extend(int(std::floor(points[0].x())), points[0].y(), points[0].y());
        for (std::size_t i = 1; i < points.size(); ++i)
            addSegment(points[i - 1], points[i]);
    }

    // Widens every span by one column to the right and half a pixel up and down: a 2-pixel line.
    void thicken()
    {
        for (int c = width() - 1; c >= 0; --c) {
            float lo = m_lo[std::size_t(c)];
            float hi = m_hi[std::size_t(c)];
            if (c > 0) {
                lo = std::min(lo, m_lo[std::size_t(c - 1)]);
                hi = std::max(hi, m_hi[std::size_t(c - 1)]);
            }
            if (lo <= hi) {
                m_lo[std::size_t(c)] = lo - 0.5f;
                m_hi[std::size_t(c)] = hi + 0.5f;
            }
        }
    }

private:
    void extend(int c, double a, double b)
    {
        if (c < 0 || c >= width())
            return;
        auto& lo = m_lo[std::size_t(c)];
        auto& hi = m_hi[std::size_t(c)];
        lo = std::min(lo, float(std::min(a, b)));
        hi = std::max(hi, float(std::max(a, b)));
    }

    void addSegment(QPointF p0, QPointF p1)
    {
        if (p1.x() < p0.x())
            std::swap(p0, p1);
        if (p1.x() < 0 || p0.x() >= width())
            return;
        const int c0 = std::max(0, int(std::floor(p0.x())));
        const int c1 = std::min(width() - 1, int(std::floor(p1.x())));
        const double dx = p1.x() - p0.x();
        if (dx <= 0) {
            extend(c0, p0.y(), p1.y());
            return;
        }
        const double slope = (p1.y() - p0.y()) / dx;
        for (int c = c0; c <= c1; ++c) {
            const double xa = std::max(p0.x(), double(c));
            const double xb = std::min(p1.x(), double(c + 1));
            extend(c, p0.y() + slope * (xa - p0.x()), p0.y() + slope * (xb - p0.x()));
        }
    }

    std::vector<float> m_lo;
    std::vector<float> m_hi;
};

/** Fills pixel rows [lo, hi] of every column (clipped to the image), blending a colour in. */
void fillColumns(QImage& image, int width, const std::function<bool(int, float&, float&)>& span, QColor colour);

} // namespace runlens
