// Error codes and the Error value shared by every goflow primitive.
//
// Runtime outcomes that a caller is expected to handle (rate limited, queue full, shut down,
// canceled, deadline exceeded, task timed out, task failed, closed) are reported as
// std::error_code values in the "goflow" category, never thrown on the hot path. Invalid
// configuration is a programming error that the caller can trigger, so constructors and
// setters throw std::invalid_argument with a message that names the field and the value.
//
//     goflow::Error e{goflow::errc::queue_full, "pool 'ingest' has 64 queued tasks"};
//     if (e.code == goflow::errc::queue_full) { ... }
//
// Thread safety: everything here is a value type; the category object is immutable.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace goflow {

// Outcome codes of goflow operations. Zero is reserved for success, as std::error_code expects.
enum class errc {
    canceled = 1,       // the operation's context was canceled
    deadline_exceeded,  // the context's deadline passed, or would pass before completion
    rate_limited,       // a limiter has no capacity now and the caller did not wait
    exceeds_burst,      // a request for more tokens than the bucket can ever hold
    queue_full,         // a bounded queue is at capacity and the policy rejects
    shut_down,          // the component stopped accepting work
    timed_out,          // a task or stage ran past its own timeout
    task_failed,        // a task returned an error or threw an exception
    closed,             // a channel or writer was closed
    full,               // a channel or buffer is full and the policy rejects
    empty,              // a non-blocking receive found nothing
    would_deadlock,     // the call would block a thread that the awaited work needs
    not_acquired,       // a release without a matching acquisition
    discarded,          // a queued task dropped by a forced shutdown
    io_error,           // a sink or source reported a failure
    exceeds_limit,      // a request for more permits than a concurrency limit allows
};

// Returns the category that names goflow's codes ("goflow").
[[nodiscard]] const std::error_category& goflow_category() noexcept;

[[nodiscard]] std::error_code make_error_code(errc code) noexcept;

// An error code plus a human-readable detail, for outcomes whose cause matters to the user
// (the message of an exception thrown by a task, the stage that timed out, ...).
struct Error {
    std::error_code code;
    std::string message;  // detail beyond code.message(); may be empty

    Error() = default;
    explicit Error(std::error_code c, std::string m = {}) : code(c), message(std::move(m)) {}
    explicit Error(errc c, std::string m = {}) : code(make_error_code(c)), message(std::move(m)) {}

    [[nodiscard]] explicit operator bool() const noexcept { return static_cast<bool>(code); }

    // Formats "<code message>: <detail>", or the code message alone when there is no detail.
    [[nodiscard]] std::string describe() const;
};

[[nodiscard]] inline bool operator==(const Error& e, errc c) noexcept {
    return e.code == make_error_code(c);
}

// Throws std::invalid_argument("<field> must be <rule>, got <value>") unless `ok`. Every
// primitive validates its options with it, so the messages read alike.
void require_option(bool ok, const char* field, const char* rule, double value);

}  // namespace goflow

namespace std {
template <>
struct is_error_code_enum<goflow::errc> : true_type {};
}  // namespace std
