#include "stream_lab.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "goflow/context.hpp"
#include "goflow/stream.hpp"

namespace {

// Integers whose magnitude is at most 2^53 convert to double exactly.
constexpr std::int64_t kExactIntegerLimit = std::int64_t{1} << 53;

// ---- Source parameters, parsed on the GUI thread ----

struct SourceSpec {
    StreamLab::SourceKind kind = StreamLab::SourceKind::Range;
    std::int64_t start = 0;
    std::int64_t step = 1;
    std::int64_t size = 0;  // elements the source produces
    std::uint64_t seed = 0;
    std::int64_t minimum = 0;
    std::int64_t maximum = 0;
    std::vector<double> values;  // the scenario's samples
};

QString parseInteger(const QString& text, const QString& what, std::int64_t minimum,
                     std::int64_t maximum, std::int64_t& value) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        return QObject::tr("%1 is missing: enter a whole number").arg(what);
    }
    bool ok = false;
    value = trimmed.toLongLong(&ok);
    if (!ok) {
        return QObject::tr("%1 \"%2\" is not a whole number").arg(what, trimmed);
    }
    if (value < minimum || value > maximum) {
        return QObject::tr("%1 must be between %2 and %3, not %4")
            .arg(what)
            .arg(minimum)
            .arg(maximum)
            .arg(value);
    }
    return {};
}

// Returns the number of elements of start, start + step, ... before `end` (exclusive).
std::int64_t rangeSize(std::int64_t start, std::int64_t end, std::int64_t step) {
    if (step > 0) {
        return end > start ? (end - start + step - 1) / step : 0;
    }
    return start > end ? (start - end - step - 1) / -step : 0;
}

QString parseSource(const StreamLab& lab, SourceSpec& spec) {
    using Kind = StreamLab::SourceKind;
    spec.kind = lab.sourceKind();
    const std::int64_t maxSize = StreamLab::kMaxSourceElements;
    QString error;
    switch (spec.kind) {
        case Kind::Range: {
            std::int64_t end = 0;
            error = parseInteger(lab.rangeStart(), QObject::tr("the range start"),
                                 -kExactIntegerLimit, kExactIntegerLimit, spec.start);
            if (error.isEmpty()) {
                error = parseInteger(lab.rangeEnd(), QObject::tr("the range end"),
                                     -kExactIntegerLimit, kExactIntegerLimit, end);
            }
            if (error.isEmpty()) {
                error = parseInteger(lab.rangeStep(), QObject::tr("the range step"),
                                     -kExactIntegerLimit, kExactIntegerLimit, spec.step);
            }
            if (error.isEmpty() && spec.step == 0) {
                error = QObject::tr("the range step must not be 0");
            }
            if (error.isEmpty()) {
                spec.size = rangeSize(spec.start, end, spec.step);
                if (spec.size > maxSize) {
                    error = QObject::tr(
                                "the range has %1 elements, more than the maximum of %2: "
                                "narrow it or take a larger step")
                                .arg(spec.size)
                                .arg(maxSize);
                }
            }
            return error;
        }
        case Kind::RandomIntegers:
            error = parseInteger(lab.randomMinimum(), QObject::tr("the minimum"),
                                 -kExactIntegerLimit, kExactIntegerLimit, spec.minimum);
            if (error.isEmpty()) {
                error = parseInteger(lab.randomMaximum(), QObject::tr("the maximum"),
                                     -kExactIntegerLimit, kExactIntegerLimit, spec.maximum);
            }
            if (error.isEmpty() && spec.minimum > spec.maximum) {
                error = QObject::tr("the minimum %1 is greater than the maximum %2")
                            .arg(spec.minimum)
                            .arg(spec.maximum);
            }
            [[fallthrough]];
        case Kind::Latencies:
        case Kind::StatusCodes: {
            std::int64_t seed = 0;
            if (error.isEmpty()) {
                error =
                    parseInteger(lab.seed(), QObject::tr("the seed"), 0, kExactIntegerLimit, seed);
                spec.seed = static_cast<std::uint64_t>(seed);
            }
            if (error.isEmpty()) {
                error = parseInteger(lab.count(), QObject::tr("the count"), 0, maxSize, spec.size);
            }
            return error;
        }
        case Kind::ScenarioSamples:
            return {};
    }
    return error;
}

double sampleValue(const goflow::sim::Sample& sample, StreamLab::SampleField field) {
    using Field = StreamLab::SampleField;
    switch (field) {
        case Field::QueueDepth:
            return sample.queue_depth;
        case Field::BusyWorkers:
            return sample.busy_workers;
        case Field::Offered:
            return sample.offered;
        case Field::Admitted:
            return sample.admitted;
        case Field::RejectedByLimiter:
            return sample.rejected_by_limiter;
        case Field::RejectedByQueue:
            return sample.rejected_by_queue;
        case Field::Completed:
            return sample.completed;
        case Field::LatencyP50:
            return sample.latency_p50_ms;
        case Field::LatencyP99:
            return sample.latency_p99_ms;
    }
    return 0;
}

// ---- The pipeline: each step is a real goflow::Stream operation behind a type-erased link ----

using Sink = std::function<bool(double)>;
// Runs a pipeline prefix into `sink`. Returns true when its input ended normally and false when
// the sink stopped it or the run was interrupted; sets `error` in the last case.
using Runner = std::function<bool(const Sink&, const goflow::Context&, std::error_code&)>;

// A goflow::Stream pipeline stage whose upstream is a Runner. Stream operations cannot change
// their element type at run time, so each step of the user's list is built as its own
// Stream<double, ErasedPipeline> ending in any_match(), whose early stop carries a downstream
// limit back upstream. The stream protocol calls run(sink, state) for each terminal operation.
// NOTE: run() follows the stage protocol of goflow::detail in stream.hpp (state.context(),
// state.error), which is not public API. A change there breaks this adapter at compile time.
struct ErasedPipeline {
    using value_type = double;
    Runner runner;

    template <class StageSink, class State>
    bool run(StageSink& sink, State& state) {
        std::error_code error;
        const bool ended =
            runner([&sink](double x) { return sink(std::move(x)); }, state.context(), error);
        if (error) {
            state.error = error;
            return false;
        }
        return ended;
    }
};

using ErasedStream = goflow::Stream<double, ErasedPipeline>;

// Counts elements with relaxed atomics: the GUI thread reads them only for progress.
void bump(std::atomic<std::int64_t>& counter) {
    counter.fetch_add(1, std::memory_order_relaxed);
}

// Runs `stream` to its end into `sink`, counting what leaves it in `left`.
template <class S>
bool deliver(S stream, const Sink& sink, const goflow::Context& ctx, std::error_code& error,
             std::atomic<std::int64_t>& left) {
    auto result = std::move(stream)
                      .peek([&left](const double&) { bump(left); })
                      .any_match([&sink](const double& x) { return !sink(x); }, ctx);
    if (!result) {
        error = result.error().code;
        return false;
    }
    return !*result;  // a match means the sink requested a stop
}

double checkedResult(double value, const StepModel::Step& step, double input, std::size_t index) {
    if (!std::isfinite(value)) {
        throw std::overflow_error(QObject::tr("step %1 (%2) produced %3 from %4")
                                      .arg(index + 1)
                                      .arg(StepModel::describe(step))
                                      .arg(value)
                                      .arg(input, 0, 'g', 12)
                                      .toStdString());
    }
    return value;
}

bool passesFilter(const StepModel::Step& step, double x) {
    using Test = StepModel::FilterTest;
    switch (static_cast<Test>(step.variant)) {
        case Test::GreaterThan:
            return x > step.first;
        case Test::LessThan:
            return x < step.first;
        case Test::Even:
            return std::fmod(x, 2.0) == 0;  // a non-integer is neither even nor odd
        case Test::Odd:
            return std::fabs(std::fmod(x, 2.0)) == 1;
        case Test::WithinRange:
            return x >= step.first && x <= step.second;
    }
    return false;
}

double mapValue(const StepModel::Step& step, double x) {
    using Operation = StepModel::MapOperation;
    switch (static_cast<Operation>(step.variant)) {
        case Operation::MultiplyBy:
            return x * step.first;
        case Operation::Add:
            return x + step.first;
        case Operation::Square:
            return x * x;
        case Operation::Modulo:
            return std::fmod(x, step.first);
    }
    return x;
}

double reduceWindow(const StepModel::Step& step, const std::vector<double>& window) {
    using Reduction = StepModel::WindowReduction;
    double sum = 0;
    double max = -std::numeric_limits<double>::infinity();
    for (double x : window) {
        sum += x;
        max = std::max(max, x);
    }
    switch (static_cast<Reduction>(step.variant)) {
        case Reduction::Sum:
            return sum;
        case Reduction::Mean:
            return sum / static_cast<double>(window.size());
        case Reduction::Max:
            return max;
    }
    return sum;
}

}  // namespace

// Element counts shared by the worker and the GUI thread's progress timer.
struct StreamLab::Counters {
    explicit Counters(std::size_t steps) : entered(steps), left(steps) {}

    goflow::CancelSource cancel;
    std::atomic<std::int64_t> produced{0};
    std::vector<std::atomic<std::int64_t>> entered;
    std::vector<std::atomic<std::int64_t>> left;
};

struct StreamLab::Outcome {
    bool canceled = false;
    QString error;
    std::int64_t outputCount = 0;
    double elapsedSeconds = 0;
    QVariantList preview;
};

namespace {

Runner sourceRunner(SourceSpec spec, std::atomic<std::int64_t>& produced) {
    using Kind = StreamLab::SourceKind;
    return [spec = std::move(spec), &produced](const Sink& sink, const goflow::Context& ctx,
                                               std::error_code& error) -> bool {
        switch (spec.kind) {
            case Kind::Range: {
                const std::int64_t start = spec.start;
                const std::int64_t step = spec.step;
                auto stream = goflow::streams::iota<std::int64_t>(0, spec.size)
                                  .map([start, step](std::int64_t i) {
                                      return static_cast<double>(start + i * step);
                                  });
                return deliver(std::move(stream), sink, ctx, error, produced);
            }
            case Kind::RandomIntegers: {
                auto next =
                    [rng = std::mt19937_64(spec.seed),
                     pick = std::uniform_int_distribution<std::int64_t>(spec.minimum, spec.maximum),
                     remaining = spec.size]() mutable -> std::optional<double> {
                    if (remaining == 0) {
                        return std::nullopt;
                    }
                    --remaining;
                    return static_cast<double>(pick(rng));
                };
                return deliver(goflow::streams::generate(std::move(next)), sink, ctx, error,
                               produced);
            }
            case Kind::Latencies: {
                // Whole milliseconds, log-normal with a median of 20 ms: most requests are fast and
                // a long tail is slow.
                auto next = [rng = std::mt19937_64(spec.seed),
                             latency = std::lognormal_distribution<double>(std::log(20.0), 0.8),
                             remaining = spec.size]() mutable -> std::optional<double> {
                    if (remaining == 0) {
                        return std::nullopt;
                    }
                    --remaining;
                    return std::max(1.0, std::round(latency(rng)));
                };
                return deliver(goflow::streams::generate(std::move(next)), sink, ctx, error,
                               produced);
            }
            case Kind::StatusCodes: {
                // A web service's mix: mostly 200, some redirects and client errors, few 5xx.
                static constexpr double kCodes[] = {200, 201, 204, 301, 304, 400,
                                                    401, 404, 429, 500, 502, 503};
                static constexpr double kWeights[] = {70, 5, 3, 2, 4, 3, 2, 5, 2, 2, 1, 1};
                auto next = [rng = std::mt19937_64(spec.seed),
                             pick = std::discrete_distribution<int>(std::begin(kWeights),
                                                                    std::end(kWeights)),
                             remaining = spec.size]() mutable -> std::optional<double> {
                    if (remaining == 0) {
                        return std::nullopt;
                    }
                    --remaining;
                    return kCodes[pick(rng)];
                };
                return deliver(goflow::streams::generate(std::move(next)), sink, ctx, error,
                               produced);
            }
            case Kind::ScenarioSamples:
                return deliver(goflow::streams::from(spec.values), sink, ctx, error, produced);
        }
        return true;
    };
}

Runner stepRunner(Runner upstream, StepModel::Step step, std::size_t index,
                  std::atomic<std::int64_t>& entered, std::atomic<std::int64_t>& left) {
    return [upstream = std::move(upstream), step = std::move(step), index, &entered, &left](
               const Sink& sink, const goflow::Context& ctx, std::error_code& error) -> bool {
        using Kind = StepModel::Kind;
        auto in = ErasedStream(ErasedPipeline{upstream}, goflow::system_clock())
                      .peek([&entered](const double&) { bump(entered); });
        switch (step.kind) {
            case Kind::Filter:
                return deliver(std::move(in).filter(
                                   [&step](const double& x) { return passesFilter(step, x); }),
                               sink, ctx, error, left);
            case Kind::Map:
                return deliver(std::move(in).map([&step, index](double x) {
                    return checkedResult(mapValue(step, x), step, x, index);
                }),
                               sink, ctx, error, left);
            case Kind::Distinct:
                return deliver(std::move(in).distinct(), sink, ctx, error, left);
            case Kind::Sorted:
                if (static_cast<StepModel::SortOrder>(step.variant) ==
                    StepModel::SortOrder::Descending) {
                    return deliver(std::move(in).sorted(std::greater<>{}), sink, ctx, error, left);
                }
                return deliver(std::move(in).sorted(), sink, ctx, error, left);
            case Kind::Limit:
                return deliver(std::move(in).limit(static_cast<std::size_t>(step.first)), sink, ctx,
                               error, left);
            case Kind::Skip:
                return deliver(std::move(in).skip(static_cast<std::size_t>(step.first)), sink, ctx,
                               error, left);
            case Kind::Window:
                return deliver(std::move(in)
                                   .window(static_cast<std::size_t>(step.first))
                                   .map([&step, index](std::vector<double>&& window) {
                                       const double result = reduceWindow(step, window);
                                       return checkedResult(result, step, window.front(), index);
                                   }),
                               sink, ctx, error, left);
        }
        return true;
    };
}

}  // namespace

StreamLab::StreamLab(QObject* parent) : QObject(parent) {
    m_pollTimer.setInterval(100);
    connect(&m_pollTimer, &QTimer::timeout, this, &StreamLab::pollCounters);
    connect(&m_steps, &StepModel::pipelineChanged, this, [this] {
        if (running()) {
            // The counts of the running pipeline no longer match the rows, so stop it.
            m_countsStale = true;
            cancel();
        }
        forgetCounts();
    });
    connect(this, &StreamLab::sourceChanged, this, [this] {
        if (!running()) {
            forgetCounts();
        }
    });
}

StreamLab::~StreamLab() {
    if (m_counters) {
        m_counters->cancel.cancel();
    }
    if (m_worker.joinable()) {
        m_worker.join();
    }
}

void StreamLab::setController(StudioController* controller) {
    if (m_controller == controller) {
        return;
    }
    m_controller = controller;
    emit controllerChanged();
}

void StreamLab::setSourceKind(SourceKind kind) {
    if (m_sourceKind == kind) {
        return;
    }
    m_sourceKind = kind;
    emit sourceChanged();
}

void StreamLab::setText(QString& field, const QString& text) {
    if (field == text) {
        return;
    }
    field = text;
    emit sourceChanged();
}

void StreamLab::setRangeStart(const QString& text) {
    setText(m_rangeStart, text);
}
void StreamLab::setRangeEnd(const QString& text) {
    setText(m_rangeEnd, text);
}
void StreamLab::setRangeStep(const QString& text) {
    setText(m_rangeStep, text);
}
void StreamLab::setSeed(const QString& text) {
    setText(m_seed, text);
}
void StreamLab::setCount(const QString& text) {
    setText(m_count, text);
}
void StreamLab::setRandomMinimum(const QString& text) {
    setText(m_randomMinimum, text);
}
void StreamLab::setRandomMaximum(const QString& text) {
    setText(m_randomMaximum, text);
}

void StreamLab::setSampleField(SampleField field) {
    if (m_sampleField == field) {
        return;
    }
    m_sampleField = field;
    emit sourceChanged();
}

QString StreamLab::sourceError() const {
    SourceSpec spec;
    return parseSource(*this, spec);
}

QStringList StreamLab::sourceKindNames() const {
    return {tr("Range of integers"), tr("Random integers"), tr("Request log: latencies (ms)"),
            tr("Request log: status codes"), tr("Current scenario's samples")};
}

QStringList StreamLab::sampleFieldNames() const {
    return {tr("queue depth"), tr("busy workers"),        tr("offered"),
            tr("admitted"),    tr("rejected by limiter"), tr("rejected by full queue"),
            tr("completed"),   tr("latency p50 (ms)"),    tr("latency p99 (ms)")};
}

double StreamLab::elementsPerSecond() const {
    return m_elapsedSeconds > 0 ? static_cast<double>(m_sourceProduced) / m_elapsedSeconds : 0;
}

qint64 StreamLab::largestCount() const {
    qint64 largest = m_sourceProduced;
    for (const StepModel::Step& step : m_steps.steps()) {
        largest =
            std::max({largest, static_cast<qint64>(step.entered), static_cast<qint64>(step.left)});
    }
    return largest;
}

std::vector<double> StreamLab::scenarioValues(QString& error) const {
    if (!m_controller) {
        error = tr("no scenario is connected to the stream lab");
        return {};
    }
    const auto& samples = m_controller->samples();
    if (samples.empty()) {
        error = tr("the current scenario has no samples yet: run it on the Run tab first");
        return {};
    }
    std::vector<double> values;
    values.reserve(samples.size());
    for (const auto& sample : samples) {
        values.push_back(sampleValue(sample, m_sampleField));
    }
    return values;
}

void StreamLab::forgetCounts() {
    if (m_hasCounts) {
        m_hasCounts = false;
        m_steps.clearCounts();
    }
    emit progressChanged();  // largestCount changes with the counts
}

void StreamLab::setFailure(const QString& message) {
    m_error = message;
    m_hasResult = false;
    m_canceled = false;
    emit resultChanged();
}

bool StreamLab::run() {
    if (running()) {
        setFailure(tr("a run is already going: wait for it or cancel it"));
        return false;
    }
    SourceSpec spec;
    QString error = parseSource(*this, spec);
    if (error.isEmpty() && spec.kind == SourceKind::ScenarioSamples) {
        spec.values = scenarioValues(error);
        spec.size = static_cast<std::int64_t>(spec.values.size());
    }
    if (!error.isEmpty()) {
        setFailure(tr("Invalid source: %1.").arg(error));
        return false;
    }
    if (const QString stepError = m_steps.firstError(); !stepError.isEmpty()) {
        setFailure(tr("Invalid %1.").arg(stepError));
        return false;
    }

    const std::vector<StepModel::Step> steps = m_steps.steps();
    auto counters = std::make_shared<Counters>(steps.size());
    Runner pipeline = sourceRunner(std::move(spec), counters->produced);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        pipeline =
            stepRunner(std::move(pipeline), steps[i], i, counters->entered[i], counters->left[i]);
    }

    m_counters = counters;
    m_countsStale = false;
    m_hasCounts = true;
    m_error.clear();
    m_hasResult = false;
    m_canceled = false;
    m_sourceProduced = 0;
    m_outputCount = 0;
    m_elapsedSeconds = 0;
    m_preview.clear();
    m_steps.setCounts(std::vector<std::pair<std::int64_t, std::int64_t>>(steps.size(), {0, 0}));

    const goflow::Context ctx = counters->cancel.context();
    m_worker = std::thread([this, counters, pipeline = std::move(pipeline), ctx] {
        Outcome outcome;
        const auto started = std::chrono::steady_clock::now();
        try {
            auto result = ErasedStream(ErasedPipeline{pipeline}, goflow::system_clock())
                              .for_each(
                                  [&outcome](double x) {
                                      if (outcome.preview.size() < kPreviewSize) {
                                          outcome.preview.append(x);
                                      }
                                      ++outcome.outputCount;
                                  },
                                  ctx);
            if (!result) {
                outcome.canceled = result.error().code == goflow::errc::canceled;
                outcome.error = QString::fromStdString(result.error().describe());
            }
        } catch (const std::exception& e) {
            outcome.error = QString::fromStdString(e.what());
        }
        outcome.elapsedSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        QMetaObject::invokeMethod(
            this, [this, outcome = std::move(outcome)] { finishRun(outcome); },
            Qt::QueuedConnection);
    });
    m_pollTimer.start();
    emit runningChanged();
    emit resultChanged();
    emit progressChanged();
    return true;
}

void StreamLab::cancel() {
    if (m_counters && running()) {
        m_counters->cancel.cancel();
    }
}

void StreamLab::pollCounters() {
    if (!m_counters) {
        return;
    }
    std::vector<std::pair<std::int64_t, std::int64_t>> counts;
    counts.reserve(m_counters->entered.size());
    for (std::size_t i = 0; i < m_counters->entered.size(); ++i) {
        counts.emplace_back(m_counters->entered[i].load(std::memory_order_relaxed),
                            m_counters->left[i].load(std::memory_order_relaxed));
    }
    m_sourceProduced = m_counters->produced.load(std::memory_order_relaxed);
    if (!m_countsStale) {
        m_steps.setCounts(counts);
    }
    emit progressChanged();
}

void StreamLab::finishRun(const Outcome& outcome) {
    m_worker.join();
    m_pollTimer.stop();
    pollCounters();  // the join makes the worker's last counts visible
    m_counters.reset();
    m_canceled = outcome.canceled;
    m_error = outcome.canceled
                  ? tr("Run canceled after the source produced %1 elements.").arg(m_sourceProduced)
                  : outcome.error;
    if (!outcome.error.isEmpty() && !outcome.canceled) {
        m_error = tr("The stream failed: %1").arg(outcome.error);
    }
    m_hasResult = outcome.error.isEmpty();
    m_hasCounts = !m_countsStale;
    m_outputCount = outcome.outputCount;
    m_elapsedSeconds = outcome.elapsedSeconds;
    m_preview = outcome.preview;
    emit runningChanged();
    emit resultChanged();
    emit finished();
}
