// Result<T>: a value or an Error, for operations whose failure is an expected outcome.
//
// g++ 12 in C++20 mode has no std::expected, so goflow carries this small equivalent. A
// Result is either ok() and holds a T, or holds an Error. Result<void> carries no value.
//
//     goflow::Result<int> r = future.get();
//     if (!r) std::cerr << r.error().describe() << '\n';
//     else use(*r);
//
// Thread safety: a value type; distinct objects may be used from distinct threads.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "goflow/error.hpp"

namespace goflow {

template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}
    Result(errc code, std::string message = {}) : Result(Error{code, std::move(message)}) {}

    [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
    [[nodiscard]] explicit operator bool() const noexcept { return ok(); }

    // Preconditions: ok() for value(), !ok() for error().
    [[nodiscard]] T& value() & { return std::get<0>(state_); }
    [[nodiscard]] const T& value() const& { return std::get<0>(state_); }
    [[nodiscard]] T&& value() && { return std::get<0>(std::move(state_)); }
    [[nodiscard]] const Error& error() const& { return std::get<1>(state_); }

    [[nodiscard]] T& operator*() & { return value(); }
    [[nodiscard]] const T& operator*() const& { return value(); }
    [[nodiscard]] T* operator->() { return &value(); }
    [[nodiscard]] const T* operator->() const { return &value(); }

    // Returns the value, or `fallback` when this holds an error.
    [[nodiscard]] T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

  private:
    std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}
    Result(errc code, std::string message = {}) : error_(code, std::move(message)) {}

    [[nodiscard]] bool ok() const noexcept { return !error_; }
    [[nodiscard]] explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] const Error& error() const& { return error_; }

  private:
    Error error_;
};

}  // namespace goflow
