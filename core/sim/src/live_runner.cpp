#include "goflow/sim/live_runner.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <optional>
#include <queue>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

#include "goflow/worker_pool.hpp"
#include "goflow/writer.hpp"
#include "limiter_model.hpp"
#include "load_generator.hpp"
#include "random.hpp"

namespace goflow::sim {
namespace {

double to_ms(std::uint64_t ns) {
    return static_cast<double>(ns) / 1e6;
}

enum class EventKind { arrival, send, client_timeout, change, sample };

struct Event {
    Duration at;
    std::uint64_t sequence;
    EventKind kind;
    std::uint64_t id = 0;       // class (arrival), request (send, timeout), change index
    std::uint32_t attempt = 0;  // client_timeout

    bool operator>(const Event& other) const {
        return at != other.at ? at > other.at : sequence > other.sequence;
    }
};

struct Request {
    std::uint32_t cls = 0;
    std::uint32_t attempt = 0;
    std::int64_t client = -1;  // closed model: which client sent it
    Duration first_sent{};
    bool active = false;
};

// One attempt in the stations.
struct Job {
    std::uint64_t id = 0;
    std::uint64_t request = 0;
    std::uint32_t attempt = 0;
    std::uint32_t cls = 0;
    Duration admitted{};
};

// Splits "classes[1].limiters[0].rate" into {"classes", "1", "limiters", "0", "rate"}.
std::vector<std::string_view> split_name(std::string_view name) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '.' || name[i] == '[' || name[i] == ']') {
            if (i > start) {
                parts.push_back(name.substr(start, i - start));
            }
            start = i + 1;
        }
    }
    return parts;
}

// Returns the index in `text`, or SIZE_MAX when it is not a number below `count`.
std::size_t index_below(std::string_view text, std::size_t count) {
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value >= count) {
        return std::numeric_limits<std::size_t>::max();
    }
    return value;
}

std::optional<double> limiter_field(const LimiterConfig& limiter, std::string_view field) {
    using Type = LimiterConfig::Type;
    if (field == "rate" && limiter.type != Type::concurrency) {
        return limiter.rate;
    }
    if (field == "burst" && limiter.type == Type::token_bucket) {
        return static_cast<double>(limiter.burst);
    }
    if (field == "slack" && limiter.type == Type::leaky_bucket) {
        return static_cast<double>(limiter.slack);
    }
    if (field == "limit" && limiter.type == Type::concurrency) {
        return static_cast<double>(limiter.limit);
    }
    return std::nullopt;
}

// Reads the parameters that a live run can change, plus the client settings of a class.
std::optional<double> read_parameter(const Scenario& scenario, std::string_view name) {
    const auto parts = split_name(name);
    if (parts.size() == 2 && parts[0] == "pool" && parts[1] == "workers") {
        return scenario.pool.servers;
    }
    if (parts.size() == 3 && parts[0] == "stages" && parts[2] == "concurrency") {
        const std::size_t stage = index_below(parts[1], scenario.stages.size());
        if (stage < scenario.stages.size()) {
            return scenario.stages[stage].servers;
        }
        return std::nullopt;
    }
    std::size_t at = 0;
    std::size_t cls = 0;
    if (parts.size() >= 2 && parts[0] == "classes") {
        cls = index_below(parts[1], scenario.classes.size());
        at = 2;
    }
    if (cls >= scenario.classes.size()) {
        return std::nullopt;
    }
    const RequestClass& rc = scenario.classes[cls];
    if (parts.size() == at + 3 && parts[at] == "limiters") {
        const std::size_t limiter = index_below(parts[at + 1], rc.limiters.size());
        if (limiter < rc.limiters.size()) {
            return limiter_field(rc.limiters[limiter], parts[at + 2]);
        }
        return std::nullopt;
    }
    if (parts.size() == at + 2 && parts[at] == "client") {
        if (parts[at + 1] == "retries") {
            return rc.client.max_retries;
        }
        if (parts[at + 1] == "timeout_ms" && rc.client.timeout) {
            return std::chrono::duration<double, std::milli>(*rc.client.timeout).count();
        }
    }
    return std::nullopt;
}

}  // namespace

ScaledClock::ScaledClock(double speed)
    : speed_(speed),
      real_start_(std::chrono::steady_clock::now()),
      wall_start_(std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now())) {
    require_option(std::isfinite(speed) && speed > 0, "speed", "positive and finite", speed);
}

TimePoint ScaledClock::now() const noexcept {
    const auto real = std::chrono::steady_clock::now() - real_start_;
    return TimePoint(
        Duration(static_cast<Duration::rep>(static_cast<double>(real.count()) * speed_)));
}

WallTimePoint ScaledClock::wall_now() const noexcept {
    return wall_start_ + now().time_since_epoch();
}

Duration ScaledClock::to_real(Duration scaled) const noexcept {
    return Duration(static_cast<Duration::rep>(static_cast<double>(scaled.count()) / speed_));
}

bool ScaledClock::do_wait_until(std::unique_lock<std::mutex>& lock, std::condition_variable_any& cv,
                                std::stop_token stop, TimePoint deadline,
                                goflow::detail::PredicateRef pred) const {
    if (deadline == kNoDeadline) {
        return cv.wait(lock, stop, pred);
    }
    const Duration remaining = deadline - now();
    if (remaining > std::chrono::hours(24 * 365)) {
        return cv.wait(lock, stop, pred);
    }
    const auto real_deadline = std::chrono::steady_clock::now() + to_real(remaining);
    return cv.wait_until(lock, stop, real_deadline, pred);
}

class LiveRunner::Impl {
  public:
    Impl(Scenario scenario, LiveOptions options);

    void start();
    void stop();
    bool wait(std::chrono::milliseconds timeout);
    Result<void> set_parameter(std::string_view parameter, double value);
    Result<LiveChange> change_parameter(std::string_view parameter, double value);
    // Returns the totals so far, with the latency of the requests completed so far and the
    // writer's counters read now. Call with mutex_ held.
    [[nodiscard]] Summary current_summary() const;

    Scenario scenario_;
    std::shared_ptr<ScaledClock> clock_;

    mutable std::mutex mutex_;          // guards everything below except the pools and the threads
    std::condition_variable_any wake_;  // the driver waits here for its next event
    std::condition_variable finished_cv_;  // signalled when the run finishes
    bool finished_ = false;
    std::vector<Sample> samples_;  // recorded and not yet taken
    struct WaitTotals {
        std::uint64_t count = 0;
        std::uint64_t sum_ns = 0;
    };
    std::vector<WaitTotals> last_waits_;  // each pool's queue-wait totals at the last sample
    Summary totals_;

  private:
    struct ClassLive {
        std::vector<std::unique_ptr<detail::LimiterModel>> limiters;
        std::unique_ptr<detail::LoadGenerator> generator;
        LatencyHistogram latency;
    };

    void drive(std::stop_token stop);
    void schedule(Duration at, EventKind kind, std::uint64_t id = 0, std::uint32_t attempt = 0);
    void handle(std::unique_lock<std::mutex>& lock, const Event& e);
    void send_attempt(std::unique_lock<std::mutex>& lock, std::uint64_t request, Duration at);
    void submit(std::unique_lock<std::mutex>& lock, std::size_t station, Job job);
    void run_station(std::size_t station, Job job);
    void write_record(const Job& job);
    Result<void> sink_call(std::string_view bytes);
    void job_exit(const Job& job, bool served);
    void attempt_failed(std::uint64_t request, bool server_error);
    void finish_request(std::uint64_t request);
    Result<void> apply(std::string_view parameter, double value);
    void take_sample();
    void add_writer_totals(Summary& summary) const;
    [[nodiscard]] bool drained() const;

    detail::RandomStreams random_;  // guarded by mutex_; the service stream is drawn by workers
    std::vector<ClassLive> classes_;
    // Declared before the stations, so that it outlives their workers, which write to it.
    std::unique_ptr<AsyncWriter> writer_;
    std::uint64_t records_accepted_ = 0;  // guarded by mutex_
    std::uint64_t records_written_ = 0;   // guarded by mutex_; counted by the sink
    long double sink_ns_ = 0;             // guarded by mutex_; summed over sink calls
    std::vector<std::unique_ptr<WorkerPool>> stations_;  // the pool, then each stage
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
    std::uint64_t next_sequence_ = 0;
    std::unordered_map<std::uint64_t, Request> requests_;
    std::uint64_t next_request_ = 0;
    std::uint64_t next_job_ = 0;
    std::size_t pending_sends_ = 0;
    std::int64_t in_system_ = 0;
    Duration load_end_{};
    Sample interval_;
    LatencyHistogram interval_latency_;
    LatencyHistogram latency_;
    std::jthread driver_;
    bool stopped_ = false;
};

LiveRunner::Impl::Impl(Scenario scenario, LiveOptions options)
    : scenario_(std::move(scenario)),
      clock_(std::make_shared<ScaledClock>(options.speed)),
      random_(scenario_.seed),
      load_end_(scenario_.load_duration()) {
    totals_.load_duration = load_end_;
}

void LiveRunner::Impl::start() {
    std::unique_lock lock(mutex_);
    // The pools and limiters are built here rather than in the constructor, so that the clock's
    // zero is close to the moment the load starts.
    const auto make_pool = [&](const StationConfig& station, FullPolicy policy, Duration block) {
        WorkerPoolOptions options;
        options.workers = station.servers;
        options.queue_capacity = station.queue_capacity;
        options.full_policy = policy;
        options.block_timeout = block;
        options.clock = clock_;
        options.name = station.name;
        return std::make_unique<WorkerPool>(options);
    };
    const auto& pool = scenario_.pool;
    FullPolicy policy = FullPolicy::reject;
    Duration block_timeout{};
    if (pool.full_policy == PoolConfig::FullPolicy::block) {
        policy = pool.block_timeout ? FullPolicy::block_for : FullPolicy::block;
        block_timeout = pool.block_timeout.value_or(Duration::zero());
    }
    stations_.push_back(make_pool(pool, policy, block_timeout));
    for (const StationConfig& stage : scenario_.stages) {
        stations_.push_back(make_pool(stage, FullPolicy::block, Duration::zero()));
    }
    if (const auto& writer = scenario_.writer) {
        AsyncWriterOptions options;
        options.buffer_capacity = static_cast<std::size_t>(writer->buffer_bytes);
        options.flush_interval = writer->flush_interval;
        options.full_policy = writer->full_policy == WriterConfig::FullPolicy::block
                                  ? WriterFullPolicy::block
                                  : WriterFullPolicy::fail;
        options.max_retries = writer->max_retries;
        options.retry_backoff = writer->retry_backoff;
        options.clock = clock_;
        writer_ = std::make_unique<AsyncWriter>(
            options, [this](std::string_view bytes) { return sink_call(bytes); });
        totals_.has_writer = true;
    }
    classes_.resize(scenario_.classes.size());
    for (std::uint32_t c = 0; c < classes_.size(); ++c) {
        const RequestClass& rc = scenario_.classes[c];
        for (const LimiterConfig& limiter : rc.limiters) {
            classes_[c].limiters.push_back(detail::make_limiter_model(limiter, clock_, nullptr));
        }
        if (rc.load.model == LoadConfig::Model::open) {
            classes_[c].generator =
                std::make_unique<detail::LoadGenerator>(rc.load, random_.arrivals);
            if (auto first = classes_[c].generator->next()) {
                schedule(*first, EventKind::arrival, c);
            }
            continue;
        }
        const Duration think = rc.load.think_time.expected();
        for (int client = 0; client < rc.load.clients; ++client) {
            const double spread = think == Duration::max() ? 0 : random_.clients.uniform();
            const Duration at(
                static_cast<Duration::rep>(spread * static_cast<double>(think.count())));
            const std::uint64_t request = next_request_++;
            requests_[request] = Request{c, 0, client, {}, false};
            ++pending_sends_;
            schedule(std::min(at, rc.load.closed_duration), EventKind::send, request);
        }
    }
    for (std::size_t i = 0; i < scenario_.changes.size(); ++i) {
        schedule(scenario_.changes[i].at, EventKind::change, i);
    }
    schedule(scenario_.sample_interval, EventKind::sample);
    driver_ = std::jthread([this](std::stop_token stop) { drive(stop); });
}

void LiveRunner::Impl::schedule(Duration at, EventKind kind, std::uint64_t id,
                                std::uint32_t attempt) {
    events_.push(Event{at, next_sequence_++, kind, id, attempt});
    wake_.notify_all();
}

void LiveRunner::Impl::drive(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested() && !finished_) {
        const Event next = events_.top();
        const TimePoint due(next.at);
        const std::uint64_t seen = next_sequence_;
        // Wake at the event's time, or earlier when a worker schedules something sooner.
        clock_->wait_until(lock, wake_, stop, due,
                           [&] { return next_sequence_ != seen && events_.top().at < next.at; });
        if (stop.stop_requested()) {
            return;
        }
        while (!events_.empty() && TimePoint(events_.top().at) <= clock_->now() && !finished_) {
            const Event e = events_.top();
            events_.pop();
            handle(lock, e);
        }
    }
}

void LiveRunner::Impl::handle(std::unique_lock<std::mutex>& lock, const Event& e) {
    switch (e.kind) {
        case EventKind::arrival: {
            const auto cls = static_cast<std::uint32_t>(e.id);
            if (auto next = classes_[cls].generator->next()) {
                schedule(*next, EventKind::arrival, cls);
            }
            const std::uint64_t request = next_request_++;
            requests_[request] = Request{cls, 0, -1, {}, false};
            send_attempt(lock, request, e.at);
            break;
        }
        case EventKind::send: {
            --pending_sends_;
            if (requests_.count(e.id) != 0) {
                send_attempt(lock, e.id, e.at);
            }
            break;
        }
        case EventKind::client_timeout: {
            auto it = requests_.find(e.id);
            if (it != requests_.end() && it->second.active && it->second.attempt == e.attempt) {
                ++interval_.timed_out;
                ++totals_.timed_out;
                attempt_failed(e.id, false);
            }
            break;
        }
        case EventKind::change: {
            const ParameterChange& change = scenario_.changes[e.id];
            static_cast<void>(apply(change.parameter, change.value));
            break;
        }
        case EventKind::sample:
            take_sample();
            break;
    }
}

void LiveRunner::Impl::send_attempt(std::unique_lock<std::mutex>& lock, std::uint64_t request,
                                    Duration at) {
    Request& r = requests_[request];
    if (!r.active) {
        r.active = true;
        r.first_sent = at;
        ++interval_.offered;
        ++totals_.offered;
    } else {
        ++interval_.retried;
        ++totals_.retried;
    }
    ++totals_.attempts;
    const ClientConfig& client = scenario_.classes[r.cls].client;
    if (client.timeout) {
        schedule(at + *client.timeout, EventKind::client_timeout, request, r.attempt);
    }
    Job job{next_job_++, request, r.attempt, r.cls, at};
    auto& limiters = classes_[r.cls].limiters;
    for (std::size_t i = 0; i < limiters.size(); ++i) {
        if (!limiters[i]->admit(at, job.id)) {
            for (std::size_t j = 0; j < i; ++j) {
                limiters[j]->release(job.id);
            }
            ++interval_.rejected_by_limiter;
            ++totals_.rejected_by_limiter;
            attempt_failed(request, false);
            return;
        }
    }
    submit(lock, 0, job);
}

// Submits `job` to station `station`. The pool's own full policy decides; the lock is released
// around the submission because a blocking submit waits for workers that need the lock.
void LiveRunner::Impl::submit(std::unique_lock<std::mutex>& lock, std::size_t station, Job job) {
    ++in_system_;
    lock.unlock();
    WorkerPool& pool = *stations_[station];
    const Result<void> accepted =
        pool.post([this, station, job](const Context&) { run_station(station, job); });
    lock.lock();
    if (accepted) {
        ++interval_.admitted;
        ++totals_.admitted;
        return;
    }
    --in_system_;
    for (auto& limiter : classes_[job.cls].limiters) {
        limiter->release(job.id);
    }
    ++interval_.rejected_by_queue;
    ++totals_.rejected_by_queue;
    if (requests_.count(job.request) != 0 && requests_[job.request].attempt == job.attempt) {
        attempt_failed(job.request, false);
    }
}

// Runs on a worker of `station`: serves the job, then hands it to the next stage, whose blocking
// full policy holds this worker while that stage is full.
void LiveRunner::Impl::run_station(std::size_t station, Job job) {
    const StationConfig& config = station == 0 ? scenario_.pool : scenario_.stages[station - 1];
    Duration service;
    bool failed = false;
    {
        std::lock_guard guard(mutex_);
        service = random_.service.draw(config.service_time);
        if (config.timeout && service > *config.timeout) {
            service = *config.timeout;
            failed = true;
        } else if (config.error_rate > 0 && random_.service.uniform() < config.error_rate) {
            failed = true;
        }
    }
    std::this_thread::sleep_for(clock_->to_real(service));
    if (!failed && station + 1 == stations_.size() && writer_) {
        write_record(job);
        return;
    }
    if (failed || station + 1 == stations_.size()) {
        job_exit(job, !failed);
        return;
    }
    const Result<void> handed = stations_[station + 1]->post(
        [this, station, job](const Context&) { run_station(station + 1, job); });
    if (!handed) {
        job_exit(job, false);  // the stage shut down
    }
}

// Runs on a worker of the last station: writes the job's record, one line of `record_bytes`
// bytes. Under the block policy the write holds this worker until the record fits.
void LiveRunner::Impl::write_record(const Job& job) {
    std::int64_t bytes = 0;
    {
        std::lock_guard guard(mutex_);
        bytes = detail::draw_record_bytes(*scenario_.writer, random_.writer);
    }
    std::string record(static_cast<std::size_t>(bytes - 1), 'x');
    record.push_back('\n');
    const Result<void> written = writer_->write(record);
    if (!written) {
        {
            std::lock_guard guard(mutex_);
            ++interval_.writer_dropped;
            ++totals_.writer_records_dropped;
        }
        job_exit(job, false);
        return;
    }
    const auto buffered = static_cast<std::int64_t>(writer_->snapshot().buffered);
    {
        std::lock_guard guard(mutex_);
        ++records_accepted_;
        totals_.writer_max_buffered_bytes = std::max(totals_.writer_max_buffered_bytes, buffered);
    }
    job_exit(job, true);
}

// The writer's sink: sleeps for the drawn write time and fails with the scenario's error rate.
// Runs on the writer's background thread.
Result<void> LiveRunner::Impl::sink_call(std::string_view bytes) {
    Duration time{};
    bool fail = false;
    {
        std::lock_guard guard(mutex_);
        const WriterConfig& writer = *scenario_.writer;
        time = detail::draw_flush_time(writer, static_cast<std::int64_t>(bytes.size()),
                                       random_.writer);
        fail = writer.error_rate > 0 && random_.writer.uniform() < writer.error_rate;
    }
    const TimePoint start = clock_->now();
    std::this_thread::sleep_for(clock_->to_real(time));
    const Duration took = clock_->now() - start;
    std::lock_guard guard(mutex_);
    ++interval_.writer_flushes;
    ++totals_.writer_flushes;
    sink_ns_ += static_cast<long double>(took.count());
    if (fail) {
        ++totals_.writer_sink_errors;
        return Error(errc::io_error, "simulated sink error");
    }
    records_written_ += static_cast<std::uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
    return {};
}

void LiveRunner::Impl::job_exit(const Job& job, bool served) {
    std::lock_guard guard(mutex_);
    --in_system_;
    for (auto& limiter : classes_[job.cls].limiters) {
        limiter->release(job.id);
    }
    auto it = requests_.find(job.request);
    const bool current =
        it != requests_.end() && it->second.active && it->second.attempt == job.attempt;
    if (!current) {
        totals_.wasted += served ? 1 : 0;
    } else if (!served) {
        attempt_failed(job.request, true);
    } else {
        const auto latency = static_cast<std::uint64_t>(
            (clock_->now().time_since_epoch() - it->second.first_sent).count());
        interval_latency_.record(latency);
        latency_.record(latency);
        ++interval_.completed;
        ++totals_.completed;
        finish_request(job.request);
    }
    wake_.notify_all();
}

void LiveRunner::Impl::attempt_failed(std::uint64_t request, bool server_error) {
    Request& r = requests_[request];
    const ClientConfig& client = scenario_.classes[r.cls].client;
    if (static_cast<int>(r.attempt) < client.max_retries) {
        ++r.attempt;
        ++pending_sends_;
        schedule(clock_->now().time_since_epoch() +
                     detail::retry_delay(client, r.attempt, random_.clients),
                 EventKind::send, request);
        return;
    }
    if (server_error) {
        ++interval_.failed;
        ++totals_.failed;
    } else {
        ++interval_.dropped;
        ++totals_.dropped;
    }
    finish_request(request);
}

void LiveRunner::Impl::finish_request(std::uint64_t request) {
    const Request r = requests_[request];
    requests_.erase(request);
    if (r.client < 0) {
        return;
    }
    const LoadConfig& load = scenario_.classes[r.cls].load;
    const Duration next = clock_->now().time_since_epoch() + random_.clients.draw(load.think_time);
    if (next < load.closed_duration) {
        const std::uint64_t follow_up = next_request_++;
        requests_[follow_up] = Request{r.cls, 0, r.client, {}, false};
        ++pending_sends_;
        schedule(next, EventKind::send, follow_up);
    }
}

bool LiveRunner::Impl::drained() const {
    return clock_->now().time_since_epoch() >= load_end_ && pending_sends_ == 0 &&
           in_system_ == 0 && (!writer_ || writer_->snapshot().buffered == 0);
}

void LiveRunner::Impl::take_sample() {
    interval_.time = clock_->now().time_since_epoch();
    interval_.tokens = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t c = 0; c < classes_.size(); ++c) {
        for (std::size_t i = 0; i < classes_[c].limiters.size(); ++i) {
            const double level = classes_[c].limiters[i]->level(interval_.time);
            interval_.limiter_levels.push_back(level);
            if (c == 0 && std::isnan(interval_.tokens) &&
                scenario_.classes[c].limiters[i].type == LimiterConfig::Type::token_bucket) {
                interval_.tokens = level;
            }
        }
    }
    last_waits_.resize(stations_.size());
    for (std::size_t i = 0; i < stations_.size(); ++i) {
        const WorkerPoolSnapshot snapshot = stations_[i]->snapshot();
        StationSample s;
        s.queue_depth = static_cast<int>(snapshot.queued);
        s.busy = static_cast<int>(snapshot.running);
        // The pool's wait histogram counts from its start and reads the scaled clock, so the
        // interval's mean in scenario time is the growth of its sum over the growth of its count.
        const HistogramSnapshot& waits = snapshot.queue_wait;
        const std::uint64_t count = waits.count - last_waits_[i].count;
        if (count > 0) {
            const auto sum_ns = static_cast<double>(waits.sum_ns - last_waits_[i].sum_ns);
            s.wait_mean_ms = sum_ns / static_cast<double>(count) / 1e6;
        }
        last_waits_[i] = {waits.count, waits.sum_ns};
        interval_.stations.push_back(s);
    }
    interval_.queue_depth = interval_.stations[0].queue_depth;
    interval_.busy_workers = interval_.stations[0].busy;
    if (writer_) {
        const AsyncWriterSnapshot snapshot = writer_->snapshot();
        interval_.writer_buffered_bytes = static_cast<std::int64_t>(snapshot.buffered);
        totals_.writer_max_buffered_bytes =
            std::max(totals_.writer_max_buffered_bytes, interval_.writer_buffered_bytes);
    }
    totals_.max_queue_depth = std::max(totals_.max_queue_depth, interval_.queue_depth);
    interval_.latency_p50_ms = to_ms(interval_latency_.percentile(50));
    interval_.latency_p95_ms = to_ms(interval_latency_.percentile(95));
    interval_.latency_p99_ms = to_ms(interval_latency_.percentile(99));
    interval_latency_.clear();
    const Duration sampled_at = interval_.time;
    samples_.push_back(std::move(interval_));
    interval_ = Sample{};

    if (drained()) {
        finished_ = true;
        totals_.simulated = clock_->now().time_since_epoch();
        totals_.latency_mean_ms = latency_.mean() / 1e6;
        totals_.latency_p50_ms = to_ms(latency_.percentile(50));
        totals_.latency_p95_ms = to_ms(latency_.percentile(95));
        totals_.latency_p99_ms = to_ms(latency_.percentile(99));
        totals_.latency_max_ms = to_ms(latency_.max());
        if (writer_) {
            add_writer_totals(totals_);
            // Nothing is buffered once the run has drained, so every other record failed.
            totals_.writer_records_failed = records_accepted_ - records_written_;
        }
        finished_cv_.notify_all();
        return;
    }
    schedule(sampled_at + scenario_.sample_interval, EventKind::sample);
}

// Copies the writer's byte counters, written records and mean sink call time into `summary`.
// Called with mutex_ held.
void LiveRunner::Impl::add_writer_totals(Summary& summary) const {
    const AsyncWriterSnapshot snapshot = writer_->snapshot();
    summary.writer_bytes_written = snapshot.written;
    summary.writer_bytes_failed = snapshot.failed;
    summary.writer_records_written = records_written_;
    if (summary.writer_flushes > 0) {
        summary.writer_mean_flush_ms =
            static_cast<double>(sink_ns_ / static_cast<long double>(summary.writer_flushes) / 1e6L);
    }
}

Summary LiveRunner::Impl::current_summary() const {
    Summary summary = totals_;
    if (!finished_) {
        // Like Engine::summary(), report the latency of the requests completed so far.
        summary.latency_mean_ms = latency_.mean() / 1e6;
        summary.latency_p50_ms = to_ms(latency_.percentile(50));
        summary.latency_p95_ms = to_ms(latency_.percentile(95));
        summary.latency_p99_ms = to_ms(latency_.percentile(99));
        summary.latency_max_ms = to_ms(latency_.max());
    }
    if (writer_ && !finished_) {
        // NOTE: records lost to sink errors are known only once the run has drained, because
        // the writer counts failed bytes, not records.
        add_writer_totals(summary);
    }
    return summary;
}

Result<void> LiveRunner::Impl::apply(std::string_view parameter, double value) {
    Scenario probe = scenario_;
    if (auto ok = goflow::sim::set_parameter(probe, parameter, value); !ok) {
        return ok;
    }
    const std::string name(parameter);
    if (name == "pool.workers") {
        static_cast<void>(stations_[0]->set_workers(static_cast<std::int64_t>(value)));
    } else if (name.starts_with("stages[") && name.ends_with("].concurrency")) {
        const std::size_t stage = std::stoul(name.substr(7));
        static_cast<void>(stations_[stage + 1]->set_workers(static_cast<std::int64_t>(value)));
    } else if (const auto open = name.find("limiters["); open != std::string::npos) {
        std::size_t cls = name.starts_with("classes[") ? std::stoul(name.substr(8)) : 0;
        const std::size_t limiter = std::stoul(name.substr(open + 9));
        classes_[cls].limiters[limiter]->set(std::string_view(name).substr(name.rfind('.') + 1),
                                             value, clock_->now().time_since_epoch());
    } else if (name == "writer.write_time_ms" || name == "writer.write_ms_per_kib" ||
               name == "writer.error_rate") {
        // The sink reads these from scenario_ on every call.
    } else if (!name.starts_with("classes[") && !name.starts_with("client")) {
        return Error(std::make_error_code(std::errc::operation_not_supported),
                     name +
                         " cannot change during a live run; limiter settings, pool.workers, "
                         "stages[i].concurrency and the writer's write time and error rate can");
    }
    // In place, field by field: the load generators keep references into scenario_.
    return goflow::sim::set_parameter(scenario_, parameter, value);
}

Result<void> LiveRunner::Impl::set_parameter(std::string_view parameter, double value) {
    std::lock_guard guard(mutex_);
    if (stations_.empty()) {
        return Error(std::make_error_code(std::errc::operation_not_permitted),
                     "the live run has not started");
    }
    return apply(parameter, value);
}

Result<LiveChange> LiveRunner::Impl::change_parameter(std::string_view parameter, double value) {
    std::lock_guard guard(mutex_);
    if (stations_.empty()) {
        return Error(std::make_error_code(std::errc::operation_not_permitted),
                     "the live run has not started");
    }
    const std::optional<double> old_value = read_parameter(scenario_, parameter);
    if (auto ok = apply(parameter, value); !ok) {
        return ok.error();
    }
    if (!old_value) {
        // apply() accepted a name that read_parameter() does not cover, such as a client
        // timeout that was unset before.
        return LiveChange{clock_->now().time_since_epoch(),
                          std::numeric_limits<double>::quiet_NaN(), value};
    }
    return LiveChange{clock_->now().time_since_epoch(), *old_value,
                      read_parameter(scenario_, parameter).value_or(value)};
}

void LiveRunner::Impl::stop() {
    {
        std::lock_guard guard(mutex_);
        if (stopped_) {
            return;
        }
        stopped_ = true;
    }
    if (driver_.joinable()) {
        driver_.request_stop();
        driver_.join();
    }
    for (auto& station : stations_) {
        static_cast<void>(station->shutdown_now().wait());
    }
    if (writer_) {
        // Writes out what is still buffered: a run stopped early does not lose records silently.
        static_cast<void>(writer_->close());
    }
}

bool LiveRunner::Impl::wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return finished_cv_.wait_for(lock, timeout, [this] { return finished_; });
}

LiveRunner::LiveRunner(Scenario scenario, LiveOptions options)
    : impl_(std::make_unique<Impl>(std::move(scenario), options)) {}

LiveRunner::~LiveRunner() {
    impl_->stop();
}

void LiveRunner::start() {
    impl_->start();
}

void LiveRunner::stop() {
    impl_->stop();
}

bool LiveRunner::wait(std::chrono::milliseconds timeout) {
    return impl_->wait(timeout);
}

bool LiveRunner::finished() const {
    std::lock_guard guard(impl_->mutex_);
    return impl_->finished_;
}

Result<void> LiveRunner::set_parameter(std::string_view parameter, double value) {
    return impl_->set_parameter(parameter, value);
}

Result<LiveChange> LiveRunner::change_parameter(std::string_view parameter, double value) {
    return impl_->change_parameter(parameter, value);
}

Result<double> LiveRunner::parameter(std::string_view parameter) const {
    std::lock_guard guard(impl_->mutex_);
    if (auto value = read_parameter(impl_->scenario_, parameter)) {
        return *value;
    }
    return Error(std::make_error_code(std::errc::invalid_argument),
                 "unknown parameter " + std::string(parameter) +
                     "; readable: pool.workers, stages[i].concurrency, limiters[i].rate, burst, "
                     "slack or limit, client.retries and client.timeout_ms, each limiter and "
                     "client name optionally prefixed with classes[c].");
}

std::vector<Sample> LiveRunner::samples_from(std::size_t first) const {
    std::lock_guard guard(impl_->mutex_);
    const auto& samples = impl_->samples_;
    if (first >= samples.size()) {
        return {};
    }
    return {samples.begin() + static_cast<std::ptrdiff_t>(first), samples.end()};
}

std::vector<Sample> LiveRunner::take_samples() {
    std::lock_guard guard(impl_->mutex_);
    return std::exchange(impl_->samples_, {});
}

std::vector<Sample> LiveRunner::samples() const {
    std::lock_guard guard(impl_->mutex_);
    return impl_->samples_;
}

Summary LiveRunner::summary() const {
    std::lock_guard guard(impl_->mutex_);
    return impl_->current_summary();
}

const ScaledClock& LiveRunner::clock() const {
    return *impl_->clock_;
}

SimulationResult run_live(const Scenario& scenario, double speed) {
    LiveRunner runner(scenario, {.speed = speed});
    runner.start();
    runner.wait();
    runner.stop();
    return {runner.samples(), runner.summary()};
}

}  // namespace goflow::sim
