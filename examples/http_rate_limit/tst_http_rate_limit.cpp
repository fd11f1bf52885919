// Sends real HTTP requests over loopback (127.0.0.1 only) to the rate-limited endpoint and
// checks that the 429 responses start exactly where the token-bucket arithmetic puts them.
// The bucket runs on a ManualClock, so time moves only when the test advances it.

#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <httplib.h>

#include "goflow/clock.hpp"
#include "goflow/token_bucket.hpp"
#include "rate_limited_endpoint.hpp"

using namespace std::chrono_literals;
using goflow::Duration;
using goflow::ManualClock;
using goflow::TokenBucket;

Q_DECLARE_METATYPE(std::optional<std::int64_t>)

namespace {

// An httplib server with the rate-limited endpoint on 127.0.0.1 and a free port.
class LoopbackServer {
  public:
    explicit LoopbackServer(TokenBucket& bucket) {
        goflow::examples::add_rate_limited_endpoint(server_, "/hello", bucket);
        port_ = server_.bind_to_any_port("127.0.0.1");
        if (port_ > 0) {
            // The socket already listens, so requests queue until the accept loop starts.
            thread_ = std::thread([this] { server_.listen_after_bind(); });
        }
    }

    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    ~LoopbackServer() {
        if (thread_.joinable()) {
            // stop() only ends an accept loop that has started.
            while (!server_.is_running()) {
                std::this_thread::yield();
            }
            server_.stop();
            thread_.join();
        }
    }

    [[nodiscard]] int port() const { return port_; }

  private:
    httplib::Server server_;
    std::thread thread_;
    int port_ = -1;
};

struct Reply {
    int status = 0;  // 0 when the request failed
    std::string retry_after;
};

Reply get_hello(int port) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(10s);
    client.set_read_timeout(10s);
    const auto result = client.Get("/hello");
    if (!result) {
        return {};
    }
    return {result->status, result->get_header_value("Retry-After")};
}

}  // namespace

class TestHttpRateLimit : public QObject {
    Q_OBJECT

  private slots:
    void retryAfterRoundsUpToWholeSeconds_data() {
        QTest::addColumn<qint64>("waitNanoseconds");
        QTest::addColumn<std::optional<std::int64_t>>("expected");
        QTest::newRow("zero") << qint64{0} << std::optional<std::int64_t>{1};
        QTest::newRow("1 ns") << qint64{1} << std::optional<std::int64_t>{1};
        QTest::newRow("500 ms") << qint64{500'000'000} << std::optional<std::int64_t>{1};
        QTest::newRow("1 s") << qint64{1'000'000'000} << std::optional<std::int64_t>{1};
        QTest::newRow("1 s + 1 ns") << qint64{1'000'000'001} << std::optional<std::int64_t>{2};
        QTest::newRow("4 s") << qint64{4'000'000'000} << std::optional<std::int64_t>{4};
        QTest::newRow("never") << std::numeric_limits<qint64>::max()
                               << std::optional<std::int64_t>{};
    }

    void retryAfterRoundsUpToWholeSeconds() {
        QFETCH(qint64, waitNanoseconds);
        QFETCH(std::optional<std::int64_t>, expected);
        const auto actual = goflow::examples::retry_after_seconds(Duration(waitNanoseconds));
        QCOMPARE(actual.has_value(), expected.has_value());
        if (expected) {
            QCOMPARE(*actual, *expected);
        }
    }

    // At one instant a bucket admits floor(tokens) requests; the next gets 429 with
    // Retry-After = ceil((1 - tokens left) / rate) seconds, at least 1.
    void firstRejectionAfterBurst_data() {
        QTest::addColumn<double>("rate");
        QTest::addColumn<qint64>("burst");
        QTest::addColumn<double>("initialTokens");
        QTest::addColumn<int>("expectedAdmitted");
        QTest::addColumn<QString>("expectedRetryAfter");
        QTest::newRow("2/s, burst 5") << 2.0 << qint64{5} << 5.0 << 5 << "1";
        QTest::newRow("1 every 4 s, burst 3") << 0.25 << qint64{3} << 3.0 << 3 << "4";
        QTest::newRow("0.1/s, burst 1") << 0.1 << qint64{1} << 1.0 << 1 << "10";
        // 2.5 tokens admit 2 requests and leave 0.5; at 0.2/s the rest takes 2.5 s, so 3 s.
        QTest::newRow("fractional tokens") << 0.2 << qint64{4} << 2.5 << 2 << "3";
        QTest::newRow("empty bucket") << 1.0 << qint64{10} << 0.0 << 0 << "1";
        QTest::newRow("rate 0: no Retry-After") << 0.0 << qint64{2} << 2.0 << 2 << "";
    }

    void firstRejectionAfterBurst() {
        QFETCH(double, rate);
        QFETCH(qint64, burst);
        QFETCH(double, initialTokens);
        QFETCH(int, expectedAdmitted);
        QFETCH(QString, expectedRetryAfter);

        auto clock = std::make_shared<ManualClock>();
        TokenBucket bucket(
            {.rate = rate, .burst = burst, .initial_tokens = initialTokens, .clock = clock});
        LoopbackServer server(bucket);
        QVERIFY2(server.port() > 0, "cannot bind 127.0.0.1");

        const int requests = expectedAdmitted + 3;
        for (int i = 0; i < requests; ++i) {
            const Reply reply = get_hello(server.port());
            const QByteArray where = QByteArray("request ") + QByteArray::number(i + 1);
            if (i < expectedAdmitted) {
                QVERIFY2(reply.status == 200,
                         where + " status " + QByteArray::number(reply.status));
                QVERIFY2(reply.retry_after.empty(), where);
            } else {
                QVERIFY2(reply.status == 429,
                         where + " status " + QByteArray::number(reply.status));
                QCOMPARE(QString::fromStdString(reply.retry_after), expectedRetryAfter);
            }
        }
        const auto snapshot = bucket.snapshot();
        QCOMPARE(snapshot.admitted, std::uint64_t(expectedAdmitted));
        QCOMPARE(snapshot.rejected, std::uint64_t(requests - expectedAdmitted));
    }

    // At 0.5 tokens/s a token is due every 2 s: Retry-After counts down as the clock moves, a
    // request is admitted exactly when the token is due, and a long pause refills only the burst.
    void refillAdmitsOneRequestPerInterval() {
        auto clock = std::make_shared<ManualClock>();
        TokenBucket bucket({.rate = 0.5, .burst = 2, .clock = clock});
        LoopbackServer server(bucket);
        QVERIFY2(server.port() > 0, "cannot bind 127.0.0.1");

        QCOMPARE(get_hello(server.port()).status, 200);
        QCOMPARE(get_hello(server.port()).status, 200);
        Reply reply = get_hello(server.port());
        QCOMPARE(reply.status, 429);
        QCOMPARE(reply.retry_after, std::string("2"));

        clock->advance(1500ms);
        reply = get_hello(server.port());
        QCOMPARE(reply.status, 429);
        QCOMPARE(reply.retry_after, std::string("1"));

        clock->advance(499ms);
        reply = get_hello(server.port());
        QCOMPARE(reply.status, 429);
        QCOMPARE(reply.retry_after, std::string("1"));

        clock->advance(1ms);
        QCOMPARE(get_hello(server.port()).status, 200);
        reply = get_hello(server.port());
        QCOMPARE(reply.status, 429);
        QCOMPARE(reply.retry_after, std::string("2"));

        clock->advance(60s);
        QCOMPARE(get_hello(server.port()).status, 200);
        QCOMPARE(get_hello(server.port()).status, 200);
        QCOMPARE(get_hello(server.port()).status, 429);
    }

    // Clients racing on several connections share one burst: exactly `burst` requests pass.
    void concurrentClientsShareOneBurst() {
        constexpr int kClients = 4;
        constexpr int kRequestsPerClient = 10;
        constexpr std::int64_t kBurst = 7;
        for (int round = 0; round < 5; ++round) {
            auto clock = std::make_shared<ManualClock>();
            TokenBucket bucket({.rate = 1, .burst = kBurst, .clock = clock});
            LoopbackServer server(bucket);
            QVERIFY2(server.port() > 0, "cannot bind 127.0.0.1");

            std::atomic<int> ok{0};
            std::atomic<int> limited{0};
            std::atomic<int> other{0};
            std::vector<std::thread> clients;
            for (int c = 0; c < kClients; ++c) {
                clients.emplace_back([&] {
                    for (int i = 0; i < kRequestsPerClient; ++i) {
                        const int status = get_hello(server.port()).status;
                        if (status == 200) {
                            ok.fetch_add(1);
                        } else if (status == 429) {
                            limited.fetch_add(1);
                        } else {
                            other.fetch_add(1);
                        }
                    }
                });
            }
            for (auto& client : clients) {
                client.join();
            }
            QCOMPARE(other.load(), 0);
            QCOMPARE(ok.load(), int(kBurst));
            QCOMPARE(limited.load(), kClients * kRequestsPerClient - int(kBurst));
        }
    }

    // Runs the example program itself on a free loopback port with a bucket that refills one
    // token per 1000 s, so wall time cannot add a token during the test; SIGTERM must stop it
    // cleanly with its counters printed.
    void programServesAndStopsOnSigterm() {
        QProcess program;
        program.setProgram(QStringLiteral(GOFLOW_HTTP_RATE_LIMIT_EXE));
        program.setArguments(
            {"--host", "127.0.0.1", "--port", "0", "--rate", "0.001", "--burst", "3"});
        program.start();
        QVERIFY2(program.waitForStarted(10'000), qPrintable(program.errorString()));
        QVERIFY2(program.waitForReadyRead(10'000), "no output from the program");
        const QString firstLine = QString::fromUtf8(program.readLine()).trimmed();
        const auto match =
            QRegularExpression(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)/hello"))
                .match(firstLine);
        QVERIFY2(match.hasMatch(), qPrintable("unexpected first line: " + firstLine));
        const int port = match.captured(1).toInt();

        for (int i = 0; i < 3; ++i) {
            QCOMPARE(get_hello(port).status, 200);
        }
        const Reply limited = get_hello(port);
        QCOMPARE(limited.status, 429);
        // 1000 s minus the wall time since the burst was taken, rounded up.
        const int retryAfter = std::stoi(limited.retry_after);
        QVERIFY2(retryAfter >= 990 && retryAfter <= 1000,
                 qPrintable(QString("Retry-After %1").arg(retryAfter)));

        program.terminate();
        QVERIFY2(program.waitForFinished(10'000), "the program did not stop on SIGTERM");
        QCOMPARE(program.exitStatus(), QProcess::NormalExit);
        QCOMPARE(program.exitCode(), 0);
        const QString output = QString::fromUtf8(program.readAllStandardOutput());
        QVERIFY2(output.contains("received SIGTERM"), qPrintable(output));
        QVERIFY2(output.contains("3 admitted, 1 rejected"), qPrintable(output));
    }

    void programRejectsInvalidOptions_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expectedMessage");
        QTest::newRow("negative rate") << QStringList{"--rate", "-1"} << "rate";
        QTest::newRow("burst not a number") << QStringList{"--burst", "ten"} << "--burst";
        QTest::newRow("port out of range") << QStringList{"--port", "70000"} << "--port";
        QTest::newRow("unknown option") << QStringList{"--color", "red"} << "--color";
    }

    void programRejectsInvalidOptions() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expectedMessage);
        QProcess program;
        program.start(QStringLiteral(GOFLOW_HTTP_RATE_LIMIT_EXE), arguments);
        QVERIFY2(program.waitForFinished(10'000), "the program did not exit");
        QCOMPARE(program.exitCode(), 2);
        const QString errors = QString::fromUtf8(program.readAllStandardError());
        QVERIFY2(errors.contains(expectedMessage), qPrintable(errors));
    }
};

QTEST_GUILESS_MAIN(TestHttpRateLimit)
#include "tst_http_rate_limit.moc"
