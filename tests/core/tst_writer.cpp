#include <QtTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "goflow/writer.hpp"

using namespace std::chrono_literals;
using goflow::AsyncWriter;
using goflow::CancelSource;
using goflow::errc;
using goflow::ManualClock;
using goflow::Result;
using goflow::WriterFullPolicy;

namespace {

// A sink that records every batch and can be made to fail or to block, so that tests reach the
// writer's states by observation.
class RecordingSink {
  public:
    goflow::WriterSink sink() {
        return [this](std::string_view bytes) -> Result<void> {
            std::unique_lock lock(mutex_);
            ++calls_;
            changed_.notify_all();
            changed_.wait(lock, [&] { return !gate_closed_; });
            if (failures_left_ > 0) {
                --failures_left_;
                return goflow::Error(errc::io_error, "disk unplugged");
            }
            batches_.emplace_back(bytes);
            data_ += bytes;
            changed_.notify_all();
            return {};
        };
    }

    void fail_next(int count) {
        std::lock_guard guard(mutex_);
        failures_left_ = count;
    }
    void close_gate() {
        std::lock_guard guard(mutex_);
        gate_closed_ = true;
    }
    void open_gate() {
        {
            std::lock_guard guard(mutex_);
            gate_closed_ = false;
        }
        changed_.notify_all();
    }
    // Waits in real time, generously, for the writer thread to have called the sink `n` times.
    bool await_calls(int n) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 10s, [&] { return calls_ >= n; });
    }
    bool await_size(std::size_t n) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 10s, [&] { return data_.size() >= n; });
    }
    std::string data() {
        std::lock_guard guard(mutex_);
        return data_;
    }
    std::vector<std::string> batches() {
        std::lock_guard guard(mutex_);
        return batches_;
    }
    int calls() {
        std::lock_guard guard(mutex_);
        return calls_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::string data_;                  // guarded by mutex_
    std::vector<std::string> batches_;  // guarded by mutex_
    int calls_ = 0;                     // guarded by mutex_
    int failures_left_ = 0;             // guarded by mutex_
    bool gate_closed_ = false;          // guarded by mutex_
};

std::string numbered_line(char tag, int n, std::size_t width) {
    std::string line = tag + std::to_string(n);
    line.resize(width - 1, '.');
    line += '\n';
    return line;
}

}  // namespace

class TestWriter : public QObject {
    Q_OBJECT

  private slots:
    void closeWritesEverythingOnce() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer({.clock = clock}, sink.sink());
        for (int i = 0; i < 3; ++i) {
            QVERIFY(writer.write("a").ok());
        }
        QVERIFY(writer.close().ok());
        QCOMPARE(sink.data(), std::string("aaa"));

        auto late = writer.write("b");
        QVERIFY(!late.ok());
        QVERIFY(late.error() == errc::closed);
        QVERIFY(writer.close().ok());
        QCOMPARE(sink.data(), std::string("aaa"));
        const auto s = writer.snapshot();
        QCOMPARE(s.written, std::uint64_t{3});
        QCOMPARE(s.rejected, std::uint64_t{1});
        QVERIFY(s.closed);
    }

    void closeBeforeWriteStartsNoThread() {
        RecordingSink sink;
        AsyncWriter writer({}, sink.sink());
        QVERIFY(writer.close().ok());
        QVERIFY(!writer.snapshot().thread_started);
        QCOMPARE(sink.calls(), 0);
        QVERIFY(writer.write("x").error() == errc::closed);
        QVERIFY(!writer.snapshot().thread_started);
    }

    void flushDeliversAllLinesInOrder() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer({.buffer_capacity = 64 * 1024, .clock = clock}, sink.sink());
        std::string expected;
        for (int i = 0; i < 10'000; ++i) {
            const std::string line = numbered_line('A', i, 100);
            expected += line;
            QVERIFY(writer.write(line).ok());
        }
        QVERIFY(writer.flush().ok());
        QCOMPARE(sink.data().size(), expected.size());
        QVERIFY(sink.data() == expected);
    }

    void flushIgnoresConcurrentLaterWrites() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer({.buffer_capacity = 16 * 1024, .clock = clock}, sink.sink());
        std::string expected;
        for (int i = 0; i < 10'000; ++i) {
            const std::string line = numbered_line('A', i, 100);
            expected += line;
            QVERIFY(writer.write(line).ok());
        }

        std::atomic<bool> stop{false};
        std::atomic<int> other_lines{0};
        std::thread other([&] {
            for (int i = 0; !stop; ++i) {
                QVERIFY(writer.write(numbered_line('B', i, 100)).ok());
                ++other_lines;
            }
        });
        while (other_lines < 100) {
            std::this_thread::yield();
        }
        QVERIFY(writer.flush().ok());
        const std::string at_flush = sink.data();
        stop = true;
        other.join();

        QVERIFY(at_flush.size() >= expected.size());
        QVERIFY(at_flush.compare(0, expected.size(), expected) == 0);
        QVERIFY(writer.close().ok());
        // The other thread's lines follow, complete and in order.
        const std::string all = sink.data();
        std::string tail_expected;
        for (int i = 0; i < other_lines; ++i) {
            tail_expected += numbered_line('B', i, 100);
        }
        QCOMPARE(all.size(), expected.size() + tail_expected.size());
        QVERIFY(all.compare(expected.size(), std::string::npos, tail_expected) == 0);
    }

    void flushIntervalRunsOnInjectedClock() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer({.buffer_capacity = 1024, .flush_interval = 200ms, .clock = clock},
                           sink.sink());
        QVERIFY(writer.write("tick").ok());
        QVERIFY(clock->await_waiters(1));
        QCOMPARE(clock->next_deadline().value(), clock->now() + 200ms);
        clock->advance(199ms);
        QCOMPARE(sink.calls(), 0);
        clock->advance(1ms);
        QVERIFY(sink.await_size(4));
        QCOMPARE(sink.data(), std::string("tick"));
        QVERIFY(writer.close().ok());
    }

    void halfFullBufferStartsBatch() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer({.buffer_capacity = 8, .clock = clock}, sink.sink());
        QVERIFY(writer.write("1234").ok());
        QVERIFY(sink.await_size(4));
        QCOMPARE(sink.data(), std::string("1234"));
        QVERIFY(writer.close().ok());
    }

    void fullBufferFailsWithFailPolicy() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer(
            {.buffer_capacity = 10, .full_policy = WriterFullPolicy::fail, .clock = clock},
            sink.sink());
        sink.close_gate();
        QVERIFY(writer.write("123456").ok());
        QVERIFY(sink.await_calls(1));  // that batch is now stuck in the sink
        QVERIFY(writer.write("abcdefghij").ok());
        auto r = writer.write("x");
        QVERIFY(!r.ok());
        QVERIFY(r.error() == errc::full);
        QCOMPARE(writer.snapshot().rejected, std::uint64_t{1});

        sink.open_gate();
        QVERIFY(writer.close().ok());
        QCOMPARE(sink.data(), std::string("123456abcdefghij"));
    }

    void fullBufferBlocksUntilRoom() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer({.buffer_capacity = 10, .clock = clock}, sink.sink());
        sink.close_gate();
        QVERIFY(writer.write("123456").ok());
        QVERIFY(sink.await_calls(1));
        QVERIFY(writer.write("abcdefghij").ok());

        std::atomic<bool> done{false};
        std::thread blocked([&] {
            QVERIFY(writer.write("xyz").ok());
            done = true;
        });
        QVERIFY(clock->await_waiters(1));  // the blocked write; the sink call is no clock wait
        QVERIFY(!done);
        sink.open_gate();
        blocked.join();
        QVERIFY(writer.close().ok());
        QCOMPARE(sink.data(), std::string("123456abcdefghijxyz"));
    }

    void blockedWriteCanceledAcceptsNothing() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer({.buffer_capacity = 10, .clock = clock}, sink.sink());
        sink.close_gate();
        QVERIFY(writer.write("123456").ok());
        QVERIFY(sink.await_calls(1));
        QVERIFY(writer.write("abcdefghij").ok());

        CancelSource cancel;
        goflow::Error result;
        std::thread blocked([&] {
            auto r = writer.write("xyz", cancel.context());
            result = r.ok() ? goflow::Error{} : r.error();
        });
        QVERIFY(clock->await_waiters(1));
        cancel.cancel();
        blocked.join();
        QVERIFY(result == errc::canceled);
        sink.open_gate();
        QVERIFY(writer.close().ok());
        QCOMPARE(sink.data(), std::string("123456abcdefghij"));
        QCOMPARE(writer.snapshot().rejected, std::uint64_t{3});
    }

    void sinkErrorIsRetried() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer({.max_retries = 2, .retry_backoff = 10ms, .clock = clock}, sink.sink());
        sink.fail_next(2);
        QVERIFY(writer.write("payload").ok());

        Result<void> flushed;
        std::thread flusher([&] { flushed = writer.flush(); });
        for (int call = 1; call <= 2; ++call) {
            QVERIFY(sink.await_calls(call));
            QVERIFY(clock->await_waiters(2));  // the flush and the retry wait
            QVERIFY(clock->next_deadline().has_value());
            clock->advance(10ms);
        }
        flusher.join();
        QVERIFY(flushed.ok());
        QCOMPARE(sink.data(), std::string("payload"));
        const auto s = writer.snapshot();
        QCOMPARE(s.sink_errors, std::uint64_t{2});
        QCOMPARE(s.written, std::uint64_t{7});
        QCOMPARE(s.failed, std::uint64_t{0});
        QVERIFY(writer.close().ok());
    }

    void exhaustedRetriesReportLostBytes() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer({.max_retries = 1, .retry_backoff = 10ms, .clock = clock}, sink.sink());
        sink.fail_next(2);
        QVERIFY(writer.write("lost").ok());

        Result<void> flushed;
        std::thread flusher([&] { flushed = writer.flush(); });
        QVERIFY(sink.await_calls(1));
        QVERIFY(clock->await_waiters(2));
        clock->advance(10ms);
        flusher.join();
        QVERIFY(!flushed.ok());
        QVERIFY(flushed.error() == errc::io_error);
        QVERIFY2(flushed.error().message.find("4 bytes lost") != std::string::npos,
                 flushed.error().message.c_str());
        // The error is reported once by flush(), and close() reports the first error again.
        QVERIFY(writer.write("kept").ok());
        QVERIFY(writer.flush().ok());
        auto closed = writer.close();
        QVERIFY(!closed.ok());
        QVERIFY(closed.error() == errc::io_error);

        const auto s = writer.snapshot();
        QCOMPARE(s.accepted, std::uint64_t{8});
        QCOMPARE(s.written, std::uint64_t{4});
        QCOMPARE(s.failed, std::uint64_t{4});
        QCOMPARE(s.sink_errors, std::uint64_t{2});
        QCOMPARE(sink.data(), std::string("kept"));
    }

    void closeCanceledCountsUnwrittenBytes() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer({.max_retries = 5, .retry_backoff = 1s, .clock = clock}, sink.sink());
        sink.fail_next(100);
        QVERIFY(writer.write("doomed").ok());
        QVERIFY(writer.flush(goflow::Context{}.with_timeout(*clock, 0ms)).error() ==
                errc::deadline_exceeded);
        QVERIFY(sink.await_calls(1));

        CancelSource cancel;
        cancel.cancel();
        auto r = writer.close(cancel.context());
        QVERIFY(!r.ok());
        QVERIFY(r.error() == errc::canceled);
        const auto s = writer.snapshot();
        QCOMPARE(s.failed, std::uint64_t{6});
        QCOMPARE(s.buffered, std::size_t{0});
        QVERIFY(writer.close().ok());
    }

    void oversizeWriteIsOneBatch() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer({.buffer_capacity = 16, .clock = clock}, sink.sink());
        QVERIFY(writer.write("head").ok());
        const std::string big(100, 'B');
        QVERIFY(writer.write(big).ok());
        QVERIFY(writer.write("tail").ok());
        QVERIFY(writer.close().ok());
        QCOMPARE(sink.data(), "head" + big + "tail");
        bool big_alone = false;
        for (const std::string& batch : sink.batches()) {
            QVERIFY(batch.size() <= 16 || batch == big);
            big_alone = big_alone || batch == big;
        }
        QVERIFY(big_alone);
    }

    void oversizeWriteFailsWhenBufferBusy() {
        RecordingSink sink;
        auto clock = std::make_shared<ManualClock>();
        AsyncWriter writer(
            {.buffer_capacity = 16, .full_policy = WriterFullPolicy::fail, .clock = clock},
            sink.sink());
        QVERIFY(writer.write("x").ok());
        QVERIFY(writer.write(std::string(40, 'B')).error() == errc::full);
        QVERIFY(writer.flush().ok());
        QVERIFY(writer.write(std::string(40, 'B')).ok());
        QVERIFY(writer.close().ok());
        QCOMPARE(sink.data(), "x" + std::string(40, 'B'));
    }

    void ostreamSinkReceivesBytes() {
        std::ostringstream out;
        {
            AsyncWriter writer({}, goflow::ostream_sink(out));
            QVERIFY(writer.write("hello ").ok());
            QVERIFY(writer.write("world").ok());
        }  // the destructor closes
        QCOMPARE(out.str(), std::string("hello world"));
    }

    void fileSinkAppendsToFile() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path path = dir.filePath("out.log").toStdString();
        {
            AsyncWriter writer({}, goflow::file_sink(path, true));
            QVERIFY(writer.write("one\n").ok());
            QVERIFY(writer.close().ok());
        }
        {
            AsyncWriter writer({}, goflow::file_sink(path));
            QVERIFY(writer.write("two\n").ok());
            QVERIFY(writer.close().ok());
        }
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        QCOMPARE(text.str(), std::string("one\ntwo\n"));
    }

    void unopenableFileIsReported() {
        QTemporaryDir dir;
        const std::filesystem::path path = dir.filePath("missing-directory/out.log").toStdString();
        AsyncWriter writer({.max_retries = 0}, goflow::file_sink(path));
        QVERIFY(writer.write("data").ok());
        auto r = writer.close();
        QVERIFY(!r.ok());
        QVERIFY(r.error() == errc::io_error);
        QVERIFY2(r.error().message.find("missing-directory") != std::string::npos,
                 r.error().message.c_str());
        QCOMPARE(writer.snapshot().failed, std::uint64_t{4});
    }

    void throwingSinkBecomesError() {
        AsyncWriter writer({.max_retries = 0}, [](std::string_view) -> Result<void> {
            throw std::runtime_error("boom");
        });
        QVERIFY(writer.write("data").ok());
        auto r = writer.flush();
        QVERIFY(r.error() == errc::io_error);
        QVERIFY2(r.error().message.find("boom") != std::string::npos, r.error().message.c_str());
    }

    void invalidOptionsRejected() {
        auto sink = [](std::string_view) -> Result<void> { return {}; };
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, AsyncWriter({.buffer_capacity = 0}, sink));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, AsyncWriter({.flush_interval = 0ms}, sink));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, AsyncWriter({.max_retries = -1}, sink));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, AsyncWriter({}, goflow::WriterSink{}));
    }

    void concurrentWritersKeepTheirOrder() {
        for (int round = 0; round < 10; ++round) {
            RecordingSink sink;
            AsyncWriter writer({.buffer_capacity = 512, .flush_interval = 1ms}, sink.sink());
            constexpr int kThreads = 3;
            constexpr int kLines = 500;
            std::vector<std::thread> threads;
            for (int t = 0; t < kThreads; ++t) {
                threads.emplace_back([&, t] {
                    for (int i = 0; i < kLines; ++i) {
                        QVERIFY(writer.write(numbered_line(char('a' + t), i, 20)).ok());
                        if (i % 100 == 0) {
                            QVERIFY(writer.flush().ok());
                        }
                    }
                });
            }
            for (auto& t : threads) {
                t.join();
            }
            QVERIFY(writer.close().ok());

            std::vector<int> next(kThreads, 0);
            std::istringstream lines(sink.data());
            std::string line;
            while (std::getline(lines, line)) {
                const int t = line[0] - 'a';
                QVERIFY(t >= 0 && t < kThreads);
                QCOMPARE(line + '\n', numbered_line(char('a' + t), next[t], 20));
                ++next[t];
            }
            for (int t = 0; t < kThreads; ++t) {
                QCOMPARE(next[t], kLines);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestWriter)
#include "tst_writer.moc"
