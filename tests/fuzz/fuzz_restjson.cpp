// SPDX-License-Identifier: Apache-2.0
// Replies of an MLflow tracking server: any JSON, read as every entity a reply may carry (runs,
// metric histories, experiments, artifacts, registered models and versions, logged models). Each
// reader is tried on the whole reply, on each field of it and on each element of a list field, as
// the REST store reads {"runs": [...]}, {"metrics": [...]}, {"registered_model": {...}} and so on.
// Errors must come back as values with a message, never as a crash or an exception.

#include "stores/rest/mlflowjson.h"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace {

using namespace runlens;
using nlohmann::json;

template<typename T>
void consume(const Result<T>& result)
{
    if (!result)
        (void)result.error().message.size();
}

void readAll(const json& value)
{
    consume(mlflowjson::int64FromJson(value));
    consume(mlflowjson::doubleFromJson(value));
    consume(mlflowjson::experimentFromJson(value));
    consume(mlflowjson::runInfoFromJson(value));
    consume(mlflowjson::runFromJson(value));
    consume(mlflowjson::metricFromJson(value));
    consume(mlflowjson::historyPointFromJson(value));
    consume(mlflowjson::fileInfoFromJson(value));
    consume(mlflowjson::modelVersionFromJson(value));
    consume(mlflowjson::registeredModelFromJson(value));
    consume(mlflowjson::loggedModelFromJson(value));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const json reply = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (reply.is_discarded())
        return 0;
    readAll(reply);
    if (!reply.is_object())
        return 0;
    for (const auto& field : reply.items()) {
        readAll(field.value());
        if (field.value().is_array())
            for (const json& element : field.value())
                readAll(element);
    }
    return 0;
}
