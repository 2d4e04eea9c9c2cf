// SPDX-License-Identifier: Apache-2.0
// Metric, param and tag files of the file store: the metric-line scanner on any text (whole, line by
// line and from a descriptor in chunks), then the same text as one metric, param or tag file of a run
// or logged model of a real file store (the first byte picks which) read as the app reads that item,
// histories included.

#include "mlrunsfixture.h"
#include "stores/mlruns/metricfile.h"

#include <sys/mman.h>
#include <unistd.h>

namespace {

using namespace runlens;

void scanFromDescriptor(std::string_view text)
{
    const int fd = memfd_create("metric", 0);
    if (fd < 0)
        std::abort();
    if (!text.empty() && write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        std::abort();
    lseek(fd, 0, SEEK_SET);
    localfs::ReadBuffer buffer;
    std::vector<MetricPoint> history;
    std::vector<PointSource> sources;
    (void)readMetricFile(fd, buffer, &history, &sources);
    lseek(fd, 0, SEEK_SET);
    (void)readMetricFile(fd, buffer);
    close(fd);
}

bool isKeyFile(const std::filesystem::path& path)
{
    for (const auto& part : path)
        if (part == "metrics" || part == "params" || part == "tags")
            return path.filename() != "meta.yaml";
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const fuzz::MlrunsFixture fixture(isKeyFile);
    if (size == 0)
        return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::vector<MetricPoint> history;
    std::vector<PointSource> sources;
    MetricScanner whole(&history, &sources);
    whole.addText(text);
    (void)whole.finish();

    MetricScanner byLine;
    std::string_view rest = text;
    while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        if (end == std::string_view::npos) {
            byLine.addLine(rest, /*lastLineWithoutNewline=*/true);
            break;
        }
        byLine.addLine(rest.substr(0, end));
        rest.remove_prefix(end + 1);
    }
    (void)byLine.finish();
    std::int64_t integer = 0;
    double number = 0;
    (void)parseMetricInt(text, integer);
    (void)parseMetricDouble(text, number);
    scanFromDescriptor(text);

    fixture.withFile(data[0], text, [&](const std::filesystem::path& file) { fuzz::readItemOf(fixture.root(), file); });
    return 0;
}
