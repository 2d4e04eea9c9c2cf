// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "storeerror.h"

#include <cassert>
#include <utility>
#include <variant>

namespace runlens {

/**
 * A value or a StoreError, in the spirit of std::expected (C++23; GCC 12 lacks it).
 * Store calls return this and never throw across the interface.
 */
template<typename T>
class Result
{
public:
    Result(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    { }
    Result(StoreError error)
        : m_data(std::in_place_index<1>, std::move(error))
    { }

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() &
    {
        assert(ok());
        return std::get<0>(m_data);
    }
    const T& value() const&
    {
        assert(ok());
        return std::get<0>(m_data);
    }
    T&& value() &&
    {
        assert(ok());
        return std::get<0>(std::move(m_data));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const StoreError& error() const
    {
        assert(!ok());
        return std::get<1>(m_data);
    }

private:
    std::variant<T, StoreError> m_data;
};

/** Result of a call that returns nothing but may fail. */
struct Done
{
};
using Status = Result<Done>;

} // namespace runlens
