// Multi-stage pipeline: named stages that each transform an item or fail it, run on a WorkerPool.
//
// PipelineBuilder assembles a type-checked pipeline: each stage's input type is the previous
// stage's output type, so callers never cast. DynamicPipeline is the same engine over std::any
// values, for stages assembled at run time (the Studio's scenario editor). The typed Pipeline is
// a thin wrapper over it.
//
// Flow control. Many items may be in the pipeline at once, up to `max_in_flight`. A stage runs at
// most `concurrency` invocations at a time (1 = serial) and holds at most `queue_capacity` items
// waiting for a slot. An item that finished a stage whose successor has neither a free slot nor
// queue room keeps its slot in the finished stage until room appears, so a slow stage fills the
// queues before it and finally blocks submit(): that is the backpressure.
//
// Errors. By default the first failing stage ends the item (ErrorPolicy::stop). Under
// ErrorPolicy::continue_on_error a failing stage whose input and output types are the same passes
// its input on unchanged, and the result still lists the error. A stage that throws fails that
// item only. A stage timeout fails the item with errc::timed_out at the deadline even when the
// stage ignores its context: the invocation is abandoned (see StageStats::abandoned).
//
//     auto pipeline = goflow::PipelineBuilder<std::string>()
//         .stage("parse", [](std::string text) { return std::stoi(text); })
//         .stage("double", [](const goflow::Context&, int v) { return 2 * v; },
//                {.concurrency = 4, .timeout = 50ms})
//         .build();
//     goflow::PipelineResult<int> r = pipeline.execute("21");  // r.output.value() == 42
//
// Thread safety: every member of Pipeline, DynamicPipeline and PipelineHandle may be called
// concurrently. One mutex per pipeline guards the item flow and the counters; histograms are
// lock-free. Stage functions and observer hooks run on pool workers (hooks also on the timeout
// thread) and must be safe to call concurrently when a stage's concurrency is above 1.
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "goflow/clock.hpp"
#include "goflow/context.hpp"
#include "goflow/error.hpp"
#include "goflow/histogram.hpp"
#include "goflow/result.hpp"
#include "goflow/worker_pool.hpp"

namespace goflow {

enum class ErrorPolicy {
    stop,               // the first failing stage ends the item
    continue_on_error,  // a failing stage passes its input on when its types allow
};

struct StageOptions {
    // Invocations of this stage that may run at once; at least 1.
    std::int64_t concurrency = 1;
    // Items that may wait for a free invocation slot; 0 lets an item enter only a free slot.
    std::int64_t queue_capacity = 64;
    // Maximum time an invocation may take before its item fails with errc::timed_out; zero
    // means no limit.
    Duration timeout = Duration::zero();
};

// One stage start or completion, passed to the observer hooks.
struct StageEvent {
    std::string_view pipeline;
    std::string_view stage;
    std::size_t stage_index = 0;
    std::uint64_t item = 0;        // sequence number of the item within its pipeline
    Duration queue_wait{};         // from entering the stage to the start of the invocation
    Duration duration{};           // run time; zero in start events
    const Error* error = nullptr;  // completion events only; null on success
};

struct PipelineObserver {
    std::function<void(const StageEvent&)> on_stage_start;
    std::function<void(const StageEvent&)> on_stage_complete;
};

struct PipelineOptions {
    // Items admitted but not finished; submit() blocks (or try_submit() fails) at this limit.
    std::int64_t max_in_flight = 1024;
    ErrorPolicy error_policy = ErrorPolicy::stop;
    // Runs the stage invocations. Null: the pipeline owns a pool with max(2, hardware threads)
    // workers. A shared pool must accept work without blocking: the pipeline posts with
    // try_post, and a post that is rejected fails the item with the pool's error.
    std::shared_ptr<WorkerPool> pool;
    // Time source for stage timeouts and latencies; null means the pool's clock.
    std::shared_ptr<const Clock> clock;
    std::string name = "pipeline";
    PipelineObserver observer;
};

// Outcome of one stage for one item.
struct StageRecord {
    std::string stage;
    Error error;            // empty when the stage succeeded
    Duration queue_wait{};  // from entering the stage to the start of the invocation
    Duration duration{};    // invocation time; up to the timeout for a timed-out stage
};

template <class T>
struct PipelineResult {
    // The last stage's output, or the error that ended the item. An item that never entered a
    // stage (rejected, empty pipeline) has no stage records.
    Result<T> output;
    Duration total{};                 // from admission to the end of the item
    std::vector<StageRecord> stages;  // stages the item entered, in order

    // Returns whether the output is a value and no stage failed.
    [[nodiscard]] bool ok() const noexcept { return output.ok() && first_error() == nullptr; }
    // Returns the first stage that failed, or null.
    [[nodiscard]] const StageRecord* first_error() const noexcept {
        for (const StageRecord& record : stages) {
            if (record.error) {
                return &record;
            }
        }
        return nullptr;
    }
};

struct StageStats {
    std::string name;
    std::int64_t concurrency = 0;
    std::int64_t queue_capacity = 0;
    std::uint64_t in = 0;         // items that entered the stage
    std::uint64_t out = 0;        // items handed to the next stage or finished successfully
    std::uint64_t failed = 0;     // items that failed here, including timed out
    std::uint64_t timed_out = 0;  // part of `failed`
    std::uint64_t forwarded_failures = 0;  // failed items passed on under continue_on_error
    std::uint64_t queued = 0;              // in − out − failed: items inside the stage
    std::uint64_t waiting = 0;             // part of `queued` waiting for a slot
    std::uint64_t running = 0;             // invocations running for live items
    std::uint64_t blocked = 0;  // part of `queued`: finished, waiting for room downstream
    // Invocations still running after their item timed out. They hold their slot until they
    // return, so `concurrency` bounds real invocations; their outputs are dropped.
    std::uint64_t abandoned = 0;
    HistogramSnapshot queue_wait;
    HistogramSnapshot processing;
};

struct PipelineStats {
    std::uint64_t submitted = 0;  // items admitted
    std::uint64_t rejected = 0;   // submits that were not admitted
    std::uint64_t succeeded = 0;
    std::uint64_t failed = 0;
    std::uint64_t in_flight = 0;  // submitted − succeeded − failed
    HistogramSnapshot end_to_end;
    std::vector<StageStats> stages;
};

// Type-erased stage function: takes the item's context and value, returns the new value.
using AnyStage = std::function<Result<std::any>(const Context&, std::any)>;

namespace detail {
class PipelineCore;
}

// A pending pipeline result.
template <class T>
class PipelineHandle {
  public:
    PipelineHandle() = default;

    [[nodiscard]] bool valid() const noexcept { return state_ != nullptr; }
    [[nodiscard]] bool ready() const noexcept { return state_->ready(); }

    // Blocks until the item has finished or `ctx` ends (then the output holds the wait's
    // error and the item goes on).
    [[nodiscard]] PipelineResult<T> get(const Context& ctx = {}) const {
        if (std::error_code ec = state_->wait(ctx)) {
            return {Error(ec, "stopped waiting for the pipeline result"), {}, {}};
        }
        const PipelineResult<std::any>& raw = state_->result().value();
        if constexpr (std::is_same_v<T, std::any>) {
            return raw;
        } else {
            PipelineResult<T> typed{Error(), raw.total, raw.stages};
            typed.output = raw.output.ok() ? Result<T>(std::any_cast<const T&>(raw.output.value()))
                                           : Result<T>(raw.output.error());
            return typed;
        }
    }

  private:
    friend class DynamicPipeline;
    template <class, class>
    friend class Pipeline;
    using State = detail::TaskState<PipelineResult<std::any>>;

    explicit PipelineHandle(std::shared_ptr<State> state) : state_(std::move(state)) {}

    std::shared_ptr<State> state_;
};

class DynamicPipeline {
  public:
    // Throws std::invalid_argument naming the field when max_in_flight < 1.
    explicit DynamicPipeline(PipelineOptions options = {});

    // Stops admitting items and blocks until every admitted item has finished. With its own
    // pool it also waits for abandoned invocations to return. Must not run on a worker of the
    // pipeline's pool.
    ~DynamicPipeline();

    DynamicPipeline(const DynamicPipeline&) = delete;
    DynamicPipeline& operator=(const DynamicPipeline&) = delete;

    // Appends a stage. Safe while items flow: items admitted earlier finish with the stages
    // they were admitted with; later items pass through the new stage too. `passthrough` says
    // that the stage's output type equals its input type, which allows continue_on_error to
    // pass the input on when the stage fails. Throws std::invalid_argument naming the field
    // for invalid options.
    void add_stage(std::string name, AnyStage fn, StageOptions options = {},
                   bool passthrough = true);

    // Admits `input`, blocking while the pipeline is at max_in_flight or the first stage has
    // no room, until `ctx` ends. A submit that is not admitted returns a ready handle with
    // errc::shut_down or the error that ended the wait.
    [[nodiscard]] PipelineHandle<std::any> submit(std::any input, const Context& ctx = {});

    // Admits `input` only if there is room now; fails with errc::queue_full or errc::shut_down.
    [[nodiscard]] Result<PipelineHandle<std::any>> try_submit(std::any input,
                                                              const Context& ctx = {});

    // Runs `input` through every stage and blocks for the result. From a worker of the
    // pipeline's own pool it fails at once with errc::would_deadlock, because the stages need
    // that pool's workers.
    [[nodiscard]] PipelineResult<std::any> execute(std::any input, const Context& ctx = {});

    [[nodiscard]] PipelineStats stats() const;
    [[nodiscard]] std::size_t stage_count() const;
    [[nodiscard]] const Clock& clock() const noexcept;

  private:
    std::shared_ptr<WorkerPool> pool_;
    std::unique_ptr<detail::DeadlineTimer> timer_;
    std::shared_ptr<detail::PipelineCore> core_;
};

// A pipeline from In to Out whose stages were checked at compile time. Build it with
// PipelineBuilder.
template <class In, class Out>
class Pipeline {
  public:
    [[nodiscard]] PipelineResult<Out> execute(In input, const Context& ctx = {}) {
        return to_typed(engine_->execute(std::any(std::move(input)), ctx));
    }

    [[nodiscard]] PipelineHandle<Out> submit(In input, const Context& ctx = {}) {
        return PipelineHandle<Out>(engine_->submit(std::any(std::move(input)), ctx).state_);
    }

    [[nodiscard]] Result<PipelineHandle<Out>> try_submit(In input, const Context& ctx = {}) {
        auto r = engine_->try_submit(std::any(std::move(input)), ctx);
        if (!r) {
            return r.error();
        }
        return PipelineHandle<Out>(r.value().state_);
    }

    [[nodiscard]] PipelineStats stats() const { return engine_->stats(); }

    // The type-erased engine, for tools that inspect or extend it at run time.
    [[nodiscard]] DynamicPipeline& engine() noexcept { return *engine_; }

  private:
    template <class, class>
    friend class PipelineBuilder;

    explicit Pipeline(std::unique_ptr<DynamicPipeline> engine) : engine_(std::move(engine)) {}

    static PipelineResult<Out> to_typed(PipelineResult<std::any> raw) {
        PipelineResult<Out> typed{Error(), raw.total, std::move(raw.stages)};
        typed.output = raw.output.ok()
                           ? Result<Out>(std::any_cast<Out>(std::move(raw.output.value())))
                           : Result<Out>(raw.output.error());
        return typed;
    }

    std::unique_ptr<DynamicPipeline> engine_;
};

namespace detail {

template <class F, class In>
inline constexpr bool stage_takes_context_v = std::is_invocable_v<F&, const Context&, In>;

template <class F, class In>
using stage_return_t = typename std::conditional_t<stage_takes_context_v<F, In>,
                                                   std::invoke_result<F&, const Context&, In>,
                                                   std::invoke_result<F&, In>>::type;

// The output type of stage function F given input In, with a Result<> unwrapped.
template <class F, class In>
using stage_output_t = typename result_traits<std::decay_t<stage_return_t<F, In>>>::value_type;

// A stage collected by PipelineBuilder; `passthrough` means its input and output types match.
struct StageSpec {
    std::string name;
    AnyStage fn;
    StageOptions options;
    bool passthrough;
};

// Wraps a typed stage function as an AnyStage. The std::any always holds an In because the
// builder checked the chain of types.
template <class In, class F>
AnyStage erase_stage(F fn) {
    return [fn = std::move(fn)](const Context& ctx, std::any value) mutable -> Result<std::any> {
        In input = std::any_cast<In>(std::move(value));
        using R = std::decay_t<stage_return_t<F, In>>;
        auto invoke = [&]() -> decltype(auto) {
            if constexpr (stage_takes_context_v<F, In>) {
                return std::invoke(fn, ctx, std::move(input));
            } else {
                return std::invoke(fn, std::move(input));
            }
        };
        if constexpr (result_traits<R>::is_result) {
            R r = invoke();
            if (!r) {
                return r.error();
            }
            return std::any(std::move(r).value());
        } else {
            return std::any(invoke());
        }
    };
}

}  // namespace detail

// Assembles a Pipeline<In, Out> one stage at a time; Current is the output type so far.
template <class In, class Current = In>
class PipelineBuilder {
  public:
    PipelineBuilder() = default;

    // Appends a stage. `fn` takes (const Context&, Current) or (Current) and returns the next
    // value or a Result of it; an exception it throws fails the item.
    template <class F>
    [[nodiscard]] auto stage(std::string name, F fn, StageOptions options = {}) && {
        static_assert(
            std::is_invocable_v<F&, const Context&, Current> || std::is_invocable_v<F&, Current>,
            "a stage must accept (const goflow::Context&, T) or (T), where T is the "
            "previous stage's output");
        using Next = detail::stage_output_t<F, Current>;
        static_assert(!std::is_void_v<Next>, "a stage must return a value");
        stages_.push_back({std::move(name), detail::erase_stage<Current>(std::move(fn)), options,
                           std::is_same_v<Next, Current>});
        return PipelineBuilder<In, Next>(std::move(stages_));
    }

    // Creates the pipeline. Throws std::invalid_argument naming the field for invalid options.
    [[nodiscard]] Pipeline<In, Current> build(PipelineOptions options = {}) && {
        auto engine = std::make_unique<DynamicPipeline>(std::move(options));
        for (StageSpec& spec : stages_) {
            engine->add_stage(std::move(spec.name), std::move(spec.fn), spec.options,
                              spec.passthrough);
        }
        return Pipeline<In, Current>(std::move(engine));
    }

  private:
    template <class, class>
    friend class PipelineBuilder;

    using StageSpec = detail::StageSpec;

    explicit PipelineBuilder(std::vector<StageSpec> stages) : stages_(std::move(stages)) {}

    std::vector<StageSpec> stages_;
};

}  // namespace goflow
