#include <QtTest>

#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include "goflow/histogram.hpp"

using namespace std::chrono_literals;
using goflow::Duration;
using goflow::HistogramBuckets;
using goflow::HistogramSnapshot;
using goflow::LatencyHistogram;

class TestHistogram : public QObject {
    Q_OBJECT

  private slots:
    void emptySnapshotReportsZero() {
        LatencyHistogram h;
        const HistogramSnapshot s = h.snapshot();
        QCOMPARE(s.count, std::uint64_t{0});
        QCOMPARE(s.percentile(0.5), Duration::zero());
        QCOMPARE(s.mean(), Duration::zero());
        QCOMPARE(s.max(), Duration::zero());
    }

    void bucketBoundsContainTheirValues() {
        for (std::int64_t v : std::initializer_list<std::int64_t>{
                 0, 1, 15, 16, 17, 31, 32, 1000, 123456789, std::int64_t{1} << 40, INT64_MAX}) {
            const std::size_t i = HistogramBuckets::index_of(v);
            QVERIFY(i < HistogramBuckets::kCount);
            const auto u = static_cast<std::uint64_t>(v);
            QVERIFY2(HistogramBuckets::lower_bound(i) <= u, qPrintable(QString::number(v)));
            QVERIFY2(HistogramBuckets::upper_bound(i) >= u, qPrintable(QString::number(v)));
        }
        QCOMPARE(HistogramBuckets::index_of(-5), std::size_t{0});
        QCOMPARE(HistogramBuckets::index_of(INT64_MAX), HistogramBuckets::kCount - 1);
    }

    void bucketsAreContiguous() {
        for (std::size_t i = 1; i < HistogramBuckets::kCount; ++i) {
            QCOMPARE(HistogramBuckets::lower_bound(i), HistogramBuckets::upper_bound(i - 1) + 1);
        }
    }

    void percentilesWithinRelativeError_data() {
        QTest::addColumn<double>("quantile");
        QTest::addColumn<double>("expectedUs");
        QTest::newRow("p0") << 0.0 << 1.0;
        QTest::newRow("p50") << 0.5 << 5000.0;
        QTest::newRow("p90") << 0.9 << 9000.0;
        QTest::newRow("p99") << 0.99 << 9900.0;
        QTest::newRow("p100") << 1.0 << 10000.0;
    }

    void percentilesWithinRelativeError() {
        QFETCH(double, quantile);
        QFETCH(double, expectedUs);
        LatencyHistogram h;
        for (int us = 1; us <= 10'000; ++us) {
            h.record(std::chrono::microseconds(us));
        }
        const HistogramSnapshot s = h.snapshot();
        const double got = static_cast<double>(s.percentile(quantile).count()) / 1000.0;
        // One bucket spans 1/16 of its power of two, so the error stays below 6.25 %.
        QVERIFY2(
            std::abs(got - expectedUs) <= expectedUs * 0.0625,
            qPrintable(
                QString("p%1 = %2 us, expected %3 us").arg(quantile).arg(got).arg(expectedUs)));
        QCOMPARE(s.min(), Duration(1us));
        QCOMPARE(s.max(), Duration(10ms));
        QCOMPARE(s.count, std::uint64_t{10'000});
    }

    void meanIsExact() {
        LatencyHistogram h;
        h.record(1ms);
        h.record(3ms);
        QCOMPARE(h.snapshot().mean(), Duration(2ms));
    }

    void negativeDurationCountsAsZero() {
        LatencyHistogram h;
        h.record(-5ms);
        const HistogramSnapshot s = h.snapshot();
        QCOMPARE(s.count, std::uint64_t{1});
        QCOMPARE(s.max(), Duration::zero());
    }

    void invalidQuantileThrows() {
        LatencyHistogram h;
        h.record(1ms);
        const HistogramSnapshot s = h.snapshot();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, static_cast<void>(s.percentile(1.5)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, static_cast<void>(s.percentile(NAN)));
    }

    void mergeAddsCounts() {
        LatencyHistogram a;
        LatencyHistogram b;
        a.record(1ms);
        b.record(100ms);
        b.record(200ms);
        HistogramSnapshot merged = a.snapshot();
        merged.merge(b.snapshot());
        QCOMPARE(merged.count, std::uint64_t{3});
        QCOMPARE(merged.min(), Duration(1ms));
        QCOMPARE(merged.max(), Duration(200ms));
        a.merge(b.snapshot());
        QCOMPARE(a.snapshot().count, std::uint64_t{3});
        QCOMPARE(a.snapshot().percentile(1.0), Duration(200ms));

        HistogramSnapshot empty;
        empty.merge(a.snapshot());
        QCOMPARE(empty.count, std::uint64_t{3});
    }

    void resetEmpties() {
        LatencyHistogram h;
        h.record(1ms);
        h.reset();
        QCOMPARE(h.snapshot().count, std::uint64_t{0});
        h.record(2ms);
        QCOMPARE(h.snapshot().min(), Duration(2ms));
    }

    void concurrentRecordsAreAllCounted() {
        LatencyHistogram h;
        std::vector<std::thread> threads;
        std::atomic<bool> done{false};
        std::thread reader([&] {
            while (!done.load()) {
                const HistogramSnapshot s = h.snapshot();
                if (s.count > 0) {
                    QVERIFY(s.percentile(0.5) <= s.max());
                }
            }
        });
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&h, t] {
                for (int i = 0; i < 20'000; ++i) {
                    h.record(std::chrono::microseconds(1 + (i + t) % 500));
                }
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        done = true;
        reader.join();
        QCOMPARE(h.snapshot().count, std::uint64_t{80'000});
        QCOMPARE(h.count(), std::uint64_t{80'000});
    }
};

QTEST_GUILESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
