#include "goflow/sim/engine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <queue>
#include <utility>

#include "limiter_model.hpp"
#include "load_generator.hpp"
#include "random.hpp"

namespace goflow::sim {
namespace {

using detail::LimiterModel;
using detail::LoadGenerator;
using detail::Random;

constexpr std::uint32_t kNoClient = std::numeric_limits<std::uint32_t>::max();

double to_ms(std::uint64_t ns) {
    return static_cast<double>(ns) / 1e6;
}

enum class EventKind : std::uint8_t {
    arrival,         // a: class; the next open-model arrival of that class
    send,            // b: request slot, c: generation; a retry or a closed client's request
    service_done,    // a: station, b: job slot, c: outcome
    client_timeout,  // a: attempt, b: request slot, c: generation
    block_timeout,   // b: job slot, c: generation; a blocked submitter gives up
    change,          // a: index into scenario.changes
    writer_timer,    // the writer's oldest buffered byte may have waited the flush interval
    sink_done,       // c: outcome; the sink call for the writer's batch ended
    sink_retry,      // the retry backoff after a failed sink call ended
};

enum Outcome : std::uint32_t { kServed = 0, kError = 1, kTimedOut = 2 };

struct Event {
    Duration at;
    std::uint64_t sequence;  // insertion order: ties run first-scheduled first
    EventKind kind;
    std::uint32_t a = 0;
    std::uint64_t b = 0;
    std::uint32_t c = 0;

    bool operator>(const Event& other) const {
        return at != other.at ? at > other.at : sequence > other.sequence;
    }
};

// A request as the client sees it: it survives retries.
struct Request {
    std::uint32_t cls = 0;
    std::uint32_t attempt = 0;
    std::uint32_t generation = 0;
    std::uint32_t client = kNoClient;  // closed model: which client sent it
    Duration first_sent{};
    bool active = false;
};

// One attempt inside the system: from admission until it leaves the last station.
struct Job {
    std::uint64_t request = 0;
    std::uint32_t request_generation = 0;
    std::uint32_t attempt = 0;  // which attempt of the request this job is
    std::uint32_t cls = 0;
    std::uint32_t generation = 0;
    std::uint32_t station = 0;
    Duration admitted{};
    Duration entered_station{};
    std::uint32_t record_bytes = 0;  // the record this job writes, once drawn
    bool in_system = false;  // false while waiting to enter a full pool under the block policy
};

struct Station {
    StationConfig config;
    int working = 0;
    std::deque<std::uint64_t> queue;    // waiting jobs, FIFO
    std::deque<std::uint64_t> blocked;  // finished jobs holding a server, FIFO
    LatencyHistogram interval_latency;
    LatencyHistogram latency;
    StationSummary totals;
    double wait_ns = 0;
    std::uint64_t waits = 0;
    double interval_wait_ns = 0;  // the waits of the current sample interval
    std::uint64_t interval_waits = 0;

    [[nodiscard]] int occupied() const { return working + static_cast<int>(blocked.size()); }
};

// The writer after the last station; see AsyncWriter. The buffer contains records not yet taken by
// a flush; the batch is the buffer's content at the last flush, which the sink is writing.
struct WriterState {
    WriterConfig config;
    std::int64_t buffered = 0;
    std::uint64_t buffered_records = 0;
    Duration oldest{};             // when the buffer last became non-empty
    bool busy = false;             // the sink is writing the batch or waiting to retry it
    bool flush_requested = false;  // a blocked record needs the buffer emptied now
    std::int64_t batch = 0;        // bytes of the batch
    std::uint64_t batch_records = 0;
    int batch_calls = 0;  // sink calls made for the batch so far
    Duration call_started{};
    long double sink_ns = 0;  // summed over sink calls

    [[nodiscard]] bool fits(std::int64_t bytes) const {
        // As in AsyncWriter, a record larger than the buffer waits for an empty buffer.
        return bytes > config.buffer_bytes ? buffered == 0
                                           : buffered + bytes <= config.buffer_bytes;
    }
    [[nodiscard]] bool flush_due(Duration now) const {
        return buffered > 0 &&
               (flush_requested || buffered >= std::max<std::int64_t>(config.buffer_bytes / 2, 1) ||
                now - oldest >= config.flush_interval);
    }
};

struct ClassState {
    std::vector<std::unique_ptr<LimiterModel>> limiters;
    std::unique_ptr<LoadGenerator> generator;
    LatencyHistogram latency;
    ClassSummary totals;
};

// A slot vector with a free list. Each reuse of a slot bumps its generation, so events that
// were scheduled for an earlier occupant are recognised and ignored.
template <class T>
class SlotVector {
  public:
    std::uint64_t allocate() {
        if (!free_.empty()) {
            const std::uint64_t slot = free_.back();
            free_.pop_back();
            const std::uint32_t generation = items_[slot].generation + 1;
            items_[slot] = T{};
            items_[slot].generation = generation;
            return slot;
        }
        items_.emplace_back();
        return items_.size() - 1;
    }
    void release(std::uint64_t slot) { free_.push_back(slot); }
    T& operator[](std::uint64_t slot) { return items_[slot]; }
    [[nodiscard]] std::size_t live() const { return items_.size() - free_.size(); }

  private:
    std::vector<T> items_;
    std::vector<std::uint64_t> free_;
};

}  // namespace

class Engine::Impl {
  public:
    explicit Impl(Scenario scenario);

    void run_until(Duration t);
    Summary summary() const;

    Scenario scenario_;
    std::vector<Sample> samples_;   // recorded and not yet taken
    std::size_t sample_count_ = 0;  // recorded since the start, taken or not
    Duration now_{};
    bool finished_ = false;

  private:
    void schedule(Duration at, EventKind kind, std::uint32_t a = 0, std::uint64_t b = 0,
                  std::uint32_t c = 0);
    void handle(const Event& e);

    void on_arrival(std::uint32_t cls);
    void start_request(std::uint32_t cls, std::uint32_t client);
    void send_attempt(std::uint64_t request);
    void attempt_failed(std::uint64_t request, bool server_error);
    void finish_request(std::uint64_t request);
    void on_client_timeout(std::uint64_t request, std::uint32_t generation, std::uint32_t attempt);
    void on_block_timeout(std::uint64_t job, std::uint32_t generation);
    void on_change(std::size_t index);

    // Writer: offer_record() takes the record of a job that finished the last station.
    void offer_record(std::uint64_t job);
    void accept_record(std::uint64_t job);
    void start_flush();
    void start_sink_call();
    void on_sink_done(std::uint32_t outcome);
    void end_batch();
    void writer_idle();
    void writer_room_freed();

    bool try_enter(std::uint32_t station, std::uint64_t job);
    void start_service(std::uint32_t station, std::uint64_t job);
    void on_service_done(std::uint32_t station, std::uint64_t job, std::uint32_t outcome);
    void leave_station(std::uint32_t station, std::uint64_t job);
    void release_server(std::uint32_t station);
    void room_freed(std::uint32_t station);
    void admit_job(std::uint64_t job);
    void job_exit(std::uint64_t job, bool served);
    void release_limiters(const Job& job, std::uint64_t slot, std::size_t count);
    // Returns whether the job's client still waits for it: same request, same attempt.
    [[nodiscard]] bool is_current(const Job& job);

    void set_in_system(std::int64_t delta);
    void take_sample();
    [[nodiscard]] bool drained() const;

    std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
    detail::RandomStreams random_;
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
    std::uint64_t next_sequence_ = 0;
    Duration next_sample_;
    Duration load_end_;

    std::vector<ClassState> classes_;
    std::vector<Station> stations_;
    std::optional<WriterState> writer_;
    SlotVector<Request> requests_;
    SlotVector<Job> jobs_;
    std::deque<std::uint64_t> pool_backlog_;  // submitters waiting for room (block policy)
    std::size_t pending_sends_ = 0;           // scheduled retries and closed-client sends

    Summary totals_;
    Sample interval_;
    LatencyHistogram interval_latency_;
    LatencyHistogram latency_;

    // Little's law bookkeeping over admitted jobs.
    std::int64_t in_system_ = 0;
    Duration in_system_since_{};
    long double in_system_area_ = 0;  // job-nanoseconds
    long double time_in_system_ = 0;  // nanoseconds, summed over jobs that left
    std::uint64_t left_system_ = 0;
};

Engine::Impl::Impl(Scenario scenario)
    : scenario_(std::move(scenario)),
      random_(scenario_.seed),
      next_sample_(scenario_.sample_interval),
      load_end_(scenario_.load_duration()) {
    totals_.load_duration = load_end_;
    stations_.resize(1 + scenario_.stages.size());
    stations_[0].config = scenario_.pool;
    for (std::size_t i = 0; i < scenario_.stages.size(); ++i) {
        stations_[i + 1].config = scenario_.stages[i];
    }
    for (Station& s : stations_) {
        s.totals.name = s.config.name;
    }
    if (scenario_.writer) {
        writer_.emplace();
        writer_->config = *scenario_.writer;
        totals_.has_writer = true;
    }

    classes_.resize(scenario_.classes.size());
    for (std::uint32_t c = 0; c < classes_.size(); ++c) {
        const RequestClass& rc = scenario_.classes[c];
        classes_[c].totals.name = rc.name;
        for (const LimiterConfig& limiter : rc.limiters) {
            classes_[c].limiters.push_back(
                detail::make_limiter_model(limiter, clock_, clock_.get()));
        }
        if (rc.load.model == LoadConfig::Model::open) {
            classes_[c].generator = std::make_unique<LoadGenerator>(rc.load, random_.arrivals);
            on_arrival(c);
            continue;
        }
        const Duration think = rc.load.think_time.expected();
        for (int client = 0; client < rc.load.clients; ++client) {
            // Clients start spread over one think time, so they do not all send at once.
            const double spread = think == Duration::max() ? 0 : random_.clients.uniform();
            const Duration start(
                static_cast<Duration::rep>(spread * static_cast<double>(think.count())));
            const std::uint64_t request = requests_.allocate();
            requests_[request].cls = c;
            requests_[request].client = static_cast<std::uint32_t>(client);
            ++pending_sends_;
            schedule(std::min(start, rc.load.closed_duration), EventKind::send, 0, request,
                     requests_[request].generation);
        }
    }
    for (std::uint32_t i = 0; i < scenario_.changes.size(); ++i) {
        schedule(scenario_.changes[i].at, EventKind::change, i);
    }
}

void Engine::Impl::schedule(Duration at, EventKind kind, std::uint32_t a, std::uint64_t b,
                            std::uint32_t c) {
    events_.push(Event{at, next_sequence_++, kind, a, b, c});
}

void Engine::Impl::run_until(Duration t) {
    while (!finished_) {
        const Duration next_event = events_.empty() ? Duration::max() : events_.top().at;
        if (std::min(next_event, next_sample_) > t) {
            break;
        }
        ++totals_.events;
        // A sample records the state after every event at or before its time.
        if (next_event <= next_sample_) {
            const Event e = events_.top();
            events_.pop();
            now_ = e.at;
            handle(e);
        } else {
            now_ = next_sample_;
            take_sample();
        }
    }
    if (!finished_ && t > now_) {
        now_ = t;
    }
}

void Engine::Impl::handle(const Event& e) {
    switch (e.kind) {
        case EventKind::arrival: {
            start_request(e.a, kNoClient);
            on_arrival(e.a);
            break;
        }
        case EventKind::send:
            --pending_sends_;
            if (requests_[e.b].generation == e.c) {
                send_attempt(e.b);
            }
            break;
        case EventKind::service_done:
            on_service_done(e.a, e.b, e.c);
            break;
        case EventKind::client_timeout:
            on_client_timeout(e.b, e.c, e.a);
            break;
        case EventKind::block_timeout:
            on_block_timeout(e.b, e.c);
            break;
        case EventKind::change:
            on_change(e.a);
            break;
        case EventKind::writer_timer:
            // A timer set before the flush interval grew finds nothing due and sets a later one.
            if (!writer_->busy) {
                writer_idle();
            }
            break;
        case EventKind::sink_done:
            on_sink_done(e.c);
            break;
        case EventKind::sink_retry:
            start_sink_call();
            break;
    }
}

// Schedules the class's next open-model arrival, if its load has one.
void Engine::Impl::on_arrival(std::uint32_t cls) {
    if (auto next = classes_[cls].generator->next()) {
        schedule(*next, EventKind::arrival, cls);
    }
}

void Engine::Impl::start_request(std::uint32_t cls, std::uint32_t client) {
    const std::uint64_t request = requests_.allocate();
    Request& r = requests_[request];
    r.cls = cls;
    r.client = client;
    send_attempt(request);
}

void Engine::Impl::send_attempt(std::uint64_t request) {
    Request& r = requests_[request];
    if (!r.active) {
        r.active = true;
        r.first_sent = now_;
        ++interval_.offered;
        ++totals_.offered;
        ++classes_[r.cls].totals.offered;
    } else {
        ++interval_.retried;
        ++totals_.retried;
    }
    ++totals_.attempts;
    const RequestClass& rc = scenario_.classes[r.cls];
    if (rc.client.timeout) {
        schedule(now_ + *rc.client.timeout, EventKind::client_timeout, r.attempt, request,
                 r.generation);
    }

    const std::uint64_t job = jobs_.allocate();
    Job& j = jobs_[job];
    j.request = request;
    j.request_generation = r.generation;
    j.attempt = r.attempt;
    j.cls = r.cls;
    auto& limiters = classes_[r.cls].limiters;
    for (std::size_t i = 0; i < limiters.size(); ++i) {
        if (!limiters[i]->admit(now_, job)) {
            release_limiters(j, job, i);
            jobs_.release(job);
            ++interval_.rejected_by_limiter;
            ++totals_.rejected_by_limiter;
            ++classes_[r.cls].totals.rejected;
            attempt_failed(request, false);
            return;
        }
    }
    if (pool_backlog_.empty() && try_enter(0, job)) {
        admit_job(job);
        return;
    }
    if (scenario_.pool.full_policy == PoolConfig::FullPolicy::block) {
        pool_backlog_.push_back(job);
        if (scenario_.pool.block_timeout) {
            schedule(now_ + *scenario_.pool.block_timeout, EventKind::block_timeout, 0, job,
                     jobs_[job].generation);
        }
        return;
    }
    release_limiters(jobs_[job], job, limiters.size());
    jobs_.release(job);
    ++interval_.rejected_by_queue;
    ++totals_.rejected_by_queue;
    ++classes_[r.cls].totals.rejected;
    attempt_failed(request, false);
}

void Engine::Impl::release_limiters(const Job& job, std::uint64_t slot, std::size_t count) {
    auto& limiters = classes_[job.cls].limiters;
    for (std::size_t i = 0; i < count; ++i) {
        limiters[i]->release(slot);
    }
}

void Engine::Impl::admit_job(std::uint64_t job) {
    Job& j = jobs_[job];
    j.in_system = true;
    j.admitted = now_;
    set_in_system(+1);
    ++interval_.admitted;
    ++totals_.admitted;
}

// The attempt ended without success: retry after a backoff while retries remain, otherwise the
// request ends as failed (a station error) or dropped (rejected or timed out).
void Engine::Impl::attempt_failed(std::uint64_t request, bool server_error) {
    Request& r = requests_[request];
    const ClientConfig& client = scenario_.classes[r.cls].client;
    if (static_cast<int>(r.attempt) < client.max_retries) {
        ++r.attempt;
        ++pending_sends_;
        schedule(now_ + detail::retry_delay(client, r.attempt, random_.clients), EventKind::send, 0,
                 request, r.generation);
        return;
    }
    if (server_error) {
        ++interval_.failed;
        ++totals_.failed;
        ++classes_[r.cls].totals.failed;
    } else {
        ++interval_.dropped;
        ++totals_.dropped;
        ++classes_[r.cls].totals.dropped;
    }
    finish_request(request);
}

void Engine::Impl::finish_request(std::uint64_t request) {
    requests_[request].active = false;
    const Request r = requests_[request];
    requests_.release(request);
    if (r.client == kNoClient) {
        return;
    }
    // A closed-model client thinks, then sends its next request while its load lasts.
    const LoadConfig& load = scenario_.classes[r.cls].load;
    const Duration next = now_ + random_.clients.draw(load.think_time);
    if (next < load.closed_duration) {
        const std::uint64_t follow_up = requests_.allocate();
        requests_[follow_up].cls = r.cls;
        requests_[follow_up].client = r.client;
        ++pending_sends_;
        schedule(next, EventKind::send, 0, follow_up, requests_[follow_up].generation);
    }
}

void Engine::Impl::on_client_timeout(std::uint64_t request, std::uint32_t generation,
                                     std::uint32_t attempt) {
    Request& r = requests_[request];
    if (r.generation != generation || !r.active || r.attempt != attempt) {
        return;
    }
    ++interval_.timed_out;
    ++totals_.timed_out;
    // The attempt's job, if it is still in the system, keeps going without a client: when it
    // finishes, is_current() finds that its request moved on, and counts it as wasted.
    attempt_failed(request, false);
}

void Engine::Impl::on_block_timeout(std::uint64_t job, std::uint32_t generation) {
    if (jobs_[job].generation != generation || jobs_[job].in_system) {
        return;
    }
    const auto it = std::find(pool_backlog_.begin(), pool_backlog_.end(), job);
    if (it == pool_backlog_.end()) {
        return;
    }
    pool_backlog_.erase(it);
    const Job j = jobs_[job];
    release_limiters(j, job, classes_[j.cls].limiters.size());
    jobs_.release(job);
    ++interval_.rejected_by_queue;
    ++totals_.rejected_by_queue;
    ++classes_[j.cls].totals.rejected;
    attempt_failed(j.request, false);
}

bool Engine::Impl::is_current(const Job& job) {
    const Request& r = requests_[job.request];
    return r.generation == job.request_generation && r.active && r.attempt == job.attempt;
}

// Puts `job` into `station`: onto a free server, or into the queue. Returns false when neither
// has room.
bool Engine::Impl::try_enter(std::uint32_t station, std::uint64_t job) {
    Station& s = stations_[station];
    if (s.occupied() < s.config.servers) {
        jobs_[job].station = station;
        jobs_[job].entered_station = now_;
        ++s.totals.entered;
        start_service(station, job);
        return true;
    }
    if (std::cmp_less(s.queue.size(), s.config.queue_capacity)) {
        jobs_[job].station = station;
        jobs_[job].entered_station = now_;
        ++s.totals.entered;
        s.queue.push_back(job);
        s.totals.max_queue_depth =
            std::max(s.totals.max_queue_depth, static_cast<int>(s.queue.size()));
        return true;
    }
    return false;
}

void Engine::Impl::start_service(std::uint32_t station, std::uint64_t job) {
    Station& s = stations_[station];
    ++s.working;
    const auto wait = static_cast<double>((now_ - jobs_[job].entered_station).count());
    s.wait_ns += wait;
    ++s.waits;
    s.interval_wait_ns += wait;
    ++s.interval_waits;
    Duration service = random_.service.draw(s.config.service_time);
    std::uint32_t outcome = kServed;
    if (s.config.timeout && service > *s.config.timeout) {
        service = *s.config.timeout;
        outcome = kTimedOut;
    } else if (s.config.error_rate > 0 && random_.service.uniform() < s.config.error_rate) {
        outcome = kError;
    }
    schedule(now_ + service, EventKind::service_done, station, job, outcome);
}

void Engine::Impl::leave_station(std::uint32_t station, std::uint64_t job) {
    Station& s = stations_[station];
    const auto sojourn = static_cast<std::uint64_t>((now_ - jobs_[job].entered_station).count());
    s.interval_latency.record(sojourn);
    s.latency.record(sojourn);
}

void Engine::Impl::on_service_done(std::uint32_t station, std::uint64_t job,
                                   std::uint32_t outcome) {
    Station& s = stations_[station];
    --s.working;
    const bool last = station + 1 == stations_.size();
    if (outcome != kServed) {
        ++s.totals.errors;
        leave_station(station, job);
        release_server(station);
        job_exit(job, false);
        return;
    }
    ++s.totals.served;
    if (last && writer_) {
        offer_record(job);
        return;
    }
    if (last) {
        leave_station(station, job);
        release_server(station);
        job_exit(job, true);
        return;
    }
    // The next stage takes the item now, or the item keeps this server busy until it has room.
    const Duration entered = jobs_[job].entered_station;
    if (try_enter(station + 1, job)) {
        Job& j = jobs_[job];
        const Duration next_entered = j.entered_station;
        j.entered_station = entered;
        leave_station(station, job);
        j.entered_station = next_entered;
        release_server(station);
        return;
    }
    s.blocked.push_back(job);
}

// A server of `station` became free. It goes to the next queued job, and then the station
// before (or the pool's blocked submitters) may move work in.
void Engine::Impl::release_server(std::uint32_t station) {
    Station& s = stations_[station];
    while (s.occupied() < s.config.servers && !s.queue.empty()) {
        const std::uint64_t next = s.queue.front();
        s.queue.pop_front();
        start_service(station, next);
    }
    room_freed(station);
}

// Room appeared in `station`: move in items blocked in the station before it (each move frees a
// server there, which cascades upstream), or, for the pool, submitters waiting under the block
// policy.
void Engine::Impl::room_freed(std::uint32_t station) {
    if (station == 0) {
        while (!pool_backlog_.empty() && try_enter(0, pool_backlog_.front())) {
            const std::uint64_t job = pool_backlog_.front();
            pool_backlog_.pop_front();
            admit_job(job);
        }
        return;
    }
    Station& before = stations_[station - 1];
    while (!before.blocked.empty()) {
        const std::uint64_t job = before.blocked.front();
        const Duration entered = jobs_[job].entered_station;
        if (!try_enter(station, job)) {
            return;
        }
        before.blocked.pop_front();
        Job& j = jobs_[job];
        const Duration next_entered = j.entered_station;
        j.entered_station = entered;
        leave_station(station - 1, job);
        j.entered_station = next_entered;
        release_server(station - 1);
    }
}

void Engine::Impl::job_exit(std::uint64_t job, bool served) {
    const Job j = jobs_[job];
    release_limiters(j, job, classes_[j.cls].limiters.size());
    jobs_.release(job);
    set_in_system(-1);
    time_in_system_ += static_cast<long double>((now_ - j.admitted).count());
    ++left_system_;

    if (!is_current(j)) {
        if (served) {
            ++totals_.wasted;
        }
        return;
    }
    if (!served) {
        attempt_failed(j.request, true);
        return;
    }
    Request& r = requests_[j.request];
    const auto latency = static_cast<std::uint64_t>((now_ - r.first_sent).count());
    interval_latency_.record(latency);
    latency_.record(latency);
    classes_[r.cls].latency.record(latency);
    ++interval_.completed;
    ++totals_.completed;
    ++classes_[r.cls].totals.completed;
    finish_request(j.request);
}

void Engine::Impl::set_in_system(std::int64_t delta) {
    in_system_area_ += static_cast<long double>(in_system_) *
                       static_cast<long double>((now_ - in_system_since_).count());
    in_system_since_ = now_;
    in_system_ += delta;
}

void Engine::Impl::on_change(std::size_t index) {
    const ParameterChange& change = scenario_.changes[index];
    if (!set_parameter(scenario_, change.parameter, change.value)) {
        return;  // validated when the scenario was loaded
    }
    // Mirror the new value into the running components.
    stations_[0].config.servers = scenario_.pool.servers;
    stations_[0].config.queue_capacity = scenario_.pool.queue_capacity;
    stations_[0].config.error_rate = scenario_.pool.error_rate;
    stations_[0].config.service_time = scenario_.pool.service_time;
    for (std::size_t i = 0; i < scenario_.stages.size(); ++i) {
        stations_[i + 1].config = scenario_.stages[i];
    }
    for (std::uint32_t station = 0; station < stations_.size(); ++station) {
        release_server(station);
    }
    if (writer_ && scenario_.writer) {
        writer_->config = *scenario_.writer;
        // A larger buffer or a shorter interval may let records in or make a flush due now.
        if (!writer_->busy) {
            writer_idle();
        }
        writer_room_freed();
    }
    const std::string& name = change.parameter;
    const auto dot = name.rfind('.');
    const auto open = name.find("limiters[");
    if (open == std::string::npos || dot == std::string::npos) {
        return;
    }
    std::size_t cls = 0;
    if (name.starts_with("classes[")) {
        cls = std::stoul(name.substr(8));
    }
    const std::size_t limiter = std::stoul(name.substr(open + 9));
    classes_[cls].limiters[limiter]->set(std::string_view(name).substr(dot + 1), change.value,
                                         now_);
}

// The job finished the last station: its record enters the writer's buffer, waits in the last
// station's server for room (block), or is dropped and fails the attempt (fail).
void Engine::Impl::offer_record(std::uint64_t job) {
    WriterState& w = *writer_;
    const std::uint32_t last = static_cast<std::uint32_t>(stations_.size() - 1);
    Station& s = stations_[last];
    jobs_[job].record_bytes =
        static_cast<std::uint32_t>(detail::draw_record_bytes(w.config, random_.writer));
    const std::int64_t bytes = jobs_[job].record_bytes;
    const bool block = w.config.full_policy == WriterConfig::FullPolicy::block;
    // Earlier blocked records go first.
    if (s.blocked.empty() && !w.fits(bytes) && block) {
        // The waiting record needs the buffered bytes gone now, not at the flush interval.
        w.flush_requested = true;
        if (!w.busy) {
            start_flush();
        }
    }
    if (s.blocked.empty() && w.fits(bytes)) {
        accept_record(job);
        return;
    }
    if (block) {
        w.flush_requested = true;
        s.blocked.push_back(job);
        return;
    }
    ++interval_.writer_dropped;
    ++totals_.writer_records_dropped;
    leave_station(last, job);
    release_server(last);
    job_exit(job, false);
}

void Engine::Impl::accept_record(std::uint64_t job) {
    WriterState& w = *writer_;
    const bool was_empty = w.buffered == 0;
    if (was_empty) {
        w.oldest = now_;
    }
    w.buffered += jobs_[job].record_bytes;
    ++w.buffered_records;
    totals_.writer_max_buffered_bytes =
        std::max(totals_.writer_max_buffered_bytes, w.buffered + w.batch);
    const auto last = static_cast<std::uint32_t>(stations_.size() - 1);
    leave_station(last, job);
    release_server(last);
    job_exit(job, true);
    if (!w.busy) {
        if (w.flush_due(now_)) {
            start_flush();
        } else if (was_empty) {
            schedule(w.oldest + w.config.flush_interval, EventKind::writer_timer);
        }
    }
}

// Takes the whole buffer as the batch and starts writing it. The emptied buffer takes records at
// once, first the ones that wait in the last station.
void Engine::Impl::start_flush() {
    WriterState& w = *writer_;
    w.batch = w.buffered;
    w.batch_records = w.buffered_records;
    w.buffered = 0;
    w.buffered_records = 0;
    w.flush_requested = false;
    w.busy = true;
    w.batch_calls = 0;
    start_sink_call();
    writer_room_freed();
}

void Engine::Impl::start_sink_call() {
    WriterState& w = *writer_;
    w.call_started = now_;
    const Duration time = detail::draw_flush_time(w.config, w.batch, random_.writer);
    std::uint32_t outcome = kServed;
    if (w.config.error_rate > 0 && random_.writer.uniform() < w.config.error_rate) {
        outcome = kError;
    }
    schedule(now_ + time, EventKind::sink_done, 0, 0, outcome);
}

void Engine::Impl::on_sink_done(std::uint32_t outcome) {
    WriterState& w = *writer_;
    ++interval_.writer_flushes;
    ++totals_.writer_flushes;
    w.sink_ns += static_cast<long double>((now_ - w.call_started).count());
    ++w.batch_calls;
    if (outcome == kServed) {
        totals_.writer_bytes_written += static_cast<std::uint64_t>(w.batch);
        totals_.writer_records_written += w.batch_records;
        end_batch();
        return;
    }
    ++totals_.writer_sink_errors;
    if (w.batch_calls <= w.config.max_retries) {
        schedule(now_ + w.config.retry_backoff, EventKind::sink_retry);
        return;
    }
    totals_.writer_bytes_failed += static_cast<std::uint64_t>(w.batch);
    totals_.writer_records_failed += w.batch_records;
    end_batch();
}

void Engine::Impl::end_batch() {
    WriterState& w = *writer_;
    w.busy = false;
    w.batch = 0;
    w.batch_records = 0;
    writer_idle();
}

// The sink is idle: flush now when a flush is due, otherwise wake at the flush interval.
void Engine::Impl::writer_idle() {
    WriterState& w = *writer_;
    if (w.flush_due(now_)) {
        start_flush();
    } else if (w.buffered > 0) {
        schedule(w.oldest + w.config.flush_interval, EventKind::writer_timer);
    }
}

// Room appeared in the writer's buffer: records waiting in the last station enter in order.
void Engine::Impl::writer_room_freed() {
    WriterState& w = *writer_;
    Station& last = stations_.back();
    while (!last.blocked.empty() && w.fits(jobs_[last.blocked.front()].record_bytes)) {
        const std::uint64_t job = last.blocked.front();
        last.blocked.pop_front();
        accept_record(job);
    }
    if (!last.blocked.empty()) {
        w.flush_requested = true;
        if (!w.busy) {
            start_flush();  // only after a change shrank the buffer; start_flush() sets busy
        }
    }
}

bool Engine::Impl::drained() const {
    // Every live request has a scheduled send, a job in a station, or a submitter in the
    // backlog, so these counters reaching zero after the load means nothing is left to happen.
    return now_ >= load_end_ && pending_sends_ == 0 && in_system_ == 0 && pool_backlog_.empty() &&
           (!writer_ || (writer_->buffered == 0 && !writer_->busy));
}

void Engine::Impl::take_sample() {
    interval_.time = now_;
    interval_.tokens = std::numeric_limits<double>::quiet_NaN();
    interval_.limiter_levels.clear();
    for (std::size_t c = 0; c < classes_.size(); ++c) {
        const auto& configs = scenario_.classes[c].limiters;
        for (std::size_t i = 0; i < classes_[c].limiters.size(); ++i) {
            const double level = classes_[c].limiters[i]->level(now_);
            interval_.limiter_levels.push_back(level);
            if (c == 0 && std::isnan(interval_.tokens) &&
                configs[i].type == LimiterConfig::Type::token_bucket) {
                interval_.tokens = level;
            }
        }
    }
    interval_.stations.resize(stations_.size());
    for (std::size_t i = 0; i < stations_.size(); ++i) {
        Station& s = stations_[i];
        StationSample& out = interval_.stations[i];
        out.queue_depth = static_cast<int>(s.queue.size());
        out.busy = s.working;
        out.blocked = static_cast<int>(s.blocked.size());
        out.latency_p50_ms = to_ms(s.interval_latency.percentile(50));
        out.latency_p95_ms = to_ms(s.interval_latency.percentile(95));
        out.latency_p99_ms = to_ms(s.interval_latency.percentile(99));
        s.interval_latency.clear();
        out.wait_mean_ms =
            s.interval_waits ? s.interval_wait_ns / static_cast<double>(s.interval_waits) / 1e6 : 0;
        s.interval_wait_ns = 0;
        s.interval_waits = 0;
    }
    interval_.queue_depth = interval_.stations[0].queue_depth;
    interval_.busy_workers = interval_.stations[0].busy;
    if (writer_) {
        interval_.writer_buffered_bytes = writer_->buffered + writer_->batch;
    }
    interval_.latency_p50_ms = to_ms(interval_latency_.percentile(50));
    interval_.latency_p95_ms = to_ms(interval_latency_.percentile(95));
    interval_.latency_p99_ms = to_ms(interval_latency_.percentile(99));
    interval_latency_.clear();
    samples_.push_back(interval_);
    ++sample_count_;
    interval_ = Sample{};

    if (drained()) {
        finished_ = true;
        totals_.simulated = now_;
        set_in_system(0);
        return;
    }
    next_sample_ += scenario_.sample_interval;
}

Summary Engine::Impl::summary() const {
    Summary s = totals_;
    s.simulated = finished_ ? totals_.simulated : now_;
    s.max_queue_depth = stations_[0].totals.max_queue_depth;
    s.latency_mean_ms = latency_.mean() / 1e6;
    s.latency_p50_ms = to_ms(latency_.percentile(50));
    s.latency_p95_ms = to_ms(latency_.percentile(95));
    s.latency_p99_ms = to_ms(latency_.percentile(99));
    s.latency_max_ms = to_ms(latency_.max());
    for (const Station& station : stations_) {
        StationSummary out = station.totals;
        out.mean_wait_ms =
            station.waits ? station.wait_ns / static_cast<double>(station.waits) / 1e6 : 0;
        out.latency_p50_ms = to_ms(station.latency.percentile(50));
        out.latency_p99_ms = to_ms(station.latency.percentile(99));
        s.stations.push_back(out);
    }
    for (const ClassState& c : classes_) {
        ClassSummary out = c.totals;
        out.latency_p99_ms = to_ms(c.latency.percentile(99));
        s.classes.push_back(out);
    }
    if (writer_ && s.writer_flushes > 0) {
        s.writer_mean_flush_ms = static_cast<double>(
            writer_->sink_ns / static_cast<long double>(s.writer_flushes) / 1e6L);
    }
    const long double span = static_cast<long double>(s.simulated.count());
    if (span > 0) {
        const long double area =
            in_system_area_ + static_cast<long double>(in_system_) *
                                  static_cast<long double>((now_ - in_system_since_).count());
        s.mean_in_system = static_cast<double>(area / span);
        s.throughput_per_s =
            static_cast<double>(static_cast<long double>(left_system_) / span * 1e9L);
    }
    if (left_system_ > 0) {
        s.mean_time_in_system_ms =
            static_cast<double>(time_in_system_ / static_cast<long double>(left_system_) / 1e6L);
    }
    return s;
}

Engine::Engine(Scenario scenario) : impl_(std::make_unique<Impl>(std::move(scenario))) {}

Engine::~Engine() = default;

void Engine::run_until(Duration t) {
    impl_->run_until(t);
}

void Engine::run_to_end() {
    impl_->run_until(Duration::max());
}

bool Engine::finished() const {
    return impl_->finished_;
}

Duration Engine::now() const {
    return impl_->now_;
}

const Scenario& Engine::scenario() const {
    return impl_->scenario_;
}

const std::vector<Sample>& Engine::samples() const {
    return impl_->samples_;
}

std::vector<Sample> Engine::take_samples() {
    return std::exchange(impl_->samples_, {});
}

std::size_t Engine::sample_count() const {
    return impl_->sample_count_;
}

Summary Engine::summary() const {
    return impl_->summary();
}

SimulationResult simulate(const Scenario& scenario) {
    Engine engine(scenario);
    engine.run_to_end();
    return {engine.samples(), engine.summary()};
}

}  // namespace goflow::sim
