// SPDX-License-Identifier: Apache-2.0
#include "columnspans.h"

#include <algorithm>
#include <cmath>

namespace runlens {

void fillColumns(QImage& image, int width, const std::function<bool(int, float&, float&)>& span, QColor colour)
{
    const int height = image.height();
    const QRgb premultiplied = qPremultiply(colour.rgba());
    const uint alpha = uint(qAlpha(premultiplied));
    uchar* bits = image.bits();
    const qsizetype stride = image.bytesPerLine();
    for (int c = 0; c < width && c < image.width(); ++c) {
        float lo, hi;
        if (!span(c, lo, hi) || hi < 0 || lo >= float(height))
            continue;
        const int r0 = std::clamp(int(std::floor(lo)), 0, height - 1);
        const int r1 = std::clamp(int(std::floor(hi)), 0, height - 1);
        for (int r = r0; r <= r1; ++r) {
            auto* pixel = reinterpret_cast<QRgb*>(bits + r * stride) + c;
            if (alpha == 255) {
                *pixel = premultiplied;
            } else {
                const QRgb d = *pixel;
                const uint inverse = 255 - alpha;
                *pixel = qRgba(qRed(premultiplied) + (qRed(d) * inverse + 127) / 255,
                    qGreen(premultiplied) + (qGreen(d) * inverse + 127) / 255,
                    qBlue(premultiplied) + (qBlue(d) * inverse + 127) / 255,
                    qAlpha(premultiplied) + (qAlpha(d) * inverse + 127) / 255);
            }
        }
    }
}

} // namespace runlens
