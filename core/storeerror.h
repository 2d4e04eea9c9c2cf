// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace runlens {

/** MLflow-style error codes (formats §C.1) plus the few a local reader needs. */
enum class ErrorCode
{
    InvalidParameterValue,
    ResourceDoesNotExist,
    ResourceAlreadyExists,
    PermissionDenied,
    Unauthenticated,
    BadRequest,
    InternalError,
    TemporarilyUnavailable,
    RequestLimitExceeded,
    NotImplemented,
    IoError,
    NetworkError,
    Cancelled,
};

/** The MLflow name of a code, e.g. "INVALID_PARAMETER_VALUE". */
std::string_view errorCodeName(ErrorCode code);
/** Parses an MLflow error_code name; unknown names map to InternalError. */
ErrorCode errorCodeFromName(std::string_view name);

/** An error a person can act on: a code and a message that says what and where. */
struct StoreError
{
    ErrorCode code = ErrorCode::InternalError;
    std::string message;

    /** "CODE: message", the form printed by the CLI. */
    std::string toString() const;
};

} // namespace runlens
