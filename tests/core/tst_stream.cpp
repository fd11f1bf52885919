#include <QtTest>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "goflow/channel.hpp"
#include "goflow/stream.hpp"

using namespace std::chrono_literals;
using goflow::CancelSource;
using goflow::Channel;
using goflow::errc;
using goflow::ManualClock;
namespace streams = goflow::streams;

namespace {

// A generator of 1, 2, 3, ... that counts how often it was called.
struct CountingSource {
    int* pulls;
    int operator()() { return ++*pulls; }
};

}  // namespace

class TestStream : public QObject {
    Q_OBJECT

  private slots:
    void buildingEvaluatesNothing() {
        int pulls = 0;
        int mapped = 0;
        std::vector<int> source(10);
        auto stream = streams::from(source)
                          .peek([&](int) { ++pulls; })
                          .map([&](int x) {
                              ++mapped;
                              return x * 2;
                          })
                          .sorted()
                          .distinct();
        QCOMPARE(mapped, 0);
        QCOMPARE(pulls, 0);
        QVERIFY(stream.usable());
    }

    void limitPullsExactlyWhatItNeeds() {
        int pulls = 0;
        auto r = streams::generate(CountingSource{&pulls}).limit(5).collect();
        QVERIFY(r.ok());
        QCOMPARE(pulls, 5);
        QCOMPARE(*r, (std::vector<int>{1, 2, 3, 4, 5}));
    }

    void limitZeroPullsNothing() {
        int pulls = 0;
        auto r = streams::generate(CountingSource{&pulls}).limit(0).count();
        QCOMPARE(*r, std::size_t{0});
        QCOMPARE(pulls, 0);
    }

    void infiniteModDistinctLimitTerminates() {
        int pulls = 0;
        auto r = streams::generate(CountingSource{&pulls})
                     .map([](int x) { return x % 7; })
                     .distinct()
                     .limit(7)
                     .collect();
        QVERIFY(r.ok());
        QCOMPARE(*r, (std::vector<int>{1, 2, 3, 4, 5, 6, 0}));
        QCOMPARE(pulls, 7);
    }

    void sortedThenLimit() {
        auto r = streams::from(std::vector<int>{5, 3, 9, 1}).sorted().limit(3).collect();
        QCOMPARE(*r, (std::vector<int>{1, 3, 5}));
    }

    void sortedIsStable() {
        using Pair = std::pair<int, char>;
        std::vector<Pair> in{{2, 'a'}, {1, 'b'}, {2, 'c'}, {1, 'd'}};
        auto r = streams::from(in)
                     .sorted([](const Pair& a, const Pair& b) { return a.first < b.first; })
                     .collect();
        QCOMPARE(*r, (std::vector<Pair>{{1, 'b'}, {1, 'd'}, {2, 'a'}, {2, 'c'}}));
    }

    void sortedPullsOnlyWhenTerminalRuns() {
        int pulls = 0;
        auto stream =
            streams::from(std::vector<int>{3, 1, 2}).peek([&](int) { ++pulls; }).sorted().limit(1);
        QCOMPARE(pulls, 0);
        auto first = stream.find_first();
        QCOMPARE(first->value(), 1);
        QCOMPARE(pulls, 3);
    }

    void filterEvenMapToText() {
        auto r = streams::iota(0, 5)
                     .filter([](int x) { return x % 2 == 0; })
                     .map([](int x) { return std::to_string(x); })
                     .collect();
        QVERIFY(r.ok());
        QCOMPARE(*r, (std::vector<std::string>{"0", "2", "4"}));
    }

    void filterRejectingAllIsEmpty() {
        auto all = streams::iota(0, 5).filter([](int) { return false; }).collect();
        QVERIFY(all->empty());
        auto n = streams::iota(0, 5).filter([](int) { return false; }).count();
        QCOMPARE(*n, std::size_t{0});
    }

    void emptyStreamYieldsNothing() {
        QCOMPARE(*streams::empty<int>().count(), std::size_t{0});
        QVERIFY(!streams::empty<int>().find_first()->has_value());
        QVERIFY(!streams::empty<int>().min()->has_value());
        QCOMPARE(*streams::empty<int>().all_match([](int) { return false; }), true);
        QCOMPARE(*streams::empty<int>().none_match([](int) { return true; }), true);
    }

    void finiteGeneratorEndsAtNullopt() {
        int next = 0;
        auto r = streams::generate([&]() -> std::optional<int> {
                     if (next == 4) {
                         return std::nullopt;
                     }
                     return next++;
                 }).collect();
        QCOMPARE(*r, (std::vector<int>{0, 1, 2, 3}));
    }

    void flatMapExpandsElements() {
        auto r =
            streams::iota(1, 4).flat_map([](int x) { return std::vector<int>(x, x); }).collect();
        QCOMPARE(*r, (std::vector<int>{1, 2, 2, 3, 3, 3}));
    }

    void distinctKeepsFirstOccurrence() {
        auto r =
            streams::from(std::vector<std::string>{"b", "a", "b", "c", "a"}).distinct().collect();
        QCOMPARE(*r, (std::vector<std::string>{"b", "a", "c"}));
    }

    void skipTakeWhileDropWhile() {
        QCOMPARE(*streams::iota(0, 10).skip(7).collect(), (std::vector<int>{7, 8, 9}));
        QCOMPARE(*streams::iota(0, 10).skip(20).count(), std::size_t{0});
        int pulls = 0;
        auto taken = streams::generate(CountingSource{&pulls})
                         .take_while([](int x) { return x < 4; })
                         .collect();
        QCOMPARE(*taken, (std::vector<int>{1, 2, 3}));
        QCOMPARE(pulls, 4);
        auto dropped = streams::from(std::vector<int>{1, 2, 5, 1, 2})
                           .drop_while([](int x) { return x < 3; })
                           .collect();
        QCOMPARE(*dropped, (std::vector<int>{5, 1, 2}));
    }

    void takeWhileFeedsSortedBarrier() {
        int pulls = 0;
        auto r = streams::generate(CountingSource{&pulls})
                     .map([](int x) { return 10 - x; })
                     .take_while([](int x) { return x > 6; })
                     .sorted()
                     .collect();
        QCOMPARE(*r, (std::vector<int>{7, 8, 9}));
    }

    void countWindows() {
        auto r = streams::iota(0, 7).window(3).collect();
        QCOMPARE(*r, (std::vector<std::vector<int>>{{0, 1, 2}, {3, 4, 5}, {6}}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, streams::iota(0, 7).window(0));
    }

    void timeWindowsFollowInjectedClock() {
        auto clock = std::make_shared<ManualClock>();
        // Element i arrives at the time listed; windows are 100 ms wide from the first arrival.
        const std::vector<int> arrival_ms{0, 30, 99, 100, 250, 420, 430};
        std::size_t i = 0;
        auto r =
            streams::generate([&]() -> std::optional<int> {
                if (i == arrival_ms.size()) {
                    return std::nullopt;
                }
                clock->advance_to(goflow::TimePoint{} + std::chrono::milliseconds(arrival_ms[i]));
                return static_cast<int>(i++);
            })
                .window_by_time(100ms, clock)
                .collect();
        QVERIFY(r.ok());
        QCOMPARE(*r, (std::vector<std::vector<int>>{{0, 1, 2}, {3}, {4}, {5, 6}}));
    }

    void reduceMinMaxFind() {
        QCOMPARE(*streams::iota(1, 5).reduce(0, std::plus<>{}), 10);
        QCOMPARE(*streams::iota(1, 5).reduce(
                     std::string(), [](std::string acc, int x) { return acc + std::to_string(x); }),
                 std::string("1234"));
        std::vector<int> v{4, 1, 7, 1, 7};
        QCOMPARE(streams::from(v).min()->value(), 1);
        QCOMPARE(streams::from(v).max()->value(), 7);
        using Pair = std::pair<int, char>;
        std::vector<Pair> tagged{{1, 'a'}, {3, 'b'}, {3, 'c'}, {1, 'd'}};
        auto by_first = [](const Pair& a, const Pair& b) { return a.first < b.first; };
        QCOMPARE(streams::from(tagged).min_by(by_first)->value().second, 'a');
        QCOMPARE(streams::from(tagged).max_by(by_first)->value().second, 'b');
        QCOMPARE(streams::from(v).filter([](int x) { return x > 5; }).find_first()->value(), 7);
    }

    void matchesStopEarly() {
        int pulls = 0;
        auto any =
            streams::generate(CountingSource{&pulls}).any_match([](int x) { return x == 3; });
        QCOMPARE(*any, true);
        QCOMPARE(pulls, 3);
        pulls = 0;
        auto all = streams::generate(CountingSource{&pulls}).all_match([](int x) { return x < 5; });
        QCOMPARE(*all, false);
        QCOMPARE(pulls, 5);
        QCOMPARE(*streams::iota(0, 5).none_match([](int x) { return x > 10; }), true);
        QCOMPARE(*streams::iota(0, 5).none_match([](int x) { return x == 2; }), false);
    }

    void groupByKeepsOrder() {
        auto r = streams::iota(0, 7).group_by([](int x) { return x % 3; });
        QVERIFY(r.ok());
        const std::map<int, std::vector<int>> expected{{0, {0, 3, 6}}, {1, {1, 4}}, {2, {2, 5}}};
        QCOMPARE(*r, expected);
    }

    void forEachVisitsInOrder() {
        std::vector<int> seen;
        QVERIFY(streams::iota(3, 6).for_each([&](int x) { seen.push_back(x); }).ok());
        QCOMPARE(seen, (std::vector<int>{3, 4, 5}));
    }

    void mapChangesElementType() {
        struct Point {
            int x;
            int y;
        };
        auto r = streams::iota(0, 3)
                     .map([](int i) {
                         return Point{i, i * i};
                     })
                     .map([](Point p) { return p.y - p.x; })
                     .collect();
        static_assert(std::is_same_v<decltype(r), goflow::Result<std::vector<int>>>);
        QCOMPARE(*r, (std::vector<int>{0, 0, 2}));
    }

    void reuseThrowsLogicError() {
        auto stream = streams::iota(0, 3);
        QCOMPARE(*stream.count(), std::size_t{3});
        QVERIFY(!stream.usable());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)stream.count());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)stream.map([](int x) { return x; }));

        auto base = streams::iota(0, 3);
        auto doubled = base.map([](int x) { return 2 * x; });
        try {
            (void)base.collect();
            QFAIL("a used stream ran again");
        } catch (const std::logic_error& e) {
            QVERIFY2(std::string(e.what()).find("already used") != std::string::npos, e.what());
        }
        QCOMPARE(*doubled.collect(), (std::vector<int>{0, 2, 4}));
    }

    void canceledContextStopsInfiniteFilter() {
        CancelSource cancel;
        int pulls = 0;
        auto r = streams::generate([&] {
                     if (++pulls == 1000) {
                         cancel.cancel();
                     }
                     return pulls;
                 }).filter([](int) {
                       return false;
                   }).count(cancel.context());
        QVERIFY(!r.ok());
        QVERIFY(r.error() == errc::canceled);
        QCOMPARE(pulls, 1000);
    }

    void canceledBeforeRunPullsNothing() {
        CancelSource cancel;
        cancel.cancel();
        int pulls = 0;
        auto r = streams::generate(CountingSource{&pulls}).collect(cancel.context());
        QVERIFY(r.error() == errc::canceled);
        QCOMPARE(pulls, 0);
    }

    void cancelFromAnotherThreadEndsTerminal() {
        CancelSource cancel;
        std::atomic<int> pulls{0};
        std::thread canceller([&] {
            while (pulls < 10'000) {
                std::this_thread::yield();
            }
            cancel.cancel();
        });
        auto r = streams::generate([&] {
                     return ++pulls;
                 }).filter([](int) {
                       return false;
                   }).count(cancel.context());
        canceller.join();
        QVERIFY(r.error() == errc::canceled);
    }

    void deadlineOnStreamClock() {
        auto clock = std::make_shared<ManualClock>();
        auto ctx = goflow::Context{}.with_timeout(*clock, 50ms);
        int pulls = 0;
        auto r = streams::generate([&] {
                     clock->advance(10ms);
                     return ++pulls;
                 })
                     .with_clock(clock)
                     .filter([](int) { return false; })
                     .count(ctx);
        QVERIFY(r.error() == errc::deadline_exceeded);
        QCOMPARE(pulls, 5);
    }

    void rangeSourceChecksCancelPeriodically() {
        CancelSource cancel;
        std::vector<int> big(100'000, 1);
        int seen = 0;
        auto r = streams::from(big)
                     .peek([&](int) {
                         if (++seen == 10) {
                             cancel.cancel();
                         }
                     })
                     .count(cancel.context());
        QVERIFY(r.error() == errc::canceled);
        QVERIFY2(seen <= 10 + 64, qPrintable(QString::number(seen)));
    }

    void channelSourceEndsAtClose() {
        Channel<int> ch({.capacity = 4});
        std::thread producer([&] {
            for (int i = 0; i < 50; ++i) {
                QVERIFY(ch.send(i).ok());
            }
            ch.close();
        });
        auto r = streams::from_channel(ch).filter([](int x) { return x % 10 == 0; }).collect();
        producer.join();
        QCOMPARE(*r, (std::vector<int>{0, 10, 20, 30, 40}));
    }

    void channelSourceCanceledWhileWaiting() {
        auto clock = std::make_shared<ManualClock>();
        Channel<int> ch({.capacity = 1, .clock = clock});
        CancelSource cancel;
        goflow::Error result;
        std::thread consumer([&] {
            auto r = streams::from_channel(ch).count(cancel.context());
            result = r.ok() ? goflow::Error{} : r.error();
        });
        QVERIFY(clock->await_waiters(1));
        cancel.cancel();
        consumer.join();
        QVERIFY(result == errc::canceled);
    }

    void channelSourceLimitLeavesTheRest() {
        Channel<int> ch({.capacity = 8});
        for (int i = 0; i < 8; ++i) {
            QVERIFY(ch.send(i).ok());
        }
        auto r = streams::from_channel(ch).limit(3).collect();
        QCOMPARE(*r, (std::vector<int>{0, 1, 2}));
        QCOMPARE(ch.size(), std::size_t{5});
    }

    void ownedRangeIsMovedIn() {
        auto make = [] { return std::vector<std::string>{"x", "y"}; };
        auto stream = streams::from(make());  // the temporary is owned by the stream
        QCOMPARE(*stream.collect(), (std::vector<std::string>{"x", "y"}));
    }

    void parallelMapKeepsOrder_data() {
        QTest::addColumn<std::size_t>("in_flight");
        QTest::addColumn<std::size_t>("threads");
        QTest::newRow("1 in flight") << std::size_t{1} << std::size_t{1};
        QTest::newRow("4 in flight, 2 threads") << std::size_t{4} << std::size_t{2};
        QTest::newRow("32 in flight, 4 threads") << std::size_t{32} << std::size_t{4};
    }

    void parallelMapKeepsOrder() {
        QFETCH(std::size_t, in_flight);
        QFETCH(std::size_t, threads);
        auto r = streams::iota(0, 500)
                     .parallel_map([](int x) { return x * x; },
                                   {.max_in_flight = in_flight, .threads = threads})
                     .collect();
        QVERIFY(r.ok());
        QCOMPARE(r->size(), std::size_t{500});
        for (int i = 0; i < 500; ++i) {
            QCOMPARE((*r)[i], i * i);
        }
    }

    void parallelMapUnorderedDeliversAll() {
        auto r =
            streams::iota(0, 500)
                .parallel_map([](int x) { return x + 1; }, {.max_in_flight = 8, .ordered = false})
                .collect();
        QVERIFY(r.ok());
        std::multiset<int> got(r->begin(), r->end());
        std::multiset<int> expected;
        for (int i = 1; i <= 500; ++i) {
            expected.insert(i);
        }
        QVERIFY(got == expected);
    }

    void parallelMapBoundsInFlight() {
        std::mutex mutex;
        int running = 0;
        int peak = 0;
        auto r = streams::iota(0, 200)
                     .parallel_map(
                         [&](int x) {
                             {
                                 std::lock_guard guard(mutex);
                                 peak = std::max(peak, ++running);
                             }
                             std::this_thread::yield();
                             std::lock_guard guard(mutex);
                             --running;
                             return x;
                         },
                         {.max_in_flight = 3, .threads = 8})
                     .count();
        QCOMPARE(*r, std::size_t{200});
        QVERIFY2(peak <= 3, qPrintable(QString::number(peak)));
    }

    void parallelMapOnCustomExecutor() {
        std::atomic<int> jobs{0};
        goflow::Executor inline_executor = [&](std::function<void()> job) {
            ++jobs;
            job();
        };
        auto r = streams::iota(0, 10)
                     .parallel_map([](int x) { return x * 10; },
                                   {.max_in_flight = 2, .executor = inline_executor})
                     .collect();
        QCOMPARE(*r, (std::vector<int>{0, 10, 20, 30, 40, 50, 60, 70, 80, 90}));
        QCOMPARE(jobs.load(), 10);
    }

    void parallelMapWithLimitStopsPulling() {
        int pulls = 0;
        auto r = streams::generate(CountingSource{&pulls})
                     .parallel_map([](int x) { return -x; }, {.max_in_flight = 4})
                     .limit(5)
                     .collect();
        QCOMPARE(*r, (std::vector<int>{-1, -2, -3, -4, -5}));
        QVERIFY2(pulls <= 5 + 4, qPrintable(QString::number(pulls)));
    }

    void parallelMapRethrowsOnCaller() {
        auto run = [] {
            return streams::iota(0, 100)
                .parallel_map(
                    [](int x) {
                        if (x == 42) {
                            throw std::runtime_error("bad element 42");
                        }
                        return x;
                    },
                    {.max_in_flight = 4})
                .count();
        };
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, (void)run());
    }

    void parallelMapCanceledStops() {
        CancelSource cancel;
        std::atomic<int> calls{0};
        auto r = streams::iota(0)
                     .parallel_map(
                         [&](int x) {
                             if (++calls == 50) {
                                 cancel.cancel();
                             }
                             return x;
                         },
                         {.max_in_flight = 4})
                     .filter([](int) { return false; })
                     .count(cancel.context());
        QVERIFY(r.error() == errc::canceled);
    }

    void parallelMapExecutorRejectionPropagates() {
        int accepted = 0;
        goflow::Executor closing_pool = [&](std::function<void()> job) {
            if (accepted == 3) {
                throw std::runtime_error("pool shut down");
            }
            ++accepted;
            job();
        };
        auto run = [&] {
            return streams::iota(0, 10)
                .parallel_map([](int x) { return x; },
                              {.max_in_flight = 2, .executor = closing_pool})
                .count();
        };
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, (void)run());
        QCOMPARE(accepted, 3);
    }

    void parallelMapRejectsZeroInFlight() {
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            streams::iota(0, 3).parallel_map([](int x) { return x; }, {.max_in_flight = 0}));
    }
};

QTEST_GUILESS_MAIN(TestStream)
#include "tst_stream.moc"
