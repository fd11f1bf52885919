// AsyncWriter: a buffered writer whose sink runs on one background thread.
//
// write() copies bytes into a buffer of `buffer_capacity` bytes and returns. A background
// thread hands the buffered bytes to the sink in the order they were written. The thread
// flushes when the buffer is half full, when the oldest buffered byte has waited
// `flush_interval` on the injected clock, or when flush(), close() or a blocked write() asks.
// It never calls the sink from two threads at once. The thread starts with the first write, so
// a writer that is closed before any write starts no background work.
//
// Guarantees:
// - flush() returns only when every byte written before the call has reached the sink, or
//   reports the error that lost some of them.
// - A sink error is never silent. The failed batch stays buffered and is retried up to
//   `max_retries` times, `retry_backoff` apart on the injected clock. If it still fails, its
//   bytes count as failed and the error is returned by the next flush() and by close().
// - close() flushes everything, stops the thread and returns the first sink error; writes after
//   close fail with errc::closed; closing again does nothing. The destructor closes.
// - A write larger than the buffer waits for the buffer to empty and then becomes one batch by
//   itself; the buffer's memory returns to `buffer_capacity` after that batch is written.
//
//     goflow::AsyncWriter log({.buffer_capacity = 1 << 20, .flush_interval = 200ms},
//                             goflow::file_sink("/var/log/app.log"));
//     if (auto r = log.write(line); !r) count_rejected(r.error());
//     (void)log.flush();  // durable point: everything above is in the file
//
// Thread safety: every member may be called concurrently from any thread. One mutex guards the
// buffers and counters; the sink is called without it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "goflow/clock.hpp"
#include "goflow/context.hpp"
#include "goflow/result.hpp"

namespace goflow {

// Writes a whole batch of bytes or fails. Called from the writer's background thread only,
// one call at a time.
using WriterSink = std::function<Result<void>(std::string_view bytes)>;

// Returns a sink that writes to `out` and flushes it after each batch. `out` must outlive the
// writer. A stream in a failed state reports errc::io_error, and the sink clears the failure
// flags so that a retry writes again.
[[nodiscard]] WriterSink ostream_sink(std::ostream& out);

// Returns a sink that appends (or, with `truncate`, rewrites) the file at `path`. The file is
// opened now; when that fails, every batch fails with errc::io_error naming the path.
[[nodiscard]] WriterSink file_sink(const std::filesystem::path& path, bool truncate = false);

// Behaviour of write() when the bytes do not fit in the buffer.
enum class WriterFullPolicy {
    block,  // wait for room, bounded by the write's context
    fail,   // reject the whole write with errc::full
};

struct AsyncWriterOptions {
    // Bytes buffered before the full policy applies; at least 1.
    std::size_t buffer_capacity = 64 * 1024;
    // Longest time a written byte waits before the background thread writes it; positive.
    Duration flush_interval = std::chrono::milliseconds(100);
    WriterFullPolicy full_policy = WriterFullPolicy::block;
    // Extra attempts for a batch the sink rejected, and the wait before each of them.
    int max_retries = 2;
    Duration retry_backoff = std::chrono::milliseconds(10);
    // Time source for the flush interval and retry waits; null means goflow::system_clock().
    std::shared_ptr<const Clock> clock;
};

// Byte counters of a writer. accepted = written + failed + buffered at every moment.
struct AsyncWriterSnapshot {
    std::size_t buffered = 0;  // accepted bytes not yet written or failed
    std::size_t capacity = 0;
    std::uint64_t accepted = 0;     // bytes taken by write()
    std::uint64_t written = 0;      // bytes the sink took
    std::uint64_t failed = 0;       // accepted bytes lost to sink errors after all retries
    std::uint64_t rejected = 0;     // bytes that write() refused: full, closed or canceled
    std::uint64_t sink_errors = 0;  // failed sink calls, retries included
    std::uint64_t batches = 0;      // successful sink calls
    bool closed = false;
    bool thread_started = false;  // whether the background thread was ever started
};

class AsyncWriter {
  public:
    // Throws std::invalid_argument naming the field when the capacity is 0, the flush interval
    // is not positive, max_retries is negative, the backoff is negative or the sink is empty.
    AsyncWriter(AsyncWriterOptions options, WriterSink sink);

    // Closes the writer. Errors cannot be returned from here: call close() first to see them.
    ~AsyncWriter();

    AsyncWriter(const AsyncWriter&) = delete;
    AsyncWriter& operator=(const AsyncWriter&) = delete;

    // Appends `bytes` to the buffer. Under WriterFullPolicy::block it waits for room until the
    // context ends (errc::canceled, errc::deadline_exceeded); under fail it returns errc::full.
    // Returns errc::closed after close(). A failed write accepts none of the bytes.
    Result<void> write(std::string_view bytes, const Context& ctx = {});

    // Blocks until every byte accepted before this call has been written or failed. Returns
    // errc::io_error when bytes were lost since the last flush() that reported an error, and
    // errc::canceled / errc::deadline_exceeded when the context ends first (the bytes stay
    // buffered and are written later).
    Result<void> flush(const Context& ctx = {});

    // Rejects further writes, flushes everything, stops the background thread and returns
    // the first sink error of this writer's life. If the context ends first, the bytes still
    // buffered are counted as failed and the context's error is returned. A second call does
    // nothing and succeeds.
    Result<void> close(const Context& ctx = {});

    [[nodiscard]] AsyncWriterSnapshot snapshot() const;

  private:
    void run();
    void ensure_thread_locked();
    bool flush_due_locked(TimePoint now) const;
    // Hands `batch` to the sink, retrying as configured; returns the last error, if any.
    Result<void> write_batch(std::string_view batch);
    void record_failure_locked(const Error& error, std::size_t bytes);

    const std::size_t capacity_;
    const Duration flush_interval_;
    const WriterFullPolicy policy_;
    const int max_retries_;
    const Duration retry_backoff_;
    const std::shared_ptr<const Clock> clock_;
    const WriterSink sink_;

    mutable std::mutex mutex_;
    std::condition_variable_any work_;       // the background thread waits on it, with mutex_
    std::condition_variable_any progress_;   // writers and flushers wait on it, with mutex_
    std::string buffer_;                     // guarded by mutex_; bytes not yet taken by a batch
    TimePoint oldest_ = kNoDeadline;         // guarded by mutex_; when buffer_ became non-empty
    std::uint64_t accepted_ = 0;             // guarded by mutex_
    std::uint64_t settled_ = 0;              // guarded by mutex_; bytes written or failed
    std::uint64_t flush_target_ = 0;         // guarded by mutex_; highest offset a flush waits for
    std::uint64_t written_ = 0;              // guarded by mutex_
    std::uint64_t failed_ = 0;               // guarded by mutex_
    std::uint64_t rejected_ = 0;             // guarded by mutex_
    std::uint64_t sink_errors_ = 0;          // guarded by mutex_
    std::uint64_t batches_ = 0;              // guarded by mutex_
    std::optional<Error> first_error_;       // guarded by mutex_
    std::optional<Error> unreported_error_;  // guarded by mutex_; cleared by flush()
    bool closed_ = false;                    // guarded by mutex_; no more writes
    bool stopping_ = false;                  // guarded by mutex_; the thread exits when drained
    bool thread_started_ = false;            // guarded by mutex_
    bool abandon_ = false;                   // guarded by mutex_; drop what is left
    std::stop_source abandon_source_;        // interrupts a retry wait when abandoning
    std::thread thread_;                     // started under mutex_, joined by close()
    std::mutex close_mutex_;                 // serializes close() calls; taken before mutex_
};

}  // namespace goflow
