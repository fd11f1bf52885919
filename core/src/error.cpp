#include "goflow/error.hpp"

#include <sstream>
#include <stdexcept>

namespace goflow {
namespace {

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "goflow"; }

    std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
            case errc::canceled:
                return "canceled";
            case errc::deadline_exceeded:
                return "deadline exceeded";
            case errc::rate_limited:
                return "rate limited";
            case errc::exceeds_burst:
                return "request exceeds the burst size";
            case errc::queue_full:
                return "queue full";
            case errc::shut_down:
                return "shut down";
            case errc::timed_out:
                return "timed out";
            case errc::task_failed:
                return "task failed";
            case errc::closed:
                return "closed";
            case errc::full:
                return "full";
            case errc::empty:
                return "empty";
            case errc::would_deadlock:
                return "would deadlock";
            case errc::not_acquired:
                return "release without a matching acquire";
            case errc::discarded:
                return "discarded by forced shutdown";
            case errc::io_error:
                return "I/O error";
            case errc::exceeds_limit:
                return "request exceeds the concurrency limit";
        }
        return "unknown goflow error " + std::to_string(value);
    }
};

}  // namespace

const std::error_category& goflow_category() noexcept {
    static const Category category;
    return category;
}

std::error_code make_error_code(errc code) noexcept {
    return {static_cast<int>(code), goflow_category()};
}

std::string Error::describe() const {
    std::string text = code.message();
    if (!message.empty()) {
        text += ": ";
        text += message;
    }
    return text;
}

void require_option(bool ok, const char* field, const char* rule, double value) {
    if (ok) {
        return;
    }
    std::ostringstream text;
    text << field << " must be " << rule << ", got " << value;
    throw std::invalid_argument(text.str());
}

}  // namespace goflow
