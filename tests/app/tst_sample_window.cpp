#include <QtTest>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "sample_window.h"

using goflow::app::SampleWindow;
using namespace std::chrono_literals;

namespace {

goflow::sim::Sample sampleNumber(int n) {
    goflow::sim::Sample s;
    s.time = 100ms * (n + 1);
    s.admitted = static_cast<std::uint32_t>(n);
    s.stations.resize(2);
    s.stations[1].queue_depth = n;
    return s;
}

std::vector<goflow::sim::Sample> samplesNumbered(int from, int to) {
    std::vector<goflow::sim::Sample> out;
    for (int n = from; n < to; ++n) {
        out.push_back(sampleNumber(n));
    }
    return out;
}

// The admitted counts of the samples kept, oldest first: each sample's number.
std::vector<int> numbersKept(const SampleWindow& window) {
    std::vector<int> out;
    for (const auto& s : window) {
        out.push_back(static_cast<int>(s.admitted));
    }
    return out;
}

std::vector<int> range(int from, int to) {
    std::vector<int> out;
    for (int n = from; n < to; ++n) {
        out.push_back(n);
    }
    return out;
}

}  // namespace

class TestSampleWindow : public QObject {
    Q_OBJECT

  private slots:
    void emptyWindow() {
        const SampleWindow window(4);
        QCOMPARE(window.capacity(), std::size_t{4});
        QVERIFY(window.empty());
        QCOMPARE(window.size(), std::size_t{0});
        QCOMPARE(window.firstIndex(), std::size_t{0});
        QCOMPARE(window.endIndex(), std::size_t{0});
        QVERIFY(window.begin() == window.end());
        QVERIFY(window.toVector().empty());
    }

    void zeroCapacityKeepsOne() {
        SampleWindow window(0);
        QCOMPARE(window.capacity(), std::size_t{1});
        window.append(sampleNumber(0));
        window.append(sampleNumber(1));
        QCOMPARE(numbersKept(window), range(1, 2));
        QCOMPARE(window.firstIndex(), std::size_t{1});
    }

    void keepsEverythingUpToCapacity() {
        SampleWindow window(5);
        for (int n = 0; n < 5; ++n) {
            window.append(sampleNumber(n));
        }
        QCOMPARE(window.size(), std::size_t{5});
        QCOMPARE(window.firstIndex(), std::size_t{0});
        QCOMPARE(window.endIndex(), std::size_t{5});
        QCOMPARE(numbersKept(window), range(0, 5));
        QCOMPARE(window.front().admitted, 0U);
        QCOMPARE(window.back().admitted, 4U);
    }

    void dropsOldestOnceFull() {
        SampleWindow window(5);
        for (int n = 0; n < 23; ++n) {
            window.append(sampleNumber(n));
            const auto end = static_cast<std::size_t>(n + 1);
            QCOMPARE(window.endIndex(), end);
            QCOMPARE(window.size(), std::min<std::size_t>(end, 5));
            QCOMPARE(window.firstIndex(), end - window.size());
            // Every kept sample is found under its run-wide index.
            for (std::size_t i = window.firstIndex(); i < window.endIndex(); ++i) {
                QCOMPARE(window[i].admitted, static_cast<std::uint32_t>(i));
                QCOMPARE(window[i].stations[1].queue_depth, static_cast<int>(i));
            }
        }
        QCOMPARE(numbersKept(window), range(18, 23));
        QCOMPARE(window.front().admitted, 18U);
        QCOMPARE(window.back().admitted, 22U);
        const auto copy = window.toVector();
        QCOMPARE(copy.size(), std::size_t{5});
        QCOMPARE(copy.front().admitted, 18U);
    }

    void iteratorsAreRandomAccess() {
        SampleWindow window(8);
        for (int n = 0; n < 13; ++n) {
            window.append(sampleNumber(n));
        }
        QCOMPARE(window.end() - window.begin(), std::ptrdiff_t{8});
        QCOMPARE(window.begin().index(), std::size_t{5});
        QCOMPARE((window.begin() + 3)->admitted, 8U);
        QCOMPARE(window.begin()[7].admitted, 12U);
        QCOMPARE((window.end() - 1)->admitted, 12U);
        // A binary search by time, as the Studio's cursor does it, lands on run-wide indices.
        const auto after = std::upper_bound(
            window.begin(), window.end(), 0.95, [](double t, const goflow::sim::Sample& s) {
                return t < std::chrono::duration<double>(s.time).count();
            });
        QCOMPARE(after.index(), std::size_t{9});  // sample 9 is at 1.0 s
        QVERIFY(std::upper_bound(window.begin(), window.end(), 0.1,
                                 [](double t, const goflow::sim::Sample& s) {
                                     return t < std::chrono::duration<double>(s.time).count();
                                 }) == window.begin());
    }

    void clearStartsIndicesOver() {
        SampleWindow window(3);
        for (int n = 0; n < 7; ++n) {
            window.append(sampleNumber(n));
        }
        window.clear();
        QVERIFY(window.empty());
        QCOMPARE(window.endIndex(), std::size_t{0});
        QCOMPARE(window.firstIndex(), std::size_t{0});
        for (int n = 0; n < 4; ++n) {
            window.append(sampleNumber(n));
        }
        QCOMPARE(numbersKept(window), range(1, 4));
        QCOMPARE(window[1].admitted, 1U);
    }

    void appendAllPiecesFitCapacity() {
        SampleWindow window(4);
        window.append(sampleNumber(0));
        std::vector<std::pair<std::size_t, std::size_t>> pieces;
        std::vector<int> seen;
        window.appendAll(samplesNumbered(1, 11), [&](std::size_t first, std::size_t count) {
            pieces.emplace_back(first, count);
            // Every sample of the piece is still kept when it is announced.
            for (std::size_t i = first; i < first + count; ++i) {
                seen.push_back(static_cast<int>(window[i].admitted));
            }
            return true;
        });
        const std::vector<std::pair<std::size_t, std::size_t>> expected = {{1, 4}, {5, 4}, {9, 2}};
        QCOMPARE(pieces, expected);
        QCOMPARE(seen, range(1, 11));
        QCOMPARE(window.endIndex(), std::size_t{11});
        QCOMPARE(numbersKept(window), range(7, 11));
    }

    void appendAllStopsOnFalse() {
        SampleWindow window(4);
        int calls = 0;
        window.appendAll(samplesNumbered(0, 10), [&](std::size_t, std::size_t) {
            ++calls;
            return false;
        });
        QCOMPARE(calls, 1);
        QCOMPARE(window.endIndex(), std::size_t{4});
    }

    void appendAllEmptyAnnouncesNothing() {
        SampleWindow window(4);
        int calls = 0;
        window.appendAll({}, [&](std::size_t, std::size_t) {
            ++calls;
            return true;
        });
        QCOMPARE(calls, 0);
        QVERIFY(window.empty());
    }
};

QTEST_APPLESS_MAIN(TestSampleWindow)
#include "tst_sample_window.moc"
