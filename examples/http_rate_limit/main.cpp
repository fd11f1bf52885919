// goflow-http-rate-limit: an HTTP server whose GET /hello is rate limited by a token bucket.
// Requests over the limit get 429 Too Many Requests with Retry-After. SIGINT or SIGTERM stops
// the server gracefully: requests in progress finish, then it prints its counters and exits 0.
//
// Usage: goflow-http-rate-limit [--host ADDRESS] [--port N] [--rate TOKENS_PER_SECOND] [--burst N]
// --port 0 picks a free port. The first line on stdout names the address it listens on.

#include <pthread.h>
#include <signal.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>

#include <httplib.h>

#include "goflow/token_bucket.hpp"
#include "rate_limited_endpoint.hpp"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitListenFailed = 3;

struct Options {
    std::string host = "127.0.0.1";
    int port = 8080;
    double rate = 5;
    std::int64_t burst = 10;
};

template <class T>
bool parse_number(std::string_view text, T& value) {
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc() && ptr == end;
}

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << "goflow-http-rate-limit: " << message << "\n"
              << "usage: goflow-http-rate-limit [--host ADDRESS] [--port N] "
                 "[--rate TOKENS_PER_SECOND] [--burst N]\n";
    std::exit(kExitUsage);
}

Options parse_options(int argc, char* argv[]) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "--help") {
            std::cout << "usage: goflow-http-rate-limit [--host ADDRESS] [--port N] "
                         "[--rate TOKENS_PER_SECOND] [--burst N]\n"
                         "Serves GET /hello, rate limited by a token bucket (default: 5 tokens/s,"
                         " burst 10, 127.0.0.1:8080).\n";
            std::exit(0);
        }
        if (i + 1 >= argc) {
            usage_error("missing value for " + std::string(name));
        }
        const std::string_view value = argv[++i];
        bool ok = true;
        if (name == "--host") {
            options.host = value;
        } else if (name == "--port") {
            ok = parse_number(value, options.port) && options.port >= 0 && options.port <= 65535;
        } else if (name == "--rate") {
            ok = parse_number(value, options.rate);
        } else if (name == "--burst") {
            ok = parse_number(value, options.burst);
        } else {
            usage_error("unknown option " + std::string(name));
        }
        if (!ok) {
            usage_error("invalid value for " + std::string(name) + ": \"" + std::string(value) +
                        "\"");
        }
    }
    return options;
}

}  // namespace

int main(int argc, char* argv[]) {
    const Options options = parse_options(argc, argv);

    std::unique_ptr<goflow::TokenBucket> bucket;
    try {
        bucket = std::make_unique<goflow::TokenBucket>(
            goflow::TokenBucketOptions{.rate = options.rate, .burst = options.burst});
    } catch (const std::invalid_argument& error) {
        usage_error(error.what());
    }

    // Block SIGINT and SIGTERM before any thread starts, so every thread inherits the mask and
    // only the waiter below receives them. server.stop() is not async-signal-safe, so it must
    // not be called from a signal handler.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    httplib::Server server;
    goflow::examples::add_rate_limited_endpoint(server, "/hello", *bucket);

    int port = options.port;
    if (port == 0) {
        port = server.bind_to_any_port(options.host);
    } else if (!server.bind_to_port(options.host, port)) {
        port = -1;
    }
    if (port < 0) {
        std::cerr << "goflow-http-rate-limit: cannot listen on " << options.host << ":"
                  << options.port << "\n";
        return kExitListenFailed;
    }

    std::thread signal_waiter([&server, &stop_signals] {
        int signal_number = 0;
        sigwait(&stop_signals, &signal_number);
        std::cout << "goflow-http-rate-limit: received "
                  << (signal_number == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n"
                  << std::flush;
        server.stop();
    });

    std::cout << "goflow-http-rate-limit: listening on http://" << options.host << ":" << port
              << "/hello (rate " << options.rate << "/s, burst " << options.burst << ")\n"
              << std::flush;
    const bool served = server.listen_after_bind();
    if (!served) {
        // The accept loop failed on its own; wake the signal waiter so that it can be joined.
        std::cerr << "goflow-http-rate-limit: the server stopped with an error\n";
        pthread_kill(signal_waiter.native_handle(), SIGTERM);
    }
    signal_waiter.join();

    const auto snapshot = bucket->snapshot();
    std::cout << "goflow-http-rate-limit: stopped; " << snapshot.admitted << " admitted, "
              << snapshot.rejected << " rejected\n";
    return served ? 0 : kExitListenFailed;
}
