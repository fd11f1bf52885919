#include <QtTest>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "goflow/channel_utils.hpp"

using namespace std::chrono_literals;
using goflow::CancelSource;
using goflow::Channel;
using goflow::errc;
using goflow::ManualClock;

class TestChannelUtils : public QObject {
    Q_OBJECT

  private slots:
    void mergeForwardsEveryValueAndCloses() {
        Channel<int> a({.capacity = 4});
        Channel<int> b({.capacity = 4});
        Channel<int> out({.capacity = 4});
        auto task = goflow::merge<int>({&a, &b}, out);
        std::thread pa([&] {
            for (int i = 0; i < 100; ++i) {
                QVERIFY(a.send(i).ok());
            }
            a.close();
        });
        std::thread pb([&] {
            for (int i = 100; i < 200; ++i) {
                QVERIFY(b.send(i).ok());
            }
            b.close();
        });
        std::vector<int> from_a;
        std::vector<int> from_b;
        for (int v : out) {
            (v < 100 ? from_a : from_b).push_back(v);
        }
        pa.join();
        pb.join();
        task.wait();
        QCOMPARE(from_a.size(), std::size_t{100});
        QCOMPARE(from_b.size(), std::size_t{100});
        QVERIFY(std::is_sorted(from_a.begin(), from_a.end()));
        QVERIFY(std::is_sorted(from_b.begin(), from_b.end()));
        const auto s = task.snapshot();
        QCOMPARE(s.received, std::uint64_t{200});
        QCOMPARE(s.forwarded, std::uint64_t{200});
        QCOMPARE(s.lost, std::uint64_t{0});
        QVERIFY(s.finished);
    }

    void mergeCancelClosesOutput() {
        Channel<int> a({.capacity = 4});
        Channel<int> out({.capacity = 4});
        auto task = goflow::merge<int>({&a}, out);
        QVERIFY(a.send(1).ok());
        QCOMPARE(*out.receive(), 1);
        task.cancel();
        task.wait();
        QVERIFY(out.receive().error() == errc::closed);
        QVERIFY(!a.closed());
    }

    void broadcastCopiesToEachOutput() {
        Channel<std::string> in({.capacity = 2});
        Channel<std::string> x({.capacity = 16});
        Channel<std::string> y({.capacity = 16});
        auto task = goflow::broadcast<std::string>(in, {&x, &y});
        for (const char* word : {"one", "two", "three"}) {
            QVERIFY(in.send(word).ok());
        }
        in.close();
        task.wait();
        for (Channel<std::string>* out : {&x, &y}) {
            std::vector<std::string> got;
            for (std::string& s : *out) {
                got.push_back(s);
            }
            QCOMPARE(got, (std::vector<std::string>{"one", "two", "three"}));
        }
        QCOMPARE(task.snapshot().forwarded, std::uint64_t{6});
    }

    void pipeTransformsInOrder() {
        Channel<int> in({.capacity = 4});
        Channel<std::string> out({.capacity = 4});
        auto task = goflow::pipe(in, out, [](int x) { return std::to_string(x * 2); });
        std::thread producer([&] {
            for (int i = 0; i < 5; ++i) {
                QVERIFY(in.send(i).ok());
            }
            in.close();
        });
        std::vector<std::string> got;
        for (std::string& s : out) {
            got.push_back(s);
        }
        producer.join();
        QCOMPARE(got, (std::vector<std::string>{"0", "2", "4", "6", "8"}));
        task.wait();
        QVERIFY(!task.failure());
    }

    void pipeTransformExceptionEndsTask() {
        Channel<int> in({.capacity = 4});
        Channel<int> out({.capacity = 4});
        auto task = goflow::pipe(in, out, [](int x) {
            if (x == 2) {
                throw std::runtime_error("cannot transform 2");
            }
            return x;
        });
        for (int i = 0; i < 4; ++i) {
            QVERIFY(in.send(i).ok());
        }
        task.wait();
        std::vector<int> got;
        for (int v : out) {
            got.push_back(v);
        }
        QCOMPARE(got, (std::vector<int>{0, 1}));
        QVERIFY(task.failure() != nullptr);
        QCOMPARE(task.snapshot().lost, std::uint64_t{1});
    }

    void receiveAnyTakesReadyChannel() {
        auto clock = std::make_shared<ManualClock>();
        Channel<int> a({.capacity = 1, .clock = clock});
        Channel<int> b({.capacity = 1, .clock = clock});
        QVERIFY(b.send(7).ok());
        auto r = goflow::receive_any<int>({&a, &b});
        QVERIFY(r.ok());
        QCOMPARE(r->index, std::size_t{1});
        QCOMPARE(r->value, 7);
    }

    void receiveAnyWaitsForFirstValue() {
        auto clock = std::make_shared<ManualClock>();
        Channel<int> a({.capacity = 1, .clock = clock});
        Channel<int> b({.capacity = 1, .clock = clock});
        std::vector<Channel<int>*> both{&a, &b};
        goflow::Result<goflow::ReceivedFrom<int>> r = goflow::Error(errc::empty);
        std::thread waiter([&] { r = goflow::receive_any(both); });
        QVERIFY(clock->await_waiters(1));
        QVERIFY(a.send(3).ok());
        waiter.join();
        QVERIFY(r.ok());
        QCOMPARE(r->index, std::size_t{0});
        QCOMPARE(r->value, 3);
    }

    void receiveAnyTimesOutOnClock() {
        auto clock = std::make_shared<ManualClock>();
        Channel<int> a({.capacity = 1, .clock = clock});
        Channel<int> b({.capacity = 1, .clock = clock});
        std::vector<Channel<int>*> both{&a, &b};
        goflow::Error result;
        std::thread waiter([&] {
            auto r = goflow::receive_any_for(both, 40ms);
            result = r.ok() ? goflow::Error{} : r.error();
        });
        QVERIFY(clock->await_waiters(1));
        clock->advance(40ms);
        waiter.join();
        QVERIFY(result == errc::deadline_exceeded);
    }

    void receiveAnyClosedWhenAllClosed() {
        Channel<int> a({.capacity = 1});
        Channel<int> b({.capacity = 1});
        QVERIFY(a.send(1).ok());
        a.close();
        std::vector<Channel<int>*> both{&a, &b};
        std::thread closer([&] { b.close(); });
        auto first = goflow::receive_any(both);
        QCOMPARE(first->value, 1);
        closer.join();
        QVERIFY(goflow::receive_any(both).error() == errc::closed);
    }

    void receiveAnyDoesNotStarveChannels() {
        Channel<int> a({.capacity = 64});
        Channel<int> b({.capacity = 64});
        for (int i = 0; i < 50; ++i) {
            QVERIFY(a.send(0).ok());
            QVERIFY(b.send(1).ok());
        }
        std::vector<Channel<int>*> both{&a, &b};
        int from_b = 0;
        for (int i = 0; i < 50; ++i) {
            from_b += goflow::receive_any(both)->value;
        }
        QVERIFY2(from_b >= 10 && from_b <= 40, qPrintable(QString::number(from_b)));
    }

    void receiveAnyStressNoLostWakeups() {
        for (int round = 0; round < 20; ++round) {
            Channel<int> a({.capacity = 2});
            Channel<int> b({.capacity = 2});
            std::vector<Channel<int>*> both{&a, &b};
            std::thread pa([&] {
                for (int i = 0; i < 300; ++i) {
                    QVERIFY(a.send(1).ok());
                }
                a.close();
            });
            std::thread pb([&] {
                for (int i = 0; i < 300; ++i) {
                    QVERIFY(b.send(1).ok());
                }
                b.close();
            });
            int total = 0;
            while (auto r = goflow::receive_any(both)) {
                total += r->value;
            }
            pa.join();
            pb.join();
            QCOMPARE(total, 600);
        }
    }

    void batchReturnsFullBatchAtOnce() {
        auto clock = std::make_shared<ManualClock>();
        Channel<int> ch({.capacity = 10, .clock = clock});
        for (int i = 0; i < 7; ++i) {
            QVERIFY(ch.send(i).ok());
        }
        auto r = goflow::receive_batch(ch, 5, 1s);
        QCOMPARE(*r, (std::vector<int>{0, 1, 2, 3, 4}));
        QCOMPARE(ch.size(), std::size_t{2});
    }

    void batchReturnsPartialAtTimeout() {
        auto clock = std::make_shared<ManualClock>();
        Channel<int> ch({.capacity = 10, .clock = clock});
        QVERIFY(ch.send(1).ok());
        QVERIFY(ch.send(2).ok());
        goflow::Result<std::vector<int>> r = goflow::Error(errc::empty);
        std::thread consumer([&] { r = goflow::receive_batch(ch, 5, 100ms); });
        QVERIFY(clock->await_waiters(1));
        clock->advance(100ms);
        consumer.join();
        QCOMPARE(*r, (std::vector<int>{1, 2}));
    }

    void batchEmptyAtTimeoutIsOk() {
        auto clock = std::make_shared<ManualClock>();
        Channel<int> ch({.capacity = 10, .clock = clock});
        goflow::Result<std::vector<int>> r = goflow::Error(errc::empty);
        std::thread consumer([&] { r = goflow::receive_batch(ch, 5, 100ms); });
        QVERIFY(clock->await_waiters(1));
        clock->advance(100ms);
        consumer.join();
        QVERIFY(r.ok());
        QVERIFY(r->empty());
    }

    void batchReportsClosedAndCancel() {
        Channel<int> ch({.capacity = 10});
        QVERIFY(ch.send(9).ok());
        ch.close();
        QCOMPARE(*goflow::receive_batch(ch, 5, 1s), (std::vector<int>{9}));
        QVERIFY(goflow::receive_batch(ch, 5, 1s).error() == errc::closed);

        Channel<int> open({.capacity = 10});
        CancelSource cancel;
        cancel.cancel();
        QVERIFY(goflow::receive_batch(open, 5, 1s, cancel.context()).error() == errc::canceled);
    }
};

QTEST_GUILESS_MAIN(TestChannelUtils)
#include "tst_channel_utils.moc"
