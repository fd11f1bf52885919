#include "goflow/writer.hpp"

#include <algorithm>
#include <exception>
#include <fstream>
#include <ostream>
#include <utility>

// How the background thread and the callers meet. Bytes carry offsets: accepted_ counts every
// byte ever accepted and settled_ every byte written or failed, so the bytes still buffered
// are [settled_, accepted_). A flush waits for settled_ to reach the accepted_ it saw on entry,
// which is why bytes written during the flush do not delay it. The thread swaps the whole
// buffer out as one batch and calls the sink without the lock; writers meanwhile fill the
// emptied buffer, so a batch is never shared and the sink receives bytes in write order.

namespace goflow {
namespace {

Result<void> write_and_check(std::ostream& out, std::string_view bytes) {
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
        return Error(errc::io_error, "the output stream reported a write failure");
    }
    return {};
}

// Calls the user's sink and turns an exception it throws into an io_error, because nothing may
// escape the background thread.
Result<void> call_sink(const WriterSink& sink, std::string_view bytes) {
    try {
        return sink(bytes);
    } catch (const std::exception& e) {
        return Error(errc::io_error, std::string("sink threw: ") + e.what());
    } catch (...) {
        return Error(errc::io_error, "sink threw an exception of unknown type");
    }
}

}  // namespace

WriterSink ostream_sink(std::ostream& out) {
    return [&out](std::string_view bytes) -> Result<void> {
        // A failed earlier batch leaves the stream's failure flags set; clear them so that a
        // retry really writes.
        out.clear();
        return write_and_check(out, bytes);
    };
}

WriterSink file_sink(const std::filesystem::path& path, bool truncate) {
    const auto mode = std::ios::binary | (truncate ? std::ios::trunc : std::ios::app);
    auto file = std::make_shared<std::ofstream>(path, mode);
    if (!file->is_open()) {
        return [name = path.string()](std::string_view) -> Result<void> {
            return Error(errc::io_error, "cannot open " + name + " for writing");
        };
    }
    return [file](std::string_view bytes) -> Result<void> {
        file->clear();
        return write_and_check(*file, bytes);
    };
}

AsyncWriter::AsyncWriter(AsyncWriterOptions options, WriterSink sink)
    : capacity_(options.buffer_capacity),
      flush_interval_(options.flush_interval),
      policy_(options.full_policy),
      max_retries_(options.max_retries),
      retry_backoff_(options.retry_backoff),
      clock_(options.clock ? std::move(options.clock) : system_clock()),
      sink_(std::move(sink)) {
    require_option(capacity_ >= 1, "buffer_capacity", "at least 1", 0);
    require_option(flush_interval_ > Duration::zero(), "flush_interval", "positive (nanoseconds)",
                   static_cast<double>(flush_interval_.count()));
    require_option(max_retries_ >= 0, "max_retries", "at least 0", max_retries_);
    require_option(retry_backoff_ >= Duration::zero(), "retry_backoff", "at least 0 (nanoseconds)",
                   static_cast<double>(retry_backoff_.count()));
    require_option(static_cast<bool>(sink_), "sink", "a callable", 0);
    buffer_.reserve(capacity_);
}

AsyncWriter::~AsyncWriter() {
    // NOTE: a sink error found while closing here is only visible in snapshot().failed; call
    // close() before destruction to receive it.
    (void)close();
}

Result<void> AsyncWriter::write(std::string_view bytes, const Context& ctx) {
    std::unique_lock lock(mutex_);
    if (closed_) {
        rejected_ += bytes.size();
        return Error(errc::closed, "write on a closed writer");
    }
    if (bytes.empty()) {
        return {};
    }

    // A write larger than the buffer waits for an empty buffer and then forms a batch alone.
    const bool oversize = bytes.size() > capacity_;
    auto fits = [&] {
        return closed_ || (oversize ? buffer_.empty() : buffer_.size() + bytes.size() <= capacity_);
    };
    if (!fits()) {
        if (policy_ == WriterFullPolicy::fail) {
            rejected_ += bytes.size();
            return Error(errc::full, "writer buffer full");
        }
        // The waiting writer needs the buffered bytes gone now, not at the flush interval.
        flush_target_ = std::max(flush_target_, accepted_);
        work_.notify_one();
        if (const std::error_code ec = wait(*clock_, lock, progress_, ctx, fits); ec) {
            rejected_ += bytes.size();
            return Error(ec);
        }
        if (closed_) {
            rejected_ += bytes.size();
            return Error(errc::closed, "writer closed while the write waited for room");
        }
    }

    const bool was_empty = buffer_.empty();
    if (was_empty) {
        oldest_ = clock_->now();
    }
    buffer_.append(bytes);
    accepted_ += bytes.size();
    ensure_thread_locked();
    // The thread must recompute its deadline when the buffer stops being empty, and start a
    // batch early when the buffer is half full.
    if (was_empty || buffer_.size() >= std::max<std::size_t>(capacity_ / 2, 1)) {
        work_.notify_one();
    }
    return {};
}

Result<void> AsyncWriter::flush(const Context& ctx) {
    std::unique_lock lock(mutex_);
    const std::uint64_t target = accepted_;
    if (settled_ < target) {
        flush_target_ = std::max(flush_target_, target);
        work_.notify_one();
        const std::error_code ec =
            wait(*clock_, lock, progress_, ctx, [&] { return settled_ >= target; });
        if (ec) {
            return Error(ec);
        }
    }
    if (unreported_error_) {
        Error error = std::move(*unreported_error_);
        unreported_error_.reset();
        return error;
    }
    return {};
}

Result<void> AsyncWriter::close(const Context& ctx) {
    std::lock_guard close_guard(close_mutex_);
    std::unique_lock lock(mutex_);
    if (closed_) {
        return {};
    }
    closed_ = true;
    progress_.notify_all();  // writers waiting for room fail with errc::closed
    if (!thread_.joinable()) {
        return {};  // nothing was ever written
    }

    stopping_ = true;
    work_.notify_one();
    const std::error_code ec =
        wait(*clock_, lock, progress_, ctx, [&] { return settled_ >= accepted_; });
    const std::uint64_t unsettled = accepted_ - settled_;
    if (ec) {
        abandon_ = true;
    }
    lock.unlock();

    if (ec) {
        abandon_source_.request_stop();
        work_.notify_one();
    }
    thread_.join();

    lock.lock();
    if (ec) {
        return Error(ec, std::to_string(unsettled) + " buffered bytes were not written");
    }
    return first_error_ ? Result<void>(*first_error_) : Result<void>();
}

AsyncWriterSnapshot AsyncWriter::snapshot() const {
    std::lock_guard guard(mutex_);
    return {.buffered = static_cast<std::size_t>(accepted_ - settled_),
            .capacity = capacity_,
            .accepted = accepted_,
            .written = written_,
            .failed = failed_,
            .rejected = rejected_,
            .sink_errors = sink_errors_,
            .batches = batches_,
            .closed = closed_,
            .thread_started = thread_started_};
}

void AsyncWriter::ensure_thread_locked() {
    if (!thread_.joinable()) {
        thread_ = std::thread([this] { run(); });
        thread_started_ = true;
    }
}

bool AsyncWriter::flush_due_locked(TimePoint now) const {
    if (buffer_.empty()) {
        return false;
    }
    return stopping_ || flush_target_ > settled_ ||
           buffer_.size() >= std::max<std::size_t>(capacity_ / 2, 1) ||
           now - oldest_ >= flush_interval_;
}

void AsyncWriter::run() {
    std::string batch;
    batch.reserve(capacity_);
    std::unique_lock lock(mutex_);
    for (;;) {
        const TimePoint due = buffer_.empty() || flush_interval_ >= kNoDeadline - oldest_
                                  ? kNoDeadline
                                  : oldest_ + flush_interval_;
        clock_->wait_until(lock, work_, {}, due, [&] {
            return abandon_ || flush_due_locked(clock_->now()) ||
                   (due == kNoDeadline && !buffer_.empty()) || (stopping_ && buffer_.empty());
        });
        if (abandon_ && !buffer_.empty()) {
            record_failure_locked(Error(errc::canceled, "close() gave up before the flush"),
                                  buffer_.size());
            buffer_.clear();
            progress_.notify_all();
        }
        if (buffer_.empty()) {
            if (stopping_) {
                return;
            }
            continue;
        }
        if (!flush_due_locked(clock_->now())) {
            continue;  // woken to recompute the deadline
        }

        batch.swap(buffer_);
        oldest_ = kNoDeadline;
        progress_.notify_all();  // writers waiting for room
        lock.unlock();
        Result<void> result = write_batch(batch);
        lock.lock();

        if (result) {
            written_ += batch.size();
            ++batches_;
            settled_ += batch.size();
        } else {
            record_failure_locked(result.error(), batch.size());
        }
        // An oversize batch must not keep its memory; ordinary batches keep the reservation.
        batch.clear();
        if (batch.capacity() > capacity_) {
            batch = std::string();
            batch.reserve(capacity_);
        }
        progress_.notify_all();
    }
}

Result<void> AsyncWriter::write_batch(std::string_view batch) {
    Result<void> result = call_sink(sink_, batch);
    for (int retry = 0; !result && retry < max_retries_; ++retry) {
        {
            std::lock_guard guard(mutex_);
            ++sink_errors_;
            if (abandon_) {
                return result;
            }
        }
        if (!clock_->sleep_until(clock_->now() + retry_backoff_, abandon_source_.get_token())) {
            return result;
        }
        result = call_sink(sink_, batch);
    }
    if (!result) {
        std::lock_guard guard(mutex_);
        ++sink_errors_;
    }
    return result;
}

void AsyncWriter::record_failure_locked(const Error& error, std::size_t bytes) {
    failed_ += bytes;
    settled_ += bytes;
    Error lost(error.code, std::to_string(bytes) + " bytes lost: " + error.describe());
    if (!first_error_) {
        first_error_ = lost;
    }
    if (!unreported_error_) {
        unreported_error_ = std::move(lost);
    }
}

}  // namespace goflow
