// SPDX-License-Identifier: Apache-2.0
// meta.yaml reading: the fast parser and yaml-cpp on any text, then the same text as one meta.yaml of
// a real file store (experiment, run, dataset input, run output, logged model, registered model or
// model version; the first byte picks which) read as the app reads that item.

#include "io/yamlmeta.h"
#include "mlrunsfixture.h"

namespace {

using namespace runlens;

void inspect(const Result<YamlMeta>& meta)
{
    if (!meta) {
        (void)meta.error().message.size();
        return;
    }
    for (const std::string& key : meta->keys()) {
        (void)meta->scalar(key);
        (void)meta->contains(key);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const fuzz::MlrunsFixture fixture(
        [](const std::filesystem::path& path) { return path.filename() == "meta.yaml"; });
    if (size == 0)
        return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    inspect(YamlMeta::parse(text));
    inspect(YamlMeta::parseWithYamlCpp(text));
    // A blank meta.yaml is retried after a pause, as MLflow does; that path is covered by the tests
    // and would only slow the fuzzer down.
    if (YamlMeta::isBlank(text))
        return 0;
    fixture.withFile(data[0], text, [&](const std::filesystem::path& file) { fuzz::readItemOf(fixture.root(), file); });
    return 0;
}
