// goflow-background-jobs: background jobs on a goflow::WorkerPool with graceful shutdown.
//
// The program submits --jobs jobs; each sleeps --job-ms and every --fail-every-th one throws.
// It stops when every job has finished, when --duration-ms passes, or on SIGINT or SIGTERM.
// Stopping calls shutdown(), which runs the queued jobs, and waits up to --grace-ms for it.
// After that it calls shutdown_now(), which cancels running jobs and discards queued ones.
// The last lines count every accepted job as completed, failed, timed out or discarded. The
// exit status is 1 when those counts do not add up to the accepted jobs.
//
// The signal handler only writes one byte to a pipe (async-signal-safe); the main thread
// polls that pipe and does all the work.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "goflow/clock.hpp"
#include "goflow/context.hpp"
#include "goflow/worker_pool.hpp"

namespace {

constexpr int kExitMismatch = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSystem = 3;
constexpr const char* kUsage =
    "usage: goflow-background-jobs [--jobs N] [--workers N] [--job-ms MS] [--fail-every N]\n"
    "                              [--duration-ms MS] [--grace-ms MS]\n";

struct Options {
    std::int64_t jobs = 200;
    std::int64_t workers = 4;
    std::int64_t job_ms = 20;
    std::int64_t fail_every = 10;  // 0: no job fails
    std::int64_t duration_ms = 0;  // 0: no time limit
    std::int64_t grace_ms = 2000;
};

// Write end of the self-pipe; the read end wakes the main thread.
int g_signal_pipe_write = -1;

extern "C" void on_stop_signal(int signal_number) {
    const int saved_errno = errno;
    const auto byte = static_cast<unsigned char>(signal_number);
    // A full pipe already contains a wake-up, so a failed write loses nothing.
    [[maybe_unused]] const ssize_t written = write(g_signal_pipe_write, &byte, 1);
    errno = saved_errno;
}

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << "goflow-background-jobs: " << message << "\n" << kUsage;
    std::exit(kExitUsage);
}

Options parse_options(int argc, char* argv[]) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "--help") {
            std::cout << kUsage
                      << "Runs N jobs of MS milliseconds on a worker pool; every --fail-every-th "
                         "job throws (0: none).\n"
                         "Stops when all jobs finish, after --duration-ms (0: no limit), or on "
                         "SIGINT/SIGTERM, then drains\n"
                         "the queue for at most --grace-ms before discarding what is left.\n";
            std::exit(0);
        }
        std::int64_t* target = nullptr;
        std::int64_t minimum = 0;
        if (name == "--jobs") {
            target = &options.jobs;
        } else if (name == "--workers") {
            target = &options.workers;
            minimum = 1;
        } else if (name == "--job-ms") {
            target = &options.job_ms;
        } else if (name == "--fail-every") {
            target = &options.fail_every;
        } else if (name == "--duration-ms") {
            target = &options.duration_ms;
        } else if (name == "--grace-ms") {
            target = &options.grace_ms;
        } else {
            usage_error("unknown option " + std::string(name));
        }
        if (i + 1 >= argc) {
            usage_error("missing value for " + std::string(name));
        }
        const std::string_view value = argv[++i];
        const char* end = value.data() + value.size();
        const auto [ptr, ec] = std::from_chars(value.data(), end, *target);
        if (ec != std::errc() || ptr != end || *target < minimum) {
            usage_error("invalid value for " + std::string(name) + ": \"" + std::string(value) +
                        "\" (expected an integer >= " + std::to_string(minimum) + ")");
        }
    }
    return options;
}

// Creates the self-pipe and installs the handler for SIGINT and SIGTERM. Returns the read end.
int install_stop_signals() {
    int fds[2];
    if (pipe(fds) != 0) {
        return -1;
    }
    for (const int fd : fds) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    g_signal_pipe_write = fds[1];
    struct sigaction action = {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &action, nullptr) != 0 || sigaction(SIGTERM, &action, nullptr) != 0) {
        return -1;
    }
    return fds[0];
}

// Waits up to `timeout_ms` (negative: no limit) for a signal. Returns the signal number, or 0.
int wait_for_signal(int pipe_read, int timeout_ms) {
    pollfd entry{.fd = pipe_read, .events = POLLIN, .revents = 0};
    const int ready = poll(&entry, 1, timeout_ms);
    if (ready <= 0) {
        return 0;
    }
    unsigned char byte = 0;
    if (read(pipe_read, &byte, 1) != 1) {
        return 0;
    }
    return byte;
}

// One background job: sleeps `duration` unless the pool cancels it, and fails every
// `fail_every`-th job by throwing, as real jobs do when a dependency is down.
void run_job(const goflow::Context& ctx, std::int64_t id, std::int64_t fail_every,
             goflow::Duration duration) {
    const goflow::Clock& clock = *goflow::system_clock();
    if (!clock.sleep_until(clock.now() + duration, ctx.stop_token())) {
        throw std::runtime_error("job " + std::to_string(id) + " canceled");
    }
    if (fail_every > 0 && id % fail_every == 0) {
        throw std::runtime_error("job " + std::to_string(id) + " failed on purpose");
    }
}

const char* signal_name(int signal_number) {
    return signal_number == SIGINT ? "SIGINT" : "SIGTERM";
}

}  // namespace

int main(int argc, char* argv[]) {
    const Options options = parse_options(argc, argv);

    const int signal_pipe = install_stop_signals();
    if (signal_pipe < 0) {
        std::cerr << "goflow-background-jobs: cannot install the signal handlers\n";
        return kExitSystem;
    }

    goflow::WorkerPool pool({.workers = options.workers,
                             .queue_capacity = goflow::WorkerPoolOptions::unbounded,
                             .name = "background-jobs"});
    const goflow::Duration job_duration = std::chrono::milliseconds(options.job_ms);
    for (std::int64_t id = 1; id <= options.jobs; ++id) {
        const goflow::Result<void> posted = pool.post(
            [id, fail_every = options.fail_every, job_duration](const goflow::Context& ctx) {
                run_job(ctx, id, fail_every, job_duration);
            });
        if (!posted) {
            std::cerr << "goflow-background-jobs: job " << id
                      << " rejected: " << posted.error().describe() << "\n";
        }
    }
    std::cout << "goflow-background-jobs: running " << options.jobs << " jobs on "
              << options.workers << " workers\n"
              << std::flush;

    // Wait for the first of: every job finished, the duration limit, a stop signal. Polling
    // the pool every 10 ms keeps the main thread the only one that touches the pipe.
    const auto started = std::chrono::steady_clock::now();
    int signal_number = 0;
    std::string reason = "all jobs finished";
    while (true) {
        const goflow::WorkerPoolSnapshot snapshot = pool.snapshot();
        if (snapshot.queued == 0 && snapshot.running == 0) {
            break;
        }
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - started)
                                 .count();
        if (options.duration_ms > 0 && elapsed >= options.duration_ms) {
            reason = "duration limit reached";
            break;
        }
        signal_number = wait_for_signal(signal_pipe, 10);
        if (signal_number != 0) {
            reason = std::string("received ") + signal_name(signal_number);
            break;
        }
    }
    std::cout << "goflow-background-jobs: " << reason << ", shutting down\n" << std::flush;

    // Graceful first: shutdown() runs the queued jobs. A second signal or the grace period
    // ending forces shutdown_now(), which discards whatever is still queued.
    goflow::ShutdownHandle graceful = pool.shutdown();
    const auto grace_end =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options.grace_ms);
    bool forced = false;
    while (!graceful.done()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              grace_end - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0) {
            std::cout << "goflow-background-jobs: grace period of " << options.grace_ms
                      << " ms over, discarding queued jobs\n";
            forced = true;
            break;
        }
        const int second =
            wait_for_signal(signal_pipe, static_cast<int>(std::min<std::int64_t>(left, 10)));
        if (second != 0) {
            std::cout << "goflow-background-jobs: received " << signal_name(second)
                      << " again, discarding queued jobs\n";
            forced = true;
            break;
        }
    }
    if (forced) {
        const goflow::Result<void> stopped = pool.shutdown_now().wait();
        if (!stopped) {
            std::cerr << "goflow-background-jobs: forced shutdown failed: "
                      << stopped.error().describe() << "\n";
        }
    }
    if (const goflow::Result<void> stopped = graceful.wait(); !stopped) {
        std::cerr << "goflow-background-jobs: shutdown failed: " << stopped.error().describe()
                  << "\n";
    }

    const goflow::WorkerPoolSnapshot final_state = pool.snapshot();
    const std::uint64_t accounted =
        final_state.completed + final_state.failed + final_state.timed_out + final_state.discarded;
    std::cout << "goflow-background-jobs: " << final_state.accepted << " accepted, "
              << final_state.rejected << " rejected: " << final_state.completed << " completed, "
              << final_state.failed << " failed, " << final_state.timed_out << " timed out, "
              << final_state.discarded << " discarded\n";
    if (final_state.last_failure) {
        std::cout << "goflow-background-jobs: last failure: " << final_state.last_failure.describe()
                  << "\n";
    }
    if (accounted != final_state.accepted ||
        final_state.accepted + final_state.rejected != static_cast<std::uint64_t>(options.jobs)) {
        std::cout << "goflow-background-jobs: MISMATCH: " << accounted << " jobs accounted for, "
                  << final_state.accepted << " accepted, " << options.jobs << " submitted\n";
        return kExitMismatch;
    }
    std::cout << "goflow-background-jobs: all " << options.jobs << " jobs accounted for\n";
    return 0;
}
