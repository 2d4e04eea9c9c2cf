// SPDX-License-Identifier: Apache-2.0
#include "storeerror.h"

#include <array>
#include <utility>

namespace runlens {

namespace {
constexpr std::array<std::pair<ErrorCode, std::string_view>, 13> kNames {{
    {ErrorCode::InvalidParameterValue, "INVALID_PARAMETER_VALUE"},
    {ErrorCode::ResourceDoesNotExist, "RESOURCE_DOES_NOT_EXIST"},
    {ErrorCode::ResourceAlreadyExists, "RESOURCE_ALREADY_EXISTS"},
    {ErrorCode::PermissionDenied, "PERMISSION_DENIED"},
    {ErrorCode::Unauthenticated, "UNAUTHENTICATED"},
    {ErrorCode::BadRequest, "BAD_REQUEST"},
    {ErrorCode::InternalError, "INTERNAL_ERROR"},
    {ErrorCode::TemporarilyUnavailable, "TEMPORARILY_UNAVAILABLE"},
    {ErrorCode::RequestLimitExceeded, "REQUEST_LIMIT_EXCEEDED"},
    {ErrorCode::NotImplemented, "NOT_IMPLEMENTED"},
    {ErrorCode::IoError, "IO_ERROR"},
    {ErrorCode::NetworkError, "NETWORK_ERROR"},
    {ErrorCode::Cancelled, "CANCELLED"},
}};
} // namespace

std::string_view errorCodeName(ErrorCode code)
{
    for (const auto& [c, name] : kNames) {
        if (c == code)
            return name;
    }
    return "INTERNAL_ERROR";
}

ErrorCode errorCodeFromName(std::string_view name)
{
    for (const auto& [c, n] : kNames) {
        if (n == name)
            return c;
    }
    if (name == "NOT_FOUND" || name == "ENDPOINT_NOT_FOUND")
        return ErrorCode::ResourceDoesNotExist;
    if (name == "ALREADY_EXISTS")
        return ErrorCode::ResourceAlreadyExists;
    if (name == "CUSTOMER_UNAUTHORIZED")
        return ErrorCode::Unauthenticated;
    if (name == "RESOURCE_EXHAUSTED")
        return ErrorCode::RequestLimitExceeded;
    return ErrorCode::InternalError;
}

std::string StoreError::toString() const
{
    std::string out(errorCodeName(code));
    out += ": ";
    out += message;
    return out;
}

} // namespace runlens
