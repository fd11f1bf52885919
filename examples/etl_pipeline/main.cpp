// goflow-etl-pipeline: an extract -> validate -> enrich -> load pipeline on goflow::Pipeline.
//
// The program generates --records CSV lines "id,customer,email,amount_cents". Every
// --malformed-every-th line lacks a field, so extract fails on it. Of the rest, every
// --invalid-every-th has an email without '@', so validate rejects it. Enrich looks up a
// customer tier (with a simulated 1 ms lookup), and load appends the record to an in-memory
// table. At the end it prints each failed record, the loaded totals, and per-stage counters with
// latency percentiles from PipelineStats.
//
// Usage: goflow-etl-pipeline [--records N] [--malformed-every N] [--invalid-every N]

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "goflow/context.hpp"
#include "goflow/error.hpp"
#include "goflow/histogram.hpp"
#include "goflow/pipeline.hpp"
#include "goflow/result.hpp"

namespace {

constexpr int kExitUsage = 2;
constexpr const char* kUsage =
    "usage: goflow-etl-pipeline [--records N] [--malformed-every N] [--invalid-every N]\n";

struct Options {
    std::int64_t records = 100;
    std::int64_t malformed_every = 7;  // 0: no malformed lines
    std::int64_t invalid_every = 5;    // 0: no invalid emails
};

// The fields of one line, still as text.
struct RawRecord {
    std::string id;
    std::string customer;
    std::string email;
    std::string amount;
};

struct ValidRecord {
    std::int64_t id = 0;
    std::string customer;
    std::string email;
    std::int64_t amount_cents = 0;
};

struct EnrichedRecord {
    ValidRecord record;
    std::string tier;
};

// The destination of the load stage: a table that stage appends to, one row at a time.
class Warehouse {
  public:
    std::int64_t insert(EnrichedRecord row) {
        std::lock_guard guard(mutex_);
        rows_.push_back(std::move(row));
        return static_cast<std::int64_t>(rows_.size());
    }
    std::vector<EnrichedRecord> rows() const {
        std::lock_guard guard(mutex_);
        return rows_;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<EnrichedRecord> rows_;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << "goflow-etl-pipeline: " << message << "\n" << kUsage;
    std::exit(kExitUsage);
}

bool parse_integer(std::string_view text, std::int64_t& value) {
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
                      << "Runs N generated records through extract, validate, enrich and load; "
                         "every --malformed-every-th\n"
                         "line lacks a field and every --invalid-every-th email lacks '@' (0: "
                         "none).\n";
            std::exit(0);
        }
        std::int64_t* target = nullptr;
        if (name == "--records") {
            target = &options.records;
        } else if (name == "--malformed-every") {
            target = &options.malformed_every;
        } else if (name == "--invalid-every") {
            target = &options.invalid_every;
        } else {
            usage_error("unknown option " + std::string(name));
        }
        if (i + 1 >= argc) {
            usage_error("missing value for " + std::string(name));
        }
        const std::string_view value = argv[++i];
        if (!parse_integer(value, *target) || *target < 0) {
            usage_error("invalid value for " + std::string(name) + ": \"" + std::string(value) +
                        "\" (expected an integer >= 0)");
        }
    }
    return options;
}

// Generates line `id` of the input, malformed or with an invalid email as the options request.
std::string make_line(std::int64_t id, const Options& options) {
    const std::string customer = "customer" + std::to_string(id % 10);
    const std::string amount = std::to_string(id * 250);
    if (options.malformed_every > 0 && id % options.malformed_every == 0) {
        return std::to_string(id) + "," + customer + "," + amount;  // the email field is missing
    }
    const bool bad_email = options.invalid_every > 0 && id % options.invalid_every == 0;
    const std::string email = customer + (bad_email ? ".example.com" : "@example.com");
    return std::to_string(id) + "," + customer + "," + email + "," + amount;
}

goflow::Result<RawRecord> extract(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        fields.push_back(line.substr(start, comma - start));
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    if (fields.size() != 4) {
        return goflow::Error(
            goflow::errc::task_failed,
            "expected 4 fields, got " + std::to_string(fields.size()) + " in \"" + line + "\"");
    }
    return RawRecord{fields[0], fields[1], fields[2], fields[3]};
}

goflow::Result<ValidRecord> validate(RawRecord raw) {
    ValidRecord record;
    if (!parse_integer(raw.id, record.id) || record.id <= 0) {
        return goflow::Error(goflow::errc::task_failed, "invalid id \"" + raw.id + "\"");
    }
    if (raw.customer.empty()) {
        return goflow::Error(goflow::errc::task_failed, "missing customer");
    }
    if (raw.email.find('@') == std::string::npos) {
        return goflow::Error(goflow::errc::task_failed, "invalid email \"" + raw.email + "\"");
    }
    if (!parse_integer(raw.amount, record.amount_cents) || record.amount_cents < 0) {
        return goflow::Error(goflow::errc::task_failed, "invalid amount \"" + raw.amount + "\"");
    }
    record.customer = std::move(raw.customer);
    record.email = std::move(raw.email);
    return record;
}

// Looks up the customer's tier. The 1 ms wait simulates a call to a customer service, and it
// ends early when the pipeline cancels the item.
EnrichedRecord enrich(const goflow::Context& ctx, ValidRecord record) {
    const auto lookup_end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
    while (!ctx.canceled() && std::chrono::steady_clock::now() < lookup_end) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    const char* tier = record.amount_cents >= 10000 ? "gold" : "standard";
    return EnrichedRecord{std::move(record), tier};
}

std::string format_micros(goflow::Duration d) {
    const double micros = std::chrono::duration<double, std::micro>(d).count();
    char text[32];
    std::snprintf(text, sizeof text, "%.0f us", micros);
    return text;
}

void print_stage_stats(const goflow::PipelineStats& stats) {
    std::printf("%-9s %6s %6s %6s %10s %10s %10s\n", "stage", "in", "out", "failed", "p50", "p90",
                "p99");
    for (const goflow::StageStats& stage : stats.stages) {
        std::printf("%-9s %6llu %6llu %6llu %10s %10s %10s\n", stage.name.c_str(),
                    static_cast<unsigned long long>(stage.in),
                    static_cast<unsigned long long>(stage.out),
                    static_cast<unsigned long long>(stage.failed),
                    format_micros(stage.processing.percentile(0.50)).c_str(),
                    format_micros(stage.processing.percentile(0.90)).c_str(),
                    format_micros(stage.processing.percentile(0.99)).c_str());
    }
    std::printf("end-to-end: %llu submitted, %llu succeeded, %llu failed; p50 %s, p99 %s\n",
                static_cast<unsigned long long>(stats.submitted),
                static_cast<unsigned long long>(stats.succeeded),
                static_cast<unsigned long long>(stats.failed),
                format_micros(stats.end_to_end.percentile(0.50)).c_str(),
                format_micros(stats.end_to_end.percentile(0.99)).c_str());
}

}  // namespace

int main(int argc, char* argv[]) {
    const Options options = parse_options(argc, argv);
    Warehouse warehouse;

    // Enrich waits on a remote lookup, so it runs 4 invocations at once. Load writes to one
    // table, so it keeps concurrency 1 and the rows arrive one at a time.
    auto pipeline =
        goflow::PipelineBuilder<std::string>()
            .stage("extract", [](std::string line) { return extract(line); })
            .stage("validate", [](RawRecord raw) { return validate(std::move(raw)); })
            .stage("enrich",
                   [](const goflow::Context& ctx, ValidRecord record) {
                       return enrich(ctx, std::move(record));
                   },
                   {.concurrency = 4})
            .stage("load",
                   [&warehouse](EnrichedRecord row) { return warehouse.insert(std::move(row)); })
            .build({.name = "etl"});

    std::vector<goflow::PipelineHandle<std::int64_t>> handles;
    handles.reserve(static_cast<std::size_t>(options.records));
    for (std::int64_t id = 1; id <= options.records; ++id) {
        handles.push_back(pipeline.submit(make_line(id, options)));
    }

    std::int64_t loaded = 0;
    for (std::size_t i = 0; i < handles.size(); ++i) {
        const goflow::PipelineResult<std::int64_t> result = handles[i].get();
        if (result.ok()) {
            ++loaded;
            continue;
        }
        const goflow::StageRecord* failed = result.first_error();
        std::cout << "record " << (i + 1) << " failed in "
                  << (failed != nullptr ? failed->stage : std::string("admission")) << ": "
                  << (failed != nullptr ? failed->error : result.output.error()).describe() << "\n";
    }

    std::int64_t total_cents = 0;
    std::int64_t gold = 0;
    for (const EnrichedRecord& row : warehouse.rows()) {
        total_cents += row.record.amount_cents;
        gold += row.tier == "gold" ? 1 : 0;
    }
    std::cout << "loaded " << loaded << " of " << options.records << " records (" << gold
              << " gold), total amount " << total_cents / 100 << "." << (total_cents % 100) / 10
              << (total_cents % 10) << "\n";
    std::cout << std::flush;
    // The pipeline counts an item as succeeded or failed before its handle completes, but it
    // leaves the in-flight count a moment later. Waiting for in_flight to reach 0 makes every
    // printed counter final.
    goflow::PipelineStats stats = pipeline.stats();
    while (stats.in_flight > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        stats = pipeline.stats();
    }
    print_stage_stats(stats);
    std::fflush(stdout);
    return 0;
}
