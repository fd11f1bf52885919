// Live runs of every shipped scenario agree with the simulator. This is a timing test: it runs
// real threads against the wall clock, so it carries the CTest label "timing", which the
// sanitizer presets leave out.

#include <QtTest>

#include <algorithm>
#include <filesystem>

#include "goflow/sim/live_runner.hpp"

namespace {

double mean_queue_depth(const std::vector<goflow::sim::Sample>& samples) {
    double sum = 0;
    for (const auto& s : samples) {
        sum += s.queue_depth;
    }
    return samples.empty() ? 0 : sum / static_cast<double>(samples.size());
}

double share(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

class TestLiveAgreement : public QObject {
    Q_OBJECT

  private slots:
    // Live runs of every shipped scenario at up to 5x speed agree with the simulator: admitted and
    // rejected shares within 3 percentage points, mean pool queue depth within 20 % (or within
    // one request when the queue is nearly always empty).
    void liveAgreesWithSimulation_data() {
        QTest::addColumn<QString>("path");
        for (const auto& entry : std::filesystem::directory_iterator(GOFLOW_SCENARIO_DIR)) {
            const std::string name = entry.path().filename().string();
            if (entry.path().extension() == ".json" && !name.ends_with(".schema.json")) {
                QTest::newRow(name.c_str()) << QString::fromStdString(entry.path().string());
            }
        }
    }

    void liveAgreesWithSimulation() {
        QFETCH(QString, path);
        auto scenario = goflow::sim::load_scenario_file(path.toStdString());
        QVERIFY(scenario.ok());
        const auto simulated = goflow::sim::simulate(*scenario);
        // Real sleeps of a millisecond or two are stretched by wake-up latency on a busy
        // machine, so the speed keeps the shortest mean service time at two milliseconds or more
        // of wall time.
        double shortest_ms =
            std::chrono::duration<double, std::milli>(scenario->pool.service_time.expected())
                .count();
        for (const auto& stage : scenario->stages) {
            shortest_ms = std::min(
                shortest_ms,
                std::chrono::duration<double, std::milli>(stage.service_time.expected()).count());
        }
        const double speed = std::clamp(shortest_ms / 2.0, 1.0, 5.0);
        const auto live = goflow::sim::run_live(*scenario, speed);
        const auto& s = simulated.summary;
        const auto& l = live.summary;
        QVERIFY(l.offered > 0);
        QCOMPARE(l.offered, l.completed + l.failed + l.dropped);

        const double sim_admitted = share(s.admitted, s.attempts);
        const double live_admitted = share(l.admitted, l.attempts);
        const double sim_rejected = share(s.rejected_by_limiter + s.rejected_by_queue, s.attempts);
        const double live_rejected = share(l.rejected_by_limiter + l.rejected_by_queue, l.attempts);
        const QString figures =
            QString("speed %7: admitted %1 vs %2, rejected %3 vs %4, queue %5 vs %6")
                .arg(sim_admitted)
                .arg(live_admitted)
                .arg(sim_rejected)
                .arg(live_rejected)
                .arg(mean_queue_depth(simulated.samples))
                .arg(mean_queue_depth(live.samples))
                .arg(speed);
        qInfo("%s", qPrintable(figures));
        QVERIFY2(std::abs(sim_admitted - live_admitted) <= 0.03, qPrintable(figures));
        QVERIFY2(std::abs(sim_rejected - live_rejected) <= 0.03, qPrintable(figures));
        const double sim_queue = mean_queue_depth(simulated.samples);
        const double live_queue = mean_queue_depth(live.samples);
        QVERIFY2(std::abs(sim_queue - live_queue) <= std::max(1.0, 0.2 * sim_queue),
                 qPrintable(figures));

        if (!scenario->writer) {
            return;
        }
        // The writer: every accepted record was written or failed by the end, and the live
        // AsyncWriter wrote about as many records, dropped about as many and peaked at about the
        // same fill as the model.
        QVERIFY(l.has_writer);
        QCOMPARE(l.writer_records_written + l.writer_records_failed, l.completed + l.wasted);
        QCOMPARE(s.writer_records_written + s.writer_records_failed, s.completed + s.wasted);
        const QString writer_figures =
            QString("records written %1 vs %2, dropped %3 vs %4, max buffered %5 vs %6")
                .arg(s.writer_records_written)
                .arg(l.writer_records_written)
                .arg(s.writer_records_dropped)
                .arg(l.writer_records_dropped)
                .arg(s.writer_max_buffered_bytes)
                .arg(l.writer_max_buffered_bytes);
        qInfo("%s", qPrintable(writer_figures));
        QVERIFY2(std::abs(share(s.writer_records_written, s.attempts) -
                          share(l.writer_records_written, l.attempts)) <= 0.03,
                 qPrintable(writer_figures));
        QVERIFY2(std::abs(share(s.writer_records_dropped, s.attempts) -
                          share(l.writer_records_dropped, l.attempts)) <= 0.03,
                 qPrintable(writer_figures));
        QVERIFY2(std::abs(static_cast<double>(s.writer_max_buffered_bytes -
                                              l.writer_max_buffered_bytes)) <=
                     0.1 * static_cast<double>(s.writer_max_buffered_bytes),
                 qPrintable(writer_figures));
    }
};

QTEST_GUILESS_MAIN(TestLiveAgreement)
#include "tst_live_agreement.moc"
