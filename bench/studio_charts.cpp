// The Studio's chart refresh on the GUI thread, and the memory of an hour-long replay.
//
// BM_ChartRefresh*/samples:N refresh 6 LineSeries in a ChartView through
// ChartFeeder::update(), as the Studio does, with runs that give each series N samples (10,000,
// the Studio's window, and 10 below ChartFeeder::kMaxPlotPoints, so that a run's extra samples at
// its start and end cannot push it over the limit). update() builds the points of
// the window in C++, decimates them to at most kMaxPlotPoints (min/max per time bucket) and hands
// them over with QXYSeries::replace(). Each refresh alternates between two finished runs with
// different seeds, so every replace() brings new points. The variants add, on top of the
// replace calls:
//   - Replace: nothing; the series and the chart's geometry update synchronously.
//   - Events: QCoreApplication::processEvents(), which runs the chart's deferred updates, the
//     polish pass and, with the offscreen platform's basic render loop, the frame it schedules.
//     With the threaded render loop the render thread renders that frame.
//   - Frame: the same events, then QQuickWindow::grabWindow(), which polishes, syncs and renders
//     one frame for certain and reads it back. Its time includes the readback.
// The second argument, follow, moves the time axis by 0.1 s on every refresh: the worst case of
// axes that follow the data, since the Studio's axes move in half ticks. A changed axis makes Qt
// Charts lay out and paint its scene again even when no series is painted into it.
// The *OpenGL variants set useOpenGL on the six series after the first frame, as ChartPanel does
// under an OpenGL scene graph. Qt Charts then leaves them out of the scene image that it paints on
// the GUI thread and draws them with OpenGL while the scene graph renders. That happens on a render
// thread with the threaded render loop and on the GUI thread with the basic one. These variants
// need an OpenGL scene graph, for example QT_QPA_PLATFORM=xcb under Xvfb with Mesa, and stop with
// an error otherwise. The label names the graphics API and the thread that renders.
//
// The CPU column is the benchmark thread's (the GUI thread's) CPU time. The counter
// process_cpu_ms adds every other thread of the process, such as a separate render thread and
// Mesa's llvmpipe threads, per refresh.
//
// BM_HourReplayRss replays a generated one-hour scenario as fast as possible while refreshing
// the six series at 20 Hz, as the Studio does, and records the resident set size every five
// virtual minutes. Each reading also records the heap bytes in use (glibc's mallinfo2). The
// controller keeps the newest SampleWindow::kDefaultCapacity samples (1,000 s at 100 ms), so
// memory may grow until about 17 minutes and must stay flat from 20 minutes on. The counters
// compare the first reading from 20 minutes on with the last one of the run. At the end it adds up
// the heap bytes of the controller's samples: the window's ring and the blocks of each sample's
// station and limiter vectors.
//
// Runs offscreen unless QT_QPA_PLATFORM is set.

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtCharts/QAbstractAxis>
#include <QtCharts/QAbstractSeries>
#include <QtCharts/QValueAxis>
#include <QtCharts/QXYSeries>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chart_feeder.h"
#include "studio_controller.h"

namespace {

constexpr int kSeriesCount = 6;
// The six per-sample metrics, each as many points as there are samples (up to the window).
constexpr std::array<ChartFeeder::Metric, kSeriesCount> kMetrics = {
    ChartFeeder::Metric::LimiterLevel,      ChartFeeder::Metric::QueueDepth,
    ChartFeeder::Metric::BusyWorkers,       ChartFeeder::Metric::AdmittedPerSecond,
    ChartFeeder::Metric::RejectedPerSecond, ChartFeeder::Metric::LatencyP99,
};

// A ChartView like the Studio's: antialiased, two value axes, 2 px lines.
constexpr const char* kChartQml = R"(
import QtQuick
import QtCharts

ChartView {
    width: 1200
    height: 700
    antialiasing: true
    legend.alignment: Qt.AlignTop
    ValueAxis { id: axisX; min: 0; max: 1100; tickType: ValueAxis.TicksDynamic; tickInterval: 100 }
    ValueAxis { id: axisY; min: 0; max: 250; tickType: ValueAxis.TicksDynamic; tickInterval: 50 }
    LineSeries { axisX: axisX; axisY: axisY; width: 2 }
    LineSeries { axisX: axisX; axisY: axisY; width: 2 }
    LineSeries { axisX: axisX; axisY: axisY; width: 2 }
    LineSeries { axisX: axisX; axisY: axisY; width: 2 }
    LineSeries { axisX: axisX; axisY: axisY; width: 2 }
    LineSeries { axisX: axisX; axisY: axisY; width: 2 }
}
)";

// Writes a scenario of `seconds` of Poisson load at about 60 % of the pool's capacity, with
// spikes, sampled every 100 ms, behind a token bucket.
QString writeScenario(const QTemporaryDir& dir, const QString& name, int seconds, int seed) {
    QJsonArray phases;
    for (int start = 0; start < seconds; start += 60) {
        const int length = std::min(60, seconds - start);
        const int spike = std::min(5, length);
        phases.append(QJsonObject{{"name", "spike"}, {"rate", 300}, {"duration_s", spike}});
        if (length > spike) {
            phases.append(
                QJsonObject{{"name", "steady"}, {"rate", 90}, {"duration_s", length - spike}});
        }
    }
    const QJsonObject scenario{
        {"version", 1},
        {"name", name},
        {"seed", seed},
        {"sample_interval_ms", 100},
        {"load", QJsonObject{{"arrivals", "poisson"}, {"phases", phases}}},
        {"limiters",
         QJsonArray{QJsonObject{{"type", "token_bucket"}, {"rate", 120}, {"burst", 200}}}},
        {"pool", QJsonObject{{"workers", 8},
                             {"queue_capacity", 64},
                             {"service_time",
                              QJsonObject{{"distribution", "exponential"}, {"mean_ms", 50}}}}},
    };
    const QString path = dir.filePath(name + QStringLiteral(".json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(scenario).toJson()) < 0) {
        std::fprintf(stderr, "studio_charts: cannot write %s\n", qPrintable(path));
        std::exit(1);
    }
    return path;
}

// Loads `path` into `controller` and starts it as fast as possible; exits on a load error.
void startRun(StudioController& controller, const QString& path) {
    if (!controller.load(path)) {
        std::fprintf(stderr, "studio_charts: %s\n", qPrintable(controller.errorMessage()));
        std::exit(1);
    }
    controller.setSpeed(StudioController::Speed::AsFastAsPossible);
    controller.run();
}

void waitUntilFinished(const StudioController& controller) {
    while (controller.state() != StudioController::RunState::Finished) {
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    }
}

// The window with the chart and its six series, shown and rendered once. `useOpenGL` sets the
// series' property of that name after that first frame.
class ChartWindow {
  public:
    explicit ChartWindow(bool useOpenGL = false) {
        QQmlComponent component(&m_engine);
        component.setData(kChartQml, QUrl(QStringLiteral("studio_charts.qml")));
        m_chart.reset(qobject_cast<QQuickItem*>(component.create()));
        if (m_chart == nullptr) {
            std::fprintf(stderr, "studio_charts: cannot create the chart: %s\n",
                         qPrintable(component.errorString()));
            std::exit(1);
        }
        m_window.resize(static_cast<int>(m_chart->width()), static_cast<int>(m_chart->height()));
        m_chart->setParentItem(m_window.contentItem());
        m_window.show();
        // ChartView keeps its series out of children(); its series(index) method returns them.
        const int count = m_chart->property("count").toInt();
        for (int i = 0; i < count; ++i) {
            QAbstractSeries* series = nullptr;
            QMetaObject::invokeMethod(m_chart.get(), "series",
                                      Q_RETURN_ARG(QAbstractSeries*, series), Q_ARG(int, i));
            if (auto* xy = qobject_cast<QXYSeries*>(series)) {
                m_series.push_back(xy);
            }
        }
        if (m_series.size() != kSeriesCount) {
            std::fprintf(stderr, "studio_charts: expected %d series, found %zu\n", kSeriesCount,
                         m_series.size());
            std::exit(1);
        }
        for (QAbstractAxis* axis : m_series.front()->attachedAxes()) {
            if (axis->orientation() == Qt::Horizontal) {
                m_timeAxis = qobject_cast<QValueAxis*>(axis);
            }
        }
        if (m_timeAxis == nullptr) {
            std::fprintf(stderr, "studio_charts: the series have no horizontal value axis\n");
            std::exit(1);
        }
        // The scene graph renders on a thread of its own with the threaded render loop. Every
        // frame records which thread renders it.
        QObject::connect(
            &m_window, &QQuickWindow::beforeRendering, &m_window,
            [this] { m_rendersOnGuiThread = QThread::currentThread() == m_window.thread(); },
            Qt::DirectConnection);
        // Before the window is exposed, grabWindow() renders on the calling thread even with the
        // threaded render loop, so the first frame waits for the exposure (at most 5 s).
        QElapsedTimer exposure;
        exposure.start();
        while (!m_window.isExposed() && exposure.elapsed() < 5000) {
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        }
        m_window.grabWindow();
        // ChartPanel turns useOpenGL on only after the window's first frame, so this does too.
        if (useOpenGL) {
            for (QXYSeries* series : m_series) {
                series->setUseOpenGL(true);
            }
            m_window.grabWindow();
        }
    }

    QQuickWindow& window() { return m_window; }

    bool rendersOnGuiThread() const { return m_rendersOnGuiThread; }

    // Moves the time axis by 0.1 s, forth and back on alternate calls.
    void moveTimeAxis() {
        m_timeAxisShifted = !m_timeAxisShifted;
        const double shift = m_timeAxisShifted ? 0.1 : 0;
        m_timeAxis->setRange(shift, 1100 + shift);
    }

    // Swaps the current points of every metric into its series.
    void refresh(const ChartFeeder& feeder) {
        for (int i = 0; i < kSeriesCount; ++i) {
            feeder.update(m_series[static_cast<std::size_t>(i)],
                          kMetrics[static_cast<std::size_t>(i)]);
        }
    }

    qsizetype pointCount() const {
        qsizetype total = 0;
        for (const QXYSeries* series : m_series) {
            total += series->count();
        }
        return total;
    }

  private:
    QQmlEngine m_engine;
    QQuickWindow m_window;
    std::unique_ptr<QQuickItem> m_chart;
    std::vector<QXYSeries*> m_series;
    QValueAxis* m_timeAxis = nullptr;
    bool m_timeAxisShifted = false;
    bool m_rendersOnGuiThread = true;
};

// Two finished runs with different seeds, sampled every 100 ms for long enough that each series
// covers `pointsPerSeries` samples. 10,000 samples take 1,100 s (11,000 samples, of which
// ChartFeeder keeps the newest kWindow).
struct FinishedRuns {
    explicit FinishedRuns(int pointsPerSeries) {
        const int seconds = pointsPerSeries >= ChartFeeder::kWindow ? pointsPerSeries / 10 + 100
                                                                    : pointsPerSeries / 10;
        startRun(first, writeScenario(dir, QStringLiteral("first"), seconds, 1));
        startRun(second, writeScenario(dir, QStringLiteral("second"), seconds, 2));
        waitUntilFinished(first);
        waitUntilFinished(second);
    }

    QTemporaryDir dir;
    StudioController first;
    StudioController second;
};

FinishedRuns& finishedRuns(int pointsPerSeries) {
    static std::map<int, std::unique_ptr<FinishedRuns>> runs;
    auto& entry = runs[pointsPerSeries];
    if (entry == nullptr) {
        entry = std::make_unique<FinishedRuns>(pointsPerSeries);
    }
    return *entry;
}

// Returns the name of the graphics API that renders `window`, for the benchmark's label.
std::string graphicsApiName(const QQuickWindow& window) {
    const QSGRendererInterface* renderer = window.rendererInterface();
    if (renderer == nullptr) {
        return "graphics API: unknown";
    }
    switch (renderer->graphicsApi()) {
        case QSGRendererInterface::Software:
            return "graphics API: software";
        case QSGRendererInterface::OpenGL:
            return "graphics API: OpenGL";
        case QSGRendererInterface::Vulkan:
            return "graphics API: Vulkan";
        default:
            return "graphics API: other";
    }
}

// Returns the CPU time of all the process's threads in milliseconds.
double processCpuMs() {
    timespec time{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time);
    return static_cast<double>(time.tv_sec) * 1e3 + static_cast<double>(time.tv_nsec) / 1e6;
}

enum class Extra { None, ProcessEvents, GrabFrame };
enum class SeriesDrawing { SceneImage, OpenGL };

void runRefreshBenchmark(benchmark::State& state, Extra extra, SeriesDrawing drawing) {
    const auto pointsPerSeries = static_cast<int>(state.range(0));
    const bool follow = state.range(1) != 0;
    FinishedRuns& runs = finishedRuns(pointsPerSeries);
    ChartWindow chart(drawing == SeriesDrawing::OpenGL);
    const auto label = [&chart] {
        return graphicsApiName(chart.window()) + (chart.rendersOnGuiThread()
                                                      ? ", renders on the GUI thread"
                                                      : ", renders on a render thread");
    };
    if (drawing == SeriesDrawing::OpenGL &&
        (chart.window().rendererInterface() == nullptr ||
         chart.window().rendererInterface()->graphicsApi() != QSGRendererInterface::OpenGL)) {
        state.SkipWithError(
            (label() +
             "; useOpenGL needs an OpenGL scene graph, e.g. QT_QPA_PLATFORM=xcb under Xvfb")
                .c_str());
        return;
    }
    ChartFeeder feeder;
    bool useFirst = true;
    const double cpuStart = processCpuMs();
    for (auto _ : state) {
        feeder.setController(useFirst ? &runs.first : &runs.second);
        useFirst = !useFirst;
        chart.refresh(feeder);
        if (follow) {
            chart.moveTimeAxis();
        }
        if (extra == Extra::ProcessEvents) {
            QCoreApplication::processEvents();
        } else if (extra == Extra::GrabFrame) {
            // ChartView paints its scene into an image when the scene's queued change signal
            // arrives, so events must run before the frame for the frame to show new points.
            QCoreApplication::processEvents();
            const QImage frame = chart.window().grabWindow();
            benchmark::DoNotOptimize(frame.constBits());
        }
    }
    state.counters["process_cpu_ms"] =
        benchmark::Counter(processCpuMs() - cpuStart, benchmark::Counter::kAvgIterations);
    // A run of N seconds has N * 10 samples, give or take the ones at its start and end. Up to
    // kMaxPlotPoints samples a series has one point per sample; beyond, the decimation keeps
    // between 2 and 4 points per bucket, since the bucket's first and last differ.
    const qsizetype total = chart.pointCount();
    std::string problem;
    if (pointsPerSeries <= ChartFeeder::kMaxPlotPoints) {
        const qsizetype expected = qsizetype{kSeriesCount} * pointsPerSeries;
        if (std::abs(total - expected) > 2 * kSeriesCount) {
            problem = "expected about " + std::to_string(expected);
        }
    } else if (total > qsizetype{kSeriesCount} * ChartFeeder::kMaxPlotPoints ||
               total < qsizetype{kSeriesCount} * 2 * ChartFeeder::kPlotBuckets) {
        problem = "expected a decimation to at most " +
                  std::to_string(ChartFeeder::kMaxPlotPoints) + " per series";
    }
    if (!problem.empty()) {
        const std::string message =
            "the series have " + std::to_string(total) + " points in total, " + problem;
        state.SkipWithError(message.c_str());
    }
    state.counters["samples"] = static_cast<double>(kSeriesCount * pointsPerSeries);
    state.counters["points"] = static_cast<double>(chart.pointCount());
    state.SetLabel(label());
}

void BM_ChartRefreshReplace(benchmark::State& state) {
    runRefreshBenchmark(state, Extra::None, SeriesDrawing::SceneImage);
}
void BM_ChartRefreshEvents(benchmark::State& state) {
    runRefreshBenchmark(state, Extra::ProcessEvents, SeriesDrawing::SceneImage);
}
void BM_ChartRefreshFrame(benchmark::State& state) {
    runRefreshBenchmark(state, Extra::GrabFrame, SeriesDrawing::SceneImage);
}
void BM_ChartRefreshReplaceOpenGL(benchmark::State& state) {
    runRefreshBenchmark(state, Extra::None, SeriesDrawing::OpenGL);
}
void BM_ChartRefreshEventsOpenGL(benchmark::State& state) {
    runRefreshBenchmark(state, Extra::ProcessEvents, SeriesDrawing::OpenGL);
}
void BM_ChartRefreshFrameOpenGL(benchmark::State& state) {
    runRefreshBenchmark(state, Extra::GrabFrame, SeriesDrawing::OpenGL);
}

// Samples per series (the Studio's window and just under the decimation limit), each with the
// time axis fixed and moving.
void refreshArguments(benchmark::internal::Benchmark* benchmark) {
    benchmark->ArgNames({"samples", "follow"});
    for (const int samples : {ChartFeeder::kWindow, ChartFeeder::kMaxPlotPoints - 10}) {
        benchmark->Args({samples, 0});
        benchmark->Args({samples, 1});
    }
    benchmark->Unit(benchmark::kMillisecond)->UseRealTime();
}
BENCHMARK(BM_ChartRefreshReplace)->Apply(refreshArguments);
BENCHMARK(BM_ChartRefreshEvents)->Apply(refreshArguments);
BENCHMARK(BM_ChartRefreshFrame)->Apply(refreshArguments);
BENCHMARK(BM_ChartRefreshReplaceOpenGL)->Apply(refreshArguments);
BENCHMARK(BM_ChartRefreshEventsOpenGL)->Apply(refreshArguments);
BENCHMARK(BM_ChartRefreshFrameOpenGL)->Apply(refreshArguments);

// Returns the resident set size in MiB, from /proc/self/statm.
double residentMiB() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    long resident = 0;
    statm >> pages >> resident;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) /
           (1024.0 * 1024.0);
}

// Returns the bytes that malloc has handed out and not taken back, in MiB: the chunks in use in
// every arena plus the blocks that it mapped on their own (128 KiB and up by default).
double heapInUseMiB() {
    const struct mallinfo2 info = mallinfo2();
    return static_cast<double>(info.uordblks + info.hblkhd) / (1024.0 * 1024.0);
}

// Returns the size of the heap chunk that glibc's malloc uses for a request of `bytes` on a
// 64-bit system: the request plus an 8-byte header, rounded up to 16, at least 32.
std::size_t mallocChunk(std::size_t bytes) {
    return bytes == 0 ? 0 : std::max<std::size_t>(32, (bytes + 8 + 15) & ~std::size_t{15});
}

// Returns the bytes that `samples` occupy on the heap: the ring's block, which the window
// allocates whole with its first sample, and the blocks of every sample's stations and limiter
// levels.
std::size_t sampleHeapBytes(const goflow::app::SampleWindow& samples) {
    std::size_t bytes = mallocChunk(samples.capacity() * sizeof(goflow::sim::Sample));
    for (const goflow::sim::Sample& s : samples) {
        bytes += mallocChunk(s.stations.capacity() * sizeof(goflow::sim::StationSample));
        bytes += mallocChunk(s.limiter_levels.capacity() * sizeof(double));
    }
    return bytes;
}

void BM_HourReplayRss(benchmark::State& state) {
    constexpr int kSeconds = 3600;
    constexpr double kRecordEverySeconds = 300;
    const QTemporaryDir dir;
    const QString path = writeScenario(dir, QStringLiteral("hour"), kSeconds, 3);
    for (auto _ : state) {
        ChartWindow chart;
        StudioController controller;
        ChartFeeder feeder;
        feeder.setController(&controller);
        struct Reading {
            double seconds;       // virtual time
            double mib;           // resident set size
            double heapMib;       // bytes handed out by malloc
            int samplesRecorded;  // by the run so far
            int samplesKept;      // by the controller
        };
        std::vector<Reading> readings;
        double nextReading = 0;
        QObject::connect(&controller, &StudioController::progressChanged, &controller, [&] {
            if (controller.elapsedSeconds() >= nextReading) {
                readings.push_back({controller.elapsedSeconds(), residentMiB(), heapInUseMiB(),
                                    controller.sampleCount(), controller.keptSampleCount()});
                nextReading += kRecordEverySeconds;
            }
        });
        // The Studio refreshes its charts at 20 Hz while a run is going.
        QTimer refreshTimer;
        refreshTimer.setInterval(50);
        QObject::connect(&refreshTimer, &QTimer::timeout, &controller,
                         [&] { chart.refresh(feeder); });
        refreshTimer.start();
        startRun(controller, path);
        waitUntilFinished(controller);
        chart.refresh(feeder);
        chart.window().grabWindow();
        readings.push_back({controller.elapsedSeconds(), residentMiB(), heapInUseMiB(),
                            controller.sampleCount(), controller.keptSampleCount()});

        std::fprintf(stderr, "virtual s   RSS MiB   heap MiB   samples recorded   samples kept\n");
        for (const Reading& reading : readings) {
            std::fprintf(stderr, "%9.0f   %7.1f   %8.1f   %16d   %12d\n", reading.seconds,
                         reading.mib, reading.heapMib, reading.samplesRecorded,
                         reading.samplesKept);
        }
        const std::size_t sampleBytes = sampleHeapBytes(controller.samples());
        std::fprintf(
            stderr,
            "sizeof(Sample) %zu B, sizeof(StationSample) %zu B, stations per sample %zu,"
            " limiter levels per sample %zu, samples' heap %zu B (%.1f B per sample)\n",
            sizeof(goflow::sim::Sample), sizeof(goflow::sim::StationSample),
            controller.samples().empty() ? 0 : controller.samples().back().stations.size(),
            controller.samples().empty() ? 0 : controller.samples().back().limiter_levels.size(),
            sampleBytes,
            static_cast<double>(sampleBytes) /
                static_cast<double>(std::max<std::size_t>(1, controller.samples().size())));
        // The window fills at 1,000 s. Compare the first reading at or after 20 minutes with the
        // last one during the run (before the final refresh and frame).
        const Reading* at20 = &readings.front();
        for (const Reading& reading : readings) {
            if (reading.seconds >= 1200) {
                at20 = &reading;
                break;
            }
        }
        const Reading& runEnd = readings[readings.size() - 2];
        const int samplesBetween = std::max(1, runEnd.samplesRecorded - at20->samplesRecorded);
        state.counters["rss_20min_MiB"] = at20->mib;
        state.counters["rss_60min_MiB"] = runEnd.mib;
        state.counters["rss_after_frame_MiB"] = readings.back().mib;
        state.counters["growth_20_to_60min_MiB"] = runEnd.mib - at20->mib;
        state.counters["heap_growth_20_to_60min_MiB"] = runEnd.heapMib - at20->heapMib;
        state.counters["heap_growth_per_sample_B"] =
            (runEnd.heapMib - at20->heapMib) * 1024 * 1024 / samplesBetween;
        state.counters["sample_heap_per_kept_sample_B"] =
            static_cast<double>(sampleBytes) /
            static_cast<double>(std::max<std::size_t>(1, controller.samples().size()));
        state.counters["samples"] = controller.sampleCount();
        state.counters["points"] = static_cast<double>(chart.pointCount());
    }
}
BENCHMARK(BM_HourReplayRss)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    // Qt Charts' QML types need a QApplication.
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
