// Pipeline engine.
//
// Items move between stages under one mutex. Each stage has a FIFO of waiting items, a count of
// used invocation slots, and a FIFO of "blocked" items that finished the stage but found no room
// in the next one. A blocked item keeps its slot, which is how backpressure travels upstream.
// pump_locked() moves items forward until nothing can move, walking from the last stage to the
// first so that room freed downstream is used in the same pass. Invocations are posted to the
// pool after the mutex is released.
//
// Timeouts and abandoned invocations. Each invocation start bumps the item's generation (`seq`)
// and carries the value it saw. When the timer fires first, it bumps the generation again under
// the mutex and fails the item at once; the invocation keeps running on its pool worker with its
// own copy of the input (or the moved-out input, which nobody else reads under the stop policy),
// and its context is canceled. When it returns it sees a stale generation, drops its output,
// and only releases its slot and the stage's `abandoned` count. Whichever of the two takes the
// mutex first decides the item's outcome, so an item is never finished twice and an invocation
// is never lost from the counters. Abandoned invocations never touch the timer or the observer,
// which lets the pipeline object be destroyed while they are still running.
#include "goflow/pipeline.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace goflow {
namespace detail {
namespace {

std::string format_ms(Duration d) {
    char text[48];
    std::snprintf(text, sizeof text, "%.3f ms", static_cast<double>(d.count()) / 1e6);
    return text;
}

}  // namespace

struct PipelineItem {
    std::uint64_t id = 0;
    std::any value;
    Context ctx;
    TimePoint admitted{};
    std::size_t stage_limit = 0;  // stages that existed when the item was admitted
    std::shared_ptr<TaskState<PipelineResult<std::any>>> result;

    // Guarded by PipelineCore::mutex_, except that the invocation running the item's current
    // stage reads `value`, `entered` and `ctx` before its timer is scheduled (see invoke()).
    std::size_t stage = 0;
    TimePoint entered{};
    std::uint64_t seq = 0;     // invocation generation
    bool holds_slot = false;   // a blocked item owns a slot of its stage unless it timed out
    bool failed_here = false;  // the item failed its current stage and is forwarded anyway
    std::vector<StageRecord> records;
    Error failure;
};
using ItemPtr = std::shared_ptr<PipelineItem>;

struct StageRuntime {
    std::string name;
    AnyStage fn;
    StageOptions options;
    bool passthrough = false;
    std::size_t index = 0;

    // Guarded by PipelineCore::mutex_.
    std::deque<ItemPtr> waiting;
    std::deque<ItemPtr> blocked;
    std::int64_t slots_used = 0;  // live and abandoned invocations plus slot-holding blocked items
    std::uint64_t running_live = 0;
    std::uint64_t abandoned = 0;
    std::uint64_t in = 0;
    std::uint64_t out = 0;
    std::uint64_t failed = 0;
    std::uint64_t timed_out = 0;
    std::uint64_t forwarded = 0;

    LatencyHistogram queue_wait;
    LatencyHistogram processing;
};
using StagePtr = std::shared_ptr<StageRuntime>;

class PipelineCore : public std::enable_shared_from_this<PipelineCore> {
  public:
    PipelineCore(PipelineOptions& options, WorkerPool* pool, DeadlineTimer* timer,
                 std::shared_ptr<const Clock> clock)
        : name_(std::move(options.name)),
          max_in_flight_(options.max_in_flight),
          policy_(options.error_policy),
          observer_(std::move(options.observer)),
          pool_(pool),
          timer_(timer),
          clock_(std::move(clock)) {}

    void add_stage(std::string name, AnyStage fn, StageOptions options, bool passthrough);
    Result<std::shared_ptr<TaskState<PipelineResult<std::any>>>> admit(std::any input,
                                                                       const Context& ctx,
                                                                       bool may_block);
    void close_and_drain();
    PipelineStats stats() const;
    std::size_t stage_count() const {
        std::lock_guard guard(mutex_);
        return stages_.size();
    }
    const Clock& clock() const { return *clock_; }
    const std::shared_ptr<const Clock>& shared_clock() const { return clock_; }

  private:
    struct Start {
        ItemPtr item;
        StagePtr stage;
        std::uint64_t seq;
    };
    struct Completion {
        StagePtr stage;
        std::uint64_t item;
        StageRecord record;
    };
    // Work decided under the mutex and carried out after it is released.
    struct Work {
        std::vector<Start> starts;
        std::vector<ItemPtr> finished;
        std::vector<Completion> events;
    };

    bool has_room_locked(const StageRuntime& s) const {
        return s.slots_used + static_cast<std::int64_t>(s.waiting.size()) <
               s.options.concurrency + s.options.queue_capacity;
    }
    bool admission_open_locked() const {
        return closed_ || (in_flight_ < static_cast<std::uint64_t>(max_in_flight_) &&
                           (stages_.empty() || has_room_locked(*stages_.front())));
    }
    void enter_stage_locked(const ItemPtr& item, std::size_t k);
    void pump_locked(Work& work);
    void advance_locked(const ItemPtr& item, StageRuntime& stage, Work& work);
    void fail_locked(const ItemPtr& item, StageRuntime& stage, Error error, Work& work);
    void record_locked(const ItemPtr& item, const StagePtr& stage, StageRecord record, Work& work);
    void process(Work& work);
    void invoke(const Start& start);
    void complete_invocation(const Start& start, Result<std::any> out, Duration waited,
                             Duration ran, std::uint64_t timer_id);
    void on_timeout(const Start& start, Duration waited, TimePoint began);
    void finish_items(std::vector<ItemPtr>& items);

    const std::string name_;
    const std::int64_t max_in_flight_;
    const ErrorPolicy policy_;
    const PipelineObserver observer_;
    WorkerPool* const pool_;      // outlives every live invocation (see DynamicPipeline)
    DeadlineTimer* const timer_;  // used only for live invocations
    const std::shared_ptr<const Clock> clock_;

    mutable std::mutex mutex_;
    std::condition_variable_any admission_cv_;  // blocked submitters
    std::condition_variable drained_cv_;        // close_and_drain()
    std::vector<StagePtr> stages_;              // guarded by mutex_; append-only
    bool closed_ = false;                       // guarded by mutex_
    std::uint64_t next_id_ = 0;                 // guarded by mutex_
    std::uint64_t blocked_submitters_ = 0;      // guarded by mutex_
    std::uint64_t submitted_ = 0;               // guarded by mutex_
    std::uint64_t rejected_ = 0;                // guarded by mutex_
    std::uint64_t succeeded_ = 0;               // guarded by mutex_
    std::uint64_t failed_ = 0;                  // guarded by mutex_
    std::uint64_t in_flight_ = 0;               // guarded by mutex_
    LatencyHistogram end_to_end_;
};

void PipelineCore::add_stage(std::string name, AnyStage fn, StageOptions options,
                             bool passthrough) {
    require_option(options.concurrency >= 1, "concurrency", "at least 1",
                   static_cast<double>(options.concurrency));
    require_option(options.queue_capacity >= 0, "queue_capacity", "non-negative",
                   static_cast<double>(options.queue_capacity));
    require_option(options.timeout >= Duration::zero(), "timeout", "non-negative (in ns)",
                   static_cast<double>(options.timeout.count()));
    if (!fn) {
        throw std::invalid_argument("stage '" + name + "' has no function");
    }
    auto stage = std::make_shared<StageRuntime>();
    stage->name = std::move(name);
    stage->fn = std::move(fn);
    stage->options = options;
    stage->passthrough = passthrough;
    std::lock_guard guard(mutex_);
    stage->index = stages_.size();
    stages_.push_back(std::move(stage));
}

Result<std::shared_ptr<TaskState<PipelineResult<std::any>>>> PipelineCore::admit(std::any input,
                                                                                 const Context& ctx,
                                                                                 bool may_block) {
    auto item = std::make_shared<PipelineItem>();
    item->value = std::move(input);
    item->ctx = ctx;
    item->result = std::make_shared<TaskState<PipelineResult<std::any>>>(clock_);

    Work work;
    {
        std::unique_lock lock(mutex_);
        Error rejection;
        if (!admission_open_locked()) {
            if (!may_block) {
                rejection = Error(errc::queue_full, "pipeline '" + name_ + "' is full");
            } else if (on_worker_of(pool_)) {
                rejection = Error(errc::would_deadlock,
                                  "a task of the pipeline's own pool may not block on it");
            } else {
                ++blocked_submitters_;
                const std::error_code ec = goflow::wait(*clock_, lock, admission_cv_, ctx,
                                                        [this] { return admission_open_locked(); });
                --blocked_submitters_;
                if (ec) {
                    rejection = Error(ec, "stopped waiting for room in pipeline '" + name_ + "'");
                }
            }
        }
        if (!rejection && closed_) {
            rejection = Error(errc::shut_down, "pipeline '" + name_ + "' is closed");
        }
        if (rejection) {
            ++rejected_;
            return rejection;
        }

        item->id = ++next_id_;
        item->admitted = clock_->now();
        item->stage_limit = stages_.size();
        ++submitted_;
        ++in_flight_;
        if (item->stage_limit == 0) {
            work.finished.push_back(item);
        } else {
            enter_stage_locked(item, 0);
            pump_locked(work);
        }
    }
    auto state = item->result;
    process(work);
    return state;
}

void PipelineCore::enter_stage_locked(const ItemPtr& item, std::size_t k) {
    StageRuntime& stage = *stages_[k];
    item->stage = k;
    item->entered = clock_->now();
    item->failed_here = false;
    ++stage.in;
    stage.waiting.push_back(item);
}

void PipelineCore::pump_locked(Work& work) {
    bool moved = true;
    while (moved) {
        moved = false;
        for (std::size_t k = stages_.size(); k-- > 0;) {
            StageRuntime& stage = *stages_[k];
            while (stage.slots_used < stage.options.concurrency && !stage.waiting.empty()) {
                ItemPtr item = std::move(stage.waiting.front());
                stage.waiting.pop_front();
                ++stage.slots_used;
                ++stage.running_live;
                ++item->seq;
                work.starts.push_back({item, stages_[k], item->seq});
                moved = true;
            }
            if (k + 1 == stages_.size()) {
                continue;
            }
            StageRuntime& next = *stages_[k + 1];
            while (!stage.blocked.empty() && has_room_locked(next)) {
                ItemPtr item = std::move(stage.blocked.front());
                stage.blocked.pop_front();
                if (item->holds_slot) {
                    --stage.slots_used;
                }
                if (item->failed_here) {
                    ++stage.forwarded;
                } else {
                    ++stage.out;
                }
                enter_stage_locked(item, k + 1);
                moved = true;
            }
        }
    }
    if (blocked_submitters_ > 0 && admission_open_locked()) {
        admission_cv_.notify_all();
    }
}

// Moves an item that is done with `stage` (succeeded, or failed and forwarded) onward.
void PipelineCore::advance_locked(const ItemPtr& item, StageRuntime& stage, Work& work) {
    const std::size_t k = stage.index;
    if (k + 1 >= item->stage_limit) {
        if (item->holds_slot) {
            --stage.slots_used;
        }
        if (item->failed_here) {
            ++stage.forwarded;
        } else {
            ++stage.out;
        }
        work.finished.push_back(item);
        return;
    }
    if (stage.blocked.empty() && has_room_locked(*stages_[k + 1])) {
        if (item->holds_slot) {
            --stage.slots_used;
        }
        if (item->failed_here) {
            ++stage.forwarded;
        } else {
            ++stage.out;
        }
        enter_stage_locked(item, k + 1);
        return;
    }
    stage.blocked.push_back(item);
}

void PipelineCore::fail_locked(const ItemPtr& item, StageRuntime& stage, Error error, Work& work) {
    ++stage.failed;
    if (error == errc::timed_out) {
        ++stage.timed_out;
    }
    if (policy_ == ErrorPolicy::continue_on_error && stage.passthrough) {
        item->failed_here = true;
        advance_locked(item, stage, work);
        return;
    }
    if (item->holds_slot) {
        --stage.slots_used;
    }
    item->failure = Error(error.code, "stage '" + stage.name + "': " + error.describe());
    work.finished.push_back(item);
}

void PipelineCore::record_locked(const ItemPtr& item, const StagePtr& stage, StageRecord record,
                                 Work& work) {
    item->records.push_back(record);
    if (observer_.on_stage_complete) {
        work.events.push_back({stage, item->id, std::move(record)});
    }
}

void PipelineCore::process(Work& work) {
    for (std::size_t i = 0; i < work.starts.size(); ++i) {
        const Start start = work.starts[i];
        Result<void> posted =
            pool_->try_post([self = shared_from_this(), start] { self->invoke(start); });
        if (posted) {
            continue;
        }
        std::lock_guard guard(mutex_);
        StageRuntime& stage = *start.stage;
        --stage.running_live;
        ++start.item->seq;
        start.item->holds_slot = true;
        record_locked(start.item, start.stage, {stage.name, posted.error(), {}, {}}, work);
        fail_locked(start.item, stage, posted.error(), work);
        pump_locked(work);
    }
    for (const Completion& event : work.events) {
        const Error* error = event.record.error ? &event.record.error : nullptr;
        observer_.on_stage_complete({name_, event.stage->name, event.stage->index, event.item,
                                     event.record.queue_wait, event.record.duration, error});
    }
    finish_items(work.finished);
}

void PipelineCore::finish_items(std::vector<ItemPtr>& items) {
    for (const ItemPtr& item : items) {
        const Duration total = clock_->now() - item->admitted;
        PipelineResult<std::any> result{Error(), total, {}};
        bool ok = true;
        {
            std::lock_guard guard(mutex_);
            result.stages = item->records;
            if (item->failure) {
                result.output = item->failure;
                ok = false;
            } else {
                result.output = std::move(item->value);
            }
            // Counted before the handle completes, so stats() read right after the caller's
            // get() includes this item.
            ok ? ++succeeded_ : ++failed_;
        }
        end_to_end_.record(total);
        item->result->complete(std::move(result));
        std::lock_guard guard(mutex_);
        --in_flight_;
        if (blocked_submitters_ > 0) {
            admission_cv_.notify_all();
        }
        if (in_flight_ == 0) {
            drained_cv_.notify_all();
        }
    }
}

void PipelineCore::invoke(const Start& start) {
    PipelineItem& item = *start.item;
    StageRuntime& stage = *start.stage;
    const TimePoint began = clock_->now();
    const Duration waited = began - item.entered;
    stage.queue_wait.record(waited);
    if (observer_.on_stage_start) {
        observer_.on_stage_start({name_, stage.name, stage.index, item.id, waited, {}, nullptr});
    }

    // The input is taken before the timer exists, so a timeout that forwards the item never
    // races with this read. Under continue_on_error a pass-through stage gets a copy, because
    // its input may have to travel on if it fails.
    const bool keep_input = policy_ == ErrorPolicy::continue_on_error && stage.passthrough;
    std::any input = keep_input ? item.value : std::move(item.value);
    Context ctx = item.ctx;
    std::uint64_t timer_id = 0;
    if (stage.options.timeout > Duration::zero()) {
        const Duration timeout = stage.options.timeout;
        const TimePoint deadline = timeout >= kNoDeadline - began ? kNoDeadline : began + timeout;
        CancelSource source(item.ctx, deadline);
        ctx = source.context();
        std::weak_ptr<PipelineCore> weak = weak_from_this();
        timer_id = timer_->schedule(deadline, [weak, start, source, waited, began]() mutable {
            source.cancel();
            if (auto self = weak.lock()) {
                self->on_timeout(start, waited, began);
            }
        });
    }

    Result<std::any> out = Error(errc::task_failed, "stage did not run");
    if (std::error_code ec = item.ctx.error(*clock_)) {
        out = Error(ec, "the item's context ended before the stage started");
    } else {
        try {
            out = stage.fn(ctx, std::move(input));
        } catch (...) {
            out = Error(errc::task_failed, describe_current_exception());
        }
    }
    const Duration ran = clock_->now() - began;
    stage.processing.record(ran);
    complete_invocation(start, std::move(out), waited, ran, timer_id);
}

void PipelineCore::complete_invocation(const Start& start, Result<std::any> out, Duration waited,
                                       Duration ran, std::uint64_t timer_id) {
    Work work;
    {
        std::lock_guard guard(mutex_);
        StageRuntime& stage = *start.stage;
        const ItemPtr& item = start.item;
        if (item->seq != start.seq) {
            // Abandoned after a timeout: the item has moved on, and only the slot belongs to this
            // invocation.
            --stage.abandoned;
            --stage.slots_used;
            pump_locked(work);
        } else {
            if (timer_id != 0) {
                timer_->cancel(timer_id);
            }
            ++item->seq;
            --stage.running_live;
            item->holds_slot = true;
            const Error error = out.ok() ? Error() : out.error();
            record_locked(item, start.stage, {stage.name, error, waited, ran}, work);
            if (out.ok()) {
                item->value = std::move(out.value());
                advance_locked(item, stage, work);
            } else {
                fail_locked(item, stage, error, work);
            }
            pump_locked(work);
        }
    }
    process(work);
}

void PipelineCore::on_timeout(const Start& start, Duration waited, TimePoint began) {
    Work work;
    {
        std::lock_guard guard(mutex_);
        StageRuntime& stage = *start.stage;
        const ItemPtr& item = start.item;
        if (item->seq != start.seq) {
            return;  // the invocation finished first
        }
        ++item->seq;
        --stage.running_live;
        ++stage.abandoned;
        item->holds_slot = false;  // the abandoned invocation keeps the slot until it returns
        const Error error(errc::timed_out, "stage '" + stage.name + "' exceeded its timeout of " +
                                               format_ms(stage.options.timeout));
        record_locked(item, start.stage, {stage.name, error, waited, clock_->now() - began}, work);
        fail_locked(item, stage, error, work);
        pump_locked(work);
    }
    process(work);
}

void PipelineCore::close_and_drain() {
    std::unique_lock lock(mutex_);
    closed_ = true;
    admission_cv_.notify_all();
    drained_cv_.wait(lock, [this] { return in_flight_ == 0; });
}

PipelineStats PipelineCore::stats() const {
    PipelineStats s;
    std::vector<StagePtr> stages;
    {
        std::lock_guard guard(mutex_);
        s.submitted = submitted_;
        s.rejected = rejected_;
        s.succeeded = succeeded_;
        s.failed = failed_;
        s.in_flight = in_flight_;
        stages = stages_;
        for (const StagePtr& stage : stages_) {
            StageStats st;
            st.name = stage->name;
            st.concurrency = stage->options.concurrency;
            st.queue_capacity = stage->options.queue_capacity;
            st.in = stage->in;
            st.out = stage->out;
            st.failed = stage->failed;
            st.timed_out = stage->timed_out;
            st.forwarded_failures = stage->forwarded;
            st.queued = stage->in - stage->out - stage->failed;
            st.waiting = stage->waiting.size();
            st.running = stage->running_live;
            st.blocked = stage->blocked.size();
            st.abandoned = stage->abandoned;
            s.stages.push_back(std::move(st));
        }
    }
    for (std::size_t i = 0; i < stages.size(); ++i) {
        s.stages[i].queue_wait = stages[i]->queue_wait.snapshot();
        s.stages[i].processing = stages[i]->processing.snapshot();
    }
    s.end_to_end = end_to_end_.snapshot();
    return s;
}

}  // namespace detail

DynamicPipeline::DynamicPipeline(PipelineOptions options) {
    require_option(options.max_in_flight >= 1, "max_in_flight", "at least 1",
                   static_cast<double>(options.max_in_flight));
    pool_ = options.pool;
    if (!pool_) {
        const auto hardware = static_cast<std::int64_t>(std::thread::hardware_concurrency());
        pool_ = std::make_shared<WorkerPool>(
            WorkerPoolOptions{.workers = std::max<std::int64_t>(2, hardware),
                              .queue_capacity = WorkerPoolOptions::unbounded,
                              .clock = options.clock,
                              .name = options.name + " workers"});
    }
    std::shared_ptr<const Clock> clock = options.clock ? options.clock : pool_->shared_clock();
    timer_ = std::make_unique<detail::DeadlineTimer>(clock);
    core_ = std::make_shared<detail::PipelineCore>(options, pool_.get(), timer_.get(),
                                                   std::move(clock));
}

DynamicPipeline::~DynamicPipeline() {
    // Order matters: once no item is in flight, only abandoned invocations remain, and they use
    // neither the timer nor (beyond their own task) the pool. Releasing the pool last lets an
    // owned pool's destructor wait for them.
    core_->close_and_drain();
    timer_.reset();
    pool_.reset();
}

void DynamicPipeline::add_stage(std::string name, AnyStage fn, StageOptions options,
                                bool passthrough) {
    core_->add_stage(std::move(name), std::move(fn), options, passthrough);
}

PipelineHandle<std::any> DynamicPipeline::submit(std::any input, const Context& ctx) {
    auto admitted = core_->admit(std::move(input), ctx, true);
    if (!admitted) {
        auto state = std::make_shared<PipelineHandle<std::any>::State>(core_->shared_clock());
        state->complete(PipelineResult<std::any>{admitted.error(), {}, {}});
        return PipelineHandle<std::any>(std::move(state));
    }
    return PipelineHandle<std::any>(std::move(admitted.value()));
}

Result<PipelineHandle<std::any>> DynamicPipeline::try_submit(std::any input, const Context& ctx) {
    auto admitted = core_->admit(std::move(input), ctx, false);
    if (!admitted) {
        return admitted.error();
    }
    return PipelineHandle<std::any>(std::move(admitted.value()));
}

PipelineResult<std::any> DynamicPipeline::execute(std::any input, const Context& ctx) {
    if (detail::on_worker_of(pool_.get())) {
        return {Error(errc::would_deadlock,
                      "execute() on a worker of the pipeline's own pool could wait for itself"),
                {},
                {}};
    }
    return submit(std::move(input), ctx).get();
}

PipelineStats DynamicPipeline::stats() const {
    return core_->stats();
}

std::size_t DynamicPipeline::stage_count() const {
    return core_->stage_count();
}

const Clock& DynamicPipeline::clock() const noexcept {
    return core_->clock();
}

}  // namespace goflow
