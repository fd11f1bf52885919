// goflow-web-service: a simulated burst of requests through the parts of a web service.
//
// No network is involved. Request k arrives at k * --interval-ms on a goflow::ManualClock, so
// every run makes the same decisions:
// - A goflow::TokenBucket (--rate per second, --burst) limits the API; an empty bucket is 429.
// - A goflow::Pipeline handles each admitted request: parse, query, render. The query stage
//   takes a permit of a goflow::ConcurrencyLimiter (--db-slots) that guards a fake database and
//   holds it for --query-ms of clock time. A request that finds no free permit gets 503.
// - Every 200 posts a follow-up job (an audit record) to a goflow::WorkerPool.
// It prints each request's status, the 429 positions, and totals that must add up to --requests.
//
// Usage: goflow-web-service [--requests N] [--interval-ms MS] [--rate R] [--burst N]
//                           [--db-slots N] [--query-ms MS]

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <future>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "goflow/clock.hpp"
#include "goflow/concurrency_limiter.hpp"
#include "goflow/context.hpp"
#include "goflow/error.hpp"
#include "goflow/pipeline.hpp"
#include "goflow/result.hpp"
#include "goflow/token_bucket.hpp"
#include "goflow/worker_pool.hpp"

namespace {

constexpr int kExitMismatch = 1;
constexpr int kExitUsage = 2;
constexpr const char* kUsage =
    "usage: goflow-web-service [--requests N] [--interval-ms MS] [--rate R] [--burst N]\n"
    "                          [--db-slots N] [--query-ms MS]\n";

struct Options {
    std::int64_t requests = 20;
    std::int64_t interval_ms = 10;
    double rate = 20;
    std::int64_t burst = 5;
    std::int64_t db_slots = 2;
    std::int64_t query_ms = 25;
};

// Release time of the query's database permit, or std::nullopt when no permit was free. The
// query stage sends it to the main thread before it waits on the database.
using QueryStart = std::optional<goflow::TimePoint>;

struct HttpRequest {
    std::int64_t id = 0;
    std::string target;
    std::shared_ptr<std::promise<QueryStart>> query_started;
};

struct ParsedRequest {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::shared_ptr<std::promise<QueryStart>> query_started;
};

struct QueryResult {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string row;
};

struct HttpResponse {
    int status = 200;
    std::string body;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << "goflow-web-service: " << message << "\n" << kUsage;
    std::exit(kExitUsage);
}

template <class T>
bool parse_number(std::string_view text, T& value) {
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc() && ptr == end;
}

Options parse_options(int argc, char* argv[]) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view name = argv[i];
        if (name == "--help") {
            std::cout << kUsage
                      << "Simulates N requests, one every MS milliseconds of simulated time, "
                         "through a token bucket (429),\n"
                         "a request pipeline and a database limited to --db-slots concurrent "
                         "queries of --query-ms (503).\n";
            std::exit(0);
        }
        if (i + 1 >= argc) {
            usage_error("missing value for " + std::string(name));
        }
        const std::string_view value = argv[++i];
        bool ok = true;
        if (name == "--requests") {
            ok = parse_number(value, options.requests) && options.requests >= 0;
        } else if (name == "--interval-ms") {
            ok = parse_number(value, options.interval_ms) && options.interval_ms >= 0;
        } else if (name == "--rate") {
            ok = parse_number(value, options.rate) && options.rate >= 0;
        } else if (name == "--burst") {
            ok = parse_number(value, options.burst) && options.burst >= 1;
        } else if (name == "--db-slots") {
            ok = parse_number(value, options.db_slots) && options.db_slots >= 1;
        } else if (name == "--query-ms") {
            ok = parse_number(value, options.query_ms) && options.query_ms >= 0;
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

// Maps the error that ended a request to its HTTP status.
int status_for(const goflow::Error& error) {
    // Only the query stage fails with rate_limited, which ConcurrencyLimiter::try_acquire
    // returns when every database permit is in use.
    if (error == goflow::errc::rate_limited) {
        return 503;
    }
    if (error == goflow::errc::task_failed) {
        return 400;
    }
    return 500;
}

}  // namespace

int main(int argc, char* argv[]) {
    const Options options = parse_options(argc, argv);
    auto clock = std::make_shared<goflow::ManualClock>();
    const goflow::Duration interval = std::chrono::milliseconds(options.interval_ms);
    const goflow::Duration query_time = std::chrono::milliseconds(options.query_ms);

    goflow::TokenBucket api_limiter({.rate = options.rate, .burst = options.burst, .clock = clock});
    goflow::ConcurrencyLimiter database({.limit = options.db_slots, .clock = clock});

    // Query invocations wait on the manual clock while they hold a database permit, so the
    // pipeline gets a pool with a worker for each of them plus room for the other stages.
    auto request_workers = std::make_shared<goflow::WorkerPool>(
        goflow::WorkerPoolOptions{.workers = options.db_slots + 2,
                                  .queue_capacity = goflow::WorkerPoolOptions::unbounded,
                                  .name = "requests"});
    auto pipeline =
        goflow::PipelineBuilder<HttpRequest>()
            .stage("parse",
                   [](HttpRequest request) -> goflow::Result<ParsedRequest> {
                       const std::string_view prefix = "/users/";
                       std::int64_t user_id = 0;
                       const std::string_view target = request.target;
                       if (!target.starts_with(prefix) ||
                           !parse_number(target.substr(prefix.size()), user_id)) {
                           request.query_started->set_value(std::nullopt);
                           return goflow::Error(goflow::errc::task_failed,
                                                "invalid target " + request.target);
                       }
                       return ParsedRequest{request.id, user_id, request.query_started};
                   })
            .stage("query",
                   [&database, &clock, query_time](
                       const goflow::Context& ctx,
                       ParsedRequest request) -> goflow::Result<QueryResult> {
                       auto permit = database.try_acquire();
                       if (!permit) {
                           request.query_started->set_value(std::nullopt);
                           return goflow::Error(permit.error().code,
                                                "no free database connection for request " +
                                                    std::to_string(request.id));
                       }
                       const goflow::TimePoint done = clock->now() + query_time;
                       request.query_started->set_value(done);
                       if (!clock->sleep_until(done, ctx.stop_token())) {
                           return goflow::Error(goflow::errc::canceled, "query canceled");
                       }
                       return QueryResult{request.id, request.user_id,
                                          "user " + std::to_string(request.user_id)};
                   },
                   {.concurrency = options.db_slots + 1})
            .stage("render",
                   [](QueryResult result) {
                       return HttpResponse{200, "{\"name\": \"" + result.row + "\"}"};
                   })
            .build({.pool = request_workers, .name = "requests"});

    goflow::WorkerPool follow_up_pool({.workers = 1, .name = "follow-up"});
    std::atomic<std::int64_t> audit_records{0};

    std::vector<int> statuses(static_cast<std::size_t>(options.requests), 0);
    std::vector<std::pair<std::size_t, goflow::PipelineHandle<HttpResponse>>> handles;
    std::vector<goflow::TimePoint> busy_until;  // release times of the permits in use

    for (std::int64_t id = 0; id < options.requests; ++id) {
        clock->advance_to(goflow::TimePoint{} + id * interval);

        // Queries whose time is up release their permits on their own threads. Waiting for
        // that gives the next try_acquire the same database state on every run.
        std::erase_if(busy_until, [&](goflow::TimePoint t) { return t <= clock->now(); });
        while (database.in_use() != static_cast<std::int64_t>(busy_until.size())) {
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }

        if (!api_limiter.allow()) {
            statuses[static_cast<std::size_t>(id)] = 429;
            continue;
        }
        auto query_started = std::make_shared<std::promise<QueryStart>>();
        std::future<QueryStart> started = query_started->get_future();
        goflow::PipelineHandle<HttpResponse> handle =
            pipeline.submit({id, "/users/" + std::to_string(id % 7), std::move(query_started)});

        // Wait until the query has taken a permit or failed to, unless the request ended
        // before the query stage (the promise then stays unset).
        while (started.wait_for(std::chrono::milliseconds(1)) != std::future_status::ready) {
            if (handle.ready()) {
                break;
            }
        }
        if (started.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
            if (const QueryStart release_at = started.get()) {
                busy_until.push_back(*release_at);
            }
        }
        handles.emplace_back(static_cast<std::size_t>(id), std::move(handle));
    }
    // Let every query still holding a permit finish.
    clock->advance(query_time);

    for (auto& [index, handle] : handles) {
        const goflow::PipelineResult<HttpResponse> result = handle.get();
        if (!result.output) {
            statuses[index] = status_for(result.output.error());
            continue;
        }
        statuses[index] = result.output->status;
        const goflow::Result<void> posted =
            follow_up_pool.post([&audit_records] { audit_records.fetch_add(1); });
        if (!posted) {
            std::cerr << "goflow-web-service: follow-up for request " << index
                      << " rejected: " << posted.error().describe() << "\n";
        }
    }
    if (const goflow::Result<void> stopped = follow_up_pool.shutdown().wait(); !stopped) {
        std::cerr << "goflow-web-service: follow-up pool shutdown failed: "
                  << stopped.error().describe() << "\n";
    }

    std::cout << "statuses:";
    for (const int status : statuses) {
        std::cout << ' ' << status;
    }
    std::cout << "\n429 at requests:";
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        if (statuses[i] == 429) {
            std::cout << ' ' << i;
        }
    }
    const auto count = [&statuses](int status) {
        return std::count(statuses.begin(), statuses.end(), status);
    };
    const auto ok = count(200);
    const auto limited = count(429);
    const auto unavailable = count(503);
    const auto other = static_cast<std::int64_t>(statuses.size()) - ok - limited - unavailable;
    std::cout << "\n200: " << ok << ", 429: " << limited << ", 503: " << unavailable
              << ", other: " << other << ", total: " << options.requests << "\n";
    std::cout << "follow-up audit records: " << audit_records.load() << "\n";

    const goflow::TokenBucketSnapshot bucket = api_limiter.snapshot();
    if (ok + limited + unavailable + other != options.requests ||
        static_cast<std::int64_t>(bucket.rejected) != limited || audit_records.load() != ok) {
        std::cout << "MISMATCH: the counts do not add up (bucket rejected " << bucket.rejected
                  << ")\n";
        return kExitMismatch;
    }
    return 0;
}
