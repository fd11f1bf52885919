#include <QtTest>

#include <atomic>
#include <chrono>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "goflow/channel.hpp"

using namespace std::chrono_literals;
using goflow::CancelSource;
using goflow::Channel;
using goflow::errc;
using goflow::FullPolicy;
using goflow::ManualClock;

namespace {

std::shared_ptr<ManualClock> make_clock() {
    return std::make_shared<ManualClock>();
}

// Real time that a woken thread may take to return on a loaded 2-core machine running
// sanitizers. Promptness checks print the measured value when they fail.
constexpr auto kPromptTolerance = 2s;

}  // namespace

class TestChannel : public QObject {
    Q_OBJECT

  private slots:
    void bufferedValuesArriveInOrder() {
        Channel<int> ch({.capacity = 8});
        for (int i = 0; i < 8; ++i) {
            QVERIFY(ch.try_send(i).ok());
        }
        for (int i = 0; i < 8; ++i) {
            auto r = ch.try_receive();
            QVERIFY(r.ok());
            QCOMPARE(*r, i);
        }
        QVERIFY(ch.try_receive().error() == errc::empty);
    }

    void blockedSendCanceledIsNotDelivered() {
        auto clock = make_clock();
        Channel<int> ch({.capacity = 1, .clock = clock});
        CancelSource producer_ctx;
        std::atomic<bool> first_sent{false};
        goflow::Error second_result;
        std::chrono::steady_clock::time_point returned_at;

        std::thread producer([&] {
            first_sent = ch.send(1, producer_ctx.context()).ok();
            auto r = ch.send(2, producer_ctx.context());
            returned_at = std::chrono::steady_clock::now();
            second_result = r.ok() ? goflow::Error{} : r.error();
        });
        QVERIFY(clock->await_waiters(1));
        QVERIFY(first_sent);
        QCOMPARE(ch.snapshot().blocked_sends, std::uint64_t{1});

        clock->advance(100ms);
        const auto canceled_at = std::chrono::steady_clock::now();
        producer_ctx.cancel();
        producer.join();
        const auto latency = returned_at - canceled_at;
        QVERIFY2(latency < kPromptTolerance,
                 qPrintable(QString("send returned %1 ms after cancel")
                                .arg(std::chrono::duration<double, std::milli>(latency).count())));
        QVERIFY(second_result == errc::canceled);

        // The consumer takes 1 and stops: 2 was never accepted, so nothing else is buffered.
        auto first = ch.try_receive();
        QVERIFY(first.ok());
        QCOMPARE(*first, 1);
        QVERIFY(ch.try_receive().error() == errc::empty);
        QCOMPARE(ch.snapshot().sent, std::uint64_t{1});
        QCOMPARE(ch.snapshot().received, std::uint64_t{1});
    }

    void blockedSendCompletesWhenReceiverMakesRoom() {
        auto clock = make_clock();
        Channel<int> ch({.capacity = 1, .clock = clock});
        QVERIFY(ch.send(1).ok());
        std::atomic<bool> second_sent{false};
        std::thread producer([&] { second_sent = ch.send(2).ok(); });
        QVERIFY(clock->await_waiters(1));
        QVERIFY(!second_sent);

        QCOMPARE(*ch.try_receive(), 1);
        producer.join();
        QVERIFY(second_sent);
        QCOMPARE(*ch.try_receive(), 2);
    }

    void trySendReportsFullAtCapacity() {
        Channel<int> ch({.capacity = 2, .clock = make_clock()});
        QVERIFY(ch.try_send(1).ok());
        QVERIFY(ch.try_send(2).ok());
        auto r = ch.try_send(3);
        QVERIFY(!r.ok());
        QVERIFY(r.error() == errc::full);
        QCOMPARE(ch.size(), std::size_t{2});
    }

    void blockingSendTimesOutOnClock() {
        auto clock = make_clock();
        Channel<int> ch({.capacity = 2, .clock = clock});
        QVERIFY(ch.try_send(1).ok());
        QVERIFY(ch.try_send(2).ok());
        goflow::Error result;
        std::thread producer([&] {
            auto r = ch.send_for(3, 100ms);
            result = r.ok() ? goflow::Error{} : r.error();
        });
        QVERIFY(clock->await_waiters(1));
        clock->advance(99ms);
        QCOMPARE(clock->waiters(), std::size_t{1});
        clock->advance(1ms);
        producer.join();
        QVERIFY(result == errc::deadline_exceeded);
        QCOMPARE(ch.size(), std::size_t{2});
    }

    void contextDeadlineEndsSend() {
        auto clock = make_clock();
        Channel<int> ch({.capacity = 1, .clock = clock});
        QVERIFY(ch.try_send(1).ok());
        auto ctx = goflow::Context{}.with_timeout(*clock, 100ms);
        goflow::Error result;
        std::thread producer([&] {
            auto r = ch.send(2, ctx);
            result = r.ok() ? goflow::Error{} : r.error();
        });
        QVERIFY(clock->await_waiters(1));
        clock->advance(100ms);
        producer.join();
        QVERIFY(result == errc::deadline_exceeded);
    }

    void expiredDeadlineFailsAtOnce() {
        auto clock = make_clock();
        Channel<int> ch({.capacity = 1, .clock = clock});
        QVERIFY(ch.try_send(1).ok());
        auto r = ch.send_for(2, 0ms);
        QVERIFY(r.error() == errc::deadline_exceeded);
        Channel<int> empty({.capacity = 1, .clock = clock});
        QVERIFY(empty.receive_for(0ms).error() == errc::deadline_exceeded);
    }

    void rendezvousTrySendNeedsReceiver() {
        auto clock = make_clock();
        Channel<int> ch({.capacity = 0, .clock = clock});
        QVERIFY(ch.try_send(1).error() == errc::full);

        int received = 0;
        std::thread consumer([&] { received = ch.receive().value_or(-1); });
        QVERIFY(clock->await_waiters(1));
        QVERIFY(ch.try_send(7).ok());
        consumer.join();
        QCOMPARE(received, 7);
    }

    void rendezvousSendWaitsForReceiver() {
        auto clock = make_clock();
        Channel<std::string> ch({.capacity = 0, .clock = clock});
        std::atomic<bool> done{false};
        std::thread producer([&] {
            QVERIFY(ch.send("hand-off").ok());
            done = true;
        });
        QVERIFY(clock->await_waiters(1));
        QVERIFY(!done);
        QCOMPARE(ch.snapshot().blocked_sends, std::uint64_t{1});

        auto r = ch.receive();
        producer.join();
        QVERIFY(done);
        QCOMPARE(*r, std::string("hand-off"));
    }

    void rendezvousCanceledSendIsWithdrawn() {
        auto clock = make_clock();
        Channel<int> ch({.capacity = 0, .clock = clock});
        goflow::Error result;
        std::thread producer([&] {
            auto r = ch.send_for(5, 50ms);
            result = r.ok() ? goflow::Error{} : r.error();
        });
        QVERIFY(clock->await_waiters(1));
        clock->advance(50ms);
        producer.join();
        QVERIFY(result == errc::deadline_exceeded);
        QVERIFY(ch.try_receive().error() == errc::empty);
        QCOMPARE(ch.snapshot().sent, std::uint64_t{0});
    }

    void closeDrainsBufferedValues() {
        Channel<int> ch({.capacity = 4});
        QVERIFY(ch.send(1).ok());
        QVERIFY(ch.send(2).ok());
        ch.close();
        QCOMPARE(*ch.receive(), 1);
        QCOMPARE(*ch.receive(), 2);
        QVERIFY(ch.receive().error() == errc::closed);
        QVERIFY(ch.try_receive().error() == errc::closed);
    }

    void sendAfterCloseFails() {
        Channel<int> ch({.capacity = 4});
        ch.close();
        ch.close();
        QVERIFY(ch.send(1).error() == errc::closed);
        QVERIFY(ch.try_send(1).error() == errc::closed);
        QVERIFY(ch.closed());
        QCOMPARE(ch.snapshot().sent, std::uint64_t{0});
    }

    void closeWakesBlockedSender() {
        auto clock = make_clock();
        Channel<int> ch({.capacity = 1, .clock = clock});
        QVERIFY(ch.send(1).ok());
        goflow::Error result;
        std::thread producer([&] {
            auto r = ch.send(2);
            result = r.ok() ? goflow::Error{} : r.error();
        });
        QVERIFY(clock->await_waiters(1));
        ch.close();
        producer.join();
        QVERIFY(result == errc::closed);
        QCOMPARE(*ch.receive(), 1);
        QVERIFY(ch.receive().error() == errc::closed);
    }

    void closeWithdrawsRendezvousOffer() {
        auto clock = make_clock();
        Channel<int> ch({.capacity = 0, .clock = clock});
        goflow::Error result;
        std::thread producer([&] {
            auto r = ch.send(9);
            result = r.ok() ? goflow::Error{} : r.error();
        });
        QVERIFY(clock->await_waiters(1));
        ch.close();
        producer.join();
        QVERIFY(result == errc::closed);
        QVERIFY(ch.receive().error() == errc::closed);
        QCOMPARE(ch.snapshot().sent, std::uint64_t{0});
    }

    void closeWakesBlockedReceiver() {
        auto clock = make_clock();
        Channel<int> ch({.capacity = 1, .clock = clock});
        goflow::Error result;
        std::thread consumer([&] {
            auto r = ch.receive();
            result = r.ok() ? goflow::Error{} : r.error();
        });
        QVERIFY(clock->await_waiters(1));
        ch.close();
        consumer.join();
        QVERIFY(result == errc::closed);
    }

    void steadyClockTimeoutsUseRealTime() {
        // Waits without a stop token on the steady clock take a cheaper path; check that its
        // deadlines and wake-ups behave like the cancelable path.
        Channel<int> ch({.capacity = 1});
        QVERIFY(ch.try_send(1).ok());
        const auto start = std::chrono::steady_clock::now();
        QVERIFY(ch.send_for(2, 20ms).error() == errc::deadline_exceeded);
        auto ctx = goflow::Context{}.with_timeout(ch.clock(), 20ms);
        QVERIFY(ch.send(2, ctx).error() == errc::deadline_exceeded);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        QVERIFY2(elapsed >= 40ms && elapsed < 40ms + kPromptTolerance,
                 qPrintable(QString("two 20 ms timeouts took %1 ms")
                                .arg(std::chrono::duration<double, std::milli>(elapsed).count())));

        Channel<int> empty({.capacity = 1});
        QVERIFY(empty.receive_for(10ms).error() == errc::deadline_exceeded);
    }

    void closeWakesSenderWithoutStopToken() {
        Channel<int> ch({.capacity = 1});
        QVERIFY(ch.send(1).ok());
        goflow::Error result;
        std::thread producer([&] {
            auto r = ch.send(2);
            result = r.ok() ? goflow::Error{} : r.error();
        });
        while (ch.snapshot().blocked_sends == 0) {
            std::this_thread::yield();
        }
        ch.close();
        producer.join();
        QVERIFY(result == errc::closed);
    }

    void rangeForEndsAtClose() {
        Channel<int> ch({.capacity = 4});
        std::thread producer([&] {
            for (int i = 1; i <= 100; ++i) {
                QVERIFY(ch.send(i).ok());
            }
            ch.close();
        });
        int sum = 0;
        int count = 0;
        for (int v : ch) {
            sum += v;
            ++count;
        }
        producer.join();
        QCOMPARE(count, 100);
        QCOMPARE(sum, 5050);
    }

    void fullPolicies_data() {
        QTest::addColumn<int>("policy");
        QTest::addColumn<QList<int>>("expected");
        QTest::addColumn<int>("dropped");
        QTest::addColumn<int>("rejected");
        QTest::newRow("drop newest") << int(FullPolicy::drop_newest) << QList<int>{1, 2} << 3 << 0;
        QTest::newRow("drop oldest") << int(FullPolicy::drop_oldest) << QList<int>{4, 5} << 3 << 0;
        QTest::newRow("fail") << int(FullPolicy::fail) << QList<int>{1, 2} << 0 << 3;
    }

    void fullPolicies() {
        QFETCH(int, policy);
        QFETCH(QList<int>, expected);
        QFETCH(int, dropped);
        QFETCH(int, rejected);
        std::vector<int> hook_values;
        Channel<int>* self = nullptr;
        Channel<int> ch({.capacity = 2,
                         .full_policy = static_cast<FullPolicy>(policy),
                         .on_drop = [&](int&& v) {
                             // The hook runs outside the lock, so the channel may be queried.
                             QVERIFY(self->snapshot().dropped >= 1);
                             hook_values.push_back(v);
                         }});
        self = &ch;
        int failures = 0;
        for (int i = 1; i <= 5; ++i) {
            auto r = ch.send(i);
            if (!r.ok()) {
                QVERIFY(r.error() == errc::full);
                ++failures;
            }
        }
        QCOMPARE(failures, rejected);
        QCOMPARE(ch.snapshot().dropped, std::uint64_t(dropped));
        QCOMPARE(int(hook_values.size()), dropped);
        QList<int> got;
        while (auto r = ch.try_receive()) {
            got.push_back(*r);
        }
        QCOMPARE(got, expected);
    }

    void unboundedNeverFills() {
        Channel<int> ch({.capacity = Channel<int>::unbounded});
        for (int i = 0; i < 100'000; ++i) {
            QVERIFY(ch.try_send(i).ok());
        }
        QCOMPARE(ch.size(), std::size_t{100'000});
        QCOMPARE(ch.snapshot().capacity, Channel<int>::unbounded);
    }

    void invalidOptionsRejected() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Channel<int>({.capacity = -1}));
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            Channel<int>({.capacity = 0, .full_policy = FullPolicy::drop_oldest}));
        try {
            Channel<int> ch({.capacity = -3});
            QFAIL("negative capacity accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("capacity") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("-3") != std::string::npos, e.what());
        }
    }

    void receiveTimesOutOnClock() {
        auto clock = make_clock();
        Channel<int> ch({.capacity = 1, .clock = clock});
        goflow::Error result;
        std::thread consumer([&] {
            auto r = ch.receive_for(30ms);
            result = r.ok() ? goflow::Error{} : r.error();
        });
        QVERIFY(clock->await_waiters(1));
        clock->advance(30ms);
        consumer.join();
        QVERIFY(result == errc::deadline_exceeded);
    }

    void snapshotCountsTraffic() {
        Channel<int> ch({.capacity = 3});
        QVERIFY(ch.send(1).ok());
        QVERIFY(ch.send(2).ok());
        QVERIFY(ch.receive().ok());
        const auto s = ch.snapshot();
        QCOMPARE(s.length, std::size_t{1});
        QCOMPARE(s.capacity, std::int64_t{3});
        QCOMPARE(s.sent, std::uint64_t{2});
        QCOMPARE(s.received, std::uint64_t{1});
        QCOMPARE(s.dropped, std::uint64_t{0});
        QVERIFY(!s.closed);
    }

    void moveOnlyValues() {
        Channel<std::unique_ptr<int>> ch({.capacity = 1});
        QVERIFY(ch.send(std::make_unique<int>(42)).ok());
        auto r = ch.receive();
        QCOMPARE(**r, 42);
    }

    void manyProducersAndConsumersLoseNothing_data() {
        QTest::addColumn<int>("capacity");
        QTest::newRow("rendezvous") << 0;
        QTest::newRow("capacity 1") << 1;
        QTest::newRow("capacity 16") << 16;
    }

    void manyProducersAndConsumersLoseNothing() {
        QFETCH(int, capacity);
        constexpr int kProducers = 3;
        constexpr int kConsumers = 3;
        constexpr int kPerProducer = 2000;
        for (int round = 0; round < 5; ++round) {
            Channel<int> ch({.capacity = capacity});
            std::atomic<long long> sum{0};
            std::atomic<int> count{0};
            std::vector<std::thread> threads;
            for (int p = 0; p < kProducers; ++p) {
                threads.emplace_back([&, p] {
                    for (int i = 0; i < kPerProducer; ++i) {
                        QVERIFY(ch.send(p * kPerProducer + i).ok());
                    }
                });
            }
            std::vector<std::thread> consumers;
            for (int c = 0; c < kConsumers; ++c) {
                consumers.emplace_back([&] {
                    while (auto r = ch.receive()) {
                        sum += *r;
                        ++count;
                    }
                });
            }
            for (auto& t : threads) {
                t.join();
            }
            ch.close();
            for (auto& t : consumers) {
                t.join();
            }
            const long long n = kProducers * kPerProducer;
            QCOMPARE(count.load(), int(n));
            QCOMPARE(sum.load(), n * (n - 1) / 2);
            QCOMPARE(ch.snapshot().received, std::uint64_t(n));
        }
    }

    void closeRacingSendersAccountsForEveryValue() {
        for (int round = 0; round < 50; ++round) {
            Channel<int> ch({.capacity = round % 3});
            std::atomic<int> accepted{0};
            std::vector<std::thread> senders;
            for (int p = 0; p < 2; ++p) {
                senders.emplace_back([&] {
                    for (int i = 0; i < 200; ++i) {
                        if (ch.send(1).ok()) {
                            ++accepted;
                        }
                    }
                });
            }
            int received = 0;
            std::thread consumer([&] {
                while (auto r = ch.receive()) {
                    received += *r;
                    if (received == 100) {
                        ch.close();
                    }
                }
            });
            for (auto& t : senders) {
                t.join();
            }
            ch.close();
            consumer.join();
            QCOMPARE(received, accepted.load());
            QCOMPARE(ch.snapshot().sent, std::uint64_t(accepted.load()));
        }
    }
};

QTEST_GUILESS_MAIN(TestChannel)
#include "tst_channel.moc"
