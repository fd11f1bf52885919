#include <QtTest>

#include <chrono>
#include <stdexcept>
#include <string>

#include "goflow/cron.hpp"

using namespace std::chrono;
using goflow::CronSchedule;
using goflow::TimeZone;
using goflow::WallTimePoint;

namespace {

WallTimePoint utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
    return time_point_cast<goflow::Duration>(sys_days(year(y) / month(mo) / day(d)) + hours(h) +
                                             minutes(mi) + seconds(s));
}

QString show(const std::optional<WallTimePoint>& t) {
    if (!t) {
        return "none";
    }
    const auto secs = floor<seconds>(*t);
    const auto dp = floor<days>(secs);
    const year_month_day ymd(dp);
    const hh_mm_ss tod(secs - dp);
    return QString("%1-%2-%3 %4:%5:%6 UTC")
        .arg(int(ymd.year()))
        .arg(unsigned(ymd.month()), 2, 10, QChar('0'))
        .arg(unsigned(ymd.day()), 2, 10, QChar('0'))
        .arg(tod.hours().count(), 2, 10, QChar('0'))
        .arg(tod.minutes().count(), 2, 10, QChar('0'))
        .arg(tod.seconds().count(), 2, 10, QChar('0'));
}

TimeZone new_york() {
    return TimeZone::named("America/New_York");
}

}  // namespace

Q_DECLARE_METATYPE(WallTimePoint)

class TestCron : public QObject {
    Q_OBJECT

  private slots:
    void invalidExpressionNamesFieldAndToken_data() {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << ""
                               << "empty";
        QTest::newRow("blank") << "   "
                               << "empty";
        QTest::newRow("minute out of range") << "61 * * * *"
                                             << "minute field has invalid token '61'";
        QTest::newRow("hour out of range") << "0 24 * * *"
                                           << "hour field has invalid token '24'";
        QTest::newRow("day zero") << "0 0 0 * *"
                                  << "day-of-month field has invalid token '0'";
        QTest::newRow("month name") << "0 0 1 FOO *"
                                    << "month field has invalid token 'FOO'";
        QTest::newRow("weekday 8") << "0 0 * * 8"
                                   << "day-of-week field has invalid token '8'";
        QTest::newRow("second 60") << "60 * * * * *"
                                   << "second field has invalid token '60'";
        QTest::newRow("zero step") << "*/0 * * * *"
                                   << "minute field has invalid token '*/0'";
        QTest::newRow("reversed range") << "5-1 * * * *"
                                        << "minute field has invalid token '5-1'";
        QTest::newRow("empty item") << "1,,2 * * * *"
                                    << "minute field has invalid token '1,,2'";
        QTest::newRow("negative") << "-1 * * * *"
                                  << "minute field has invalid token '-1'";
        QTest::newRow("four fields") << "* * * *"
                                     << "got 4";
        QTest::newRow("seven fields") << "* * * * * * *"
                                      << "got 7";
        QTest::newRow("unknown macro") << "@fortnightly"
                                       << "unknown macro '@fortnightly'";
        QTest::newRow("every without duration") << "@every"
                                                << "@every takes exactly one";
        QTest::newRow("every zero") << "@every 0s"
                                    << "must be positive";
        QTest::newRow("every negative") << "@every -5s"
                                        << "invalid duration token '-5s'";
        QTest::newRow("every unknown unit") << "@every 10x"
                                            << "unknown unit 'x'";
        QTest::newRow("every fraction") << "@every 1.5s"
                                        << "invalid duration token";
        QTest::newRow("macro with fields") << "@daily 5"
                                           << "takes no fields";
    }

    void invalidExpressionNamesFieldAndToken() {
        QFETCH(QString, expression);
        QFETCH(QString, expected);
        try {
            (void)CronSchedule::parse(expression.toStdString());
            QFAIL("parse accepted an invalid expression");
        } catch (const std::invalid_argument& e) {
            const QString message = e.what();
            QVERIFY2(message.contains(expected), qPrintable(message));
            QVERIFY2(message.contains("'" + expression + "'"), qPrintable(message));
        }
    }

    void nextInUtc_data() {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<WallTimePoint>("after");
        QTest::addColumn<WallTimePoint>("expected");
        const auto t0 = utc(2026, 1, 14, 10, 7, 30);  // a Wednesday
        QTest::newRow("every 15 minutes") << "*/15 * * * *" << t0 << utc(2026, 1, 14, 10, 15);
        QTest::newRow("strictly after")
            << "*/15 * * * *" << utc(2026, 1, 14, 10, 15) << utc(2026, 1, 14, 10, 30);
        QTest::newRow("list and range") << "5,10-12 * * * *" << t0 << utc(2026, 1, 14, 10, 10);
        QTest::newRow("range with step") << "0 8-18/4 * * *" << t0 << utc(2026, 1, 14, 12, 0);
        QTest::newRow("value with step") << "50/5 * * * *" << t0 << utc(2026, 1, 14, 10, 50);
        QTest::newRow("weekday names") << "0 9 * * mon-fri" << t0 << utc(2026, 1, 15, 9, 0);
        QTest::newRow("weekend") << "0 9 * * SAT,SUN" << t0 << utc(2026, 1, 17, 9, 0);
        QTest::newRow("weekday 7 is sunday") << "0 9 * * 7" << t0 << utc(2026, 1, 18, 9, 0);
        QTest::newRow("month names") << "0 0 1 mar,Sep *" << t0 << utc(2026, 3, 1);
        QTest::newRow("seconds field") << "*/20 * * * * *" << t0 << utc(2026, 1, 14, 10, 7, 40);
        QTest::newRow("yearly") << "@yearly" << t0 << utc(2027, 1, 1);
        QTest::newRow("annually") << "@annually" << t0 << utc(2027, 1, 1);
        QTest::newRow("monthly") << "@monthly" << t0 << utc(2026, 2, 1);
        QTest::newRow("weekly") << "@weekly" << t0 << utc(2026, 1, 18);
        QTest::newRow("daily") << "@daily" << t0 << utc(2026, 1, 15);
        QTest::newRow("hourly") << "@hourly" << t0 << utc(2026, 1, 14, 11);
        QTest::newRow("year end") << "59 23 31 12 *" << t0 << utc(2026, 12, 31, 23, 59);
        // Both day fields restricted: a day matches when either matches.
        QTest::newRow("dom or dow, dow first")
            << "0 0 20 * WED" << utc(2026, 1, 14, 1) << utc(2026, 1, 20);
        QTest::newRow("dom or dow, wednesday")
            << "0 0 25 * WED" << utc(2026, 1, 15) << utc(2026, 1, 21);
        // A day field starting with '*' counts as unrestricted, so both must match.
        QTest::newRow("star step dom and dow") << "0 0 */2 * MON" << t0 << utc(2026, 1, 19);
        QTest::newRow("star dom, dow") << "0 0 * * FRI" << t0 << utc(2026, 1, 16);
        QTest::newRow("dom, star step dow") << "0 0 13 * */1" << t0 << utc(2026, 2, 13);
        QTest::newRow("leap day") << "0 0 29 2 *" << t0 << utc(2028, 2, 29);
        QTest::newRow("leap day over 2100") << "0 0 29 2 *" << utc(2096, 3, 1) << utc(2104, 2, 29);
        QTest::newRow("leap day after 2000") << "0 0 29 2 *" << utc(2000, 3, 1) << utc(2004, 2, 29);
    }

    void nextInUtc() {
        QFETCH(QString, expression);
        QFETCH(WallTimePoint, after);
        QFETCH(WallTimePoint, expected);
        const auto cron = CronSchedule::parse(expression.toStdString());
        QVERIFY(cron.can_fire());
        const auto next = cron.next(after);
        QCOMPARE(show(next), show(expected));
    }

    void oddDaysAndMondaysNeedBoth() {
        // */2 on day-of-month is 1,3,5,...; with the '*' rule only odd-numbered Mondays match.
        const auto cron = CronSchedule::parse("0 0 */2 * MON");
        auto t = utc(2026, 1, 1);
        for (int i = 0; i < 20; ++i) {
            const auto next = cron.next(t);
            QVERIFY(next.has_value());
            const year_month_day ymd(floor<days>(*next));
            QVERIFY2(unsigned(ymd.day()) % 2 == 1, qPrintable(show(next)));
            QCOMPARE(weekday(floor<days>(*next)), Monday);
            t = *next;
        }
    }

    void impossibleDatesNeverFire_data() {
        QTest::addColumn<QString>("expression");
        QTest::newRow("31 February") << "0 0 31 2 *";
        QTest::newRow("30 February") << "0 0 30 2 *";
        QTest::newRow("31 April") << "0 0 31 4 *";
        QTest::newRow("31 of short months") << "0 0 31 2,4,6,9,11 *";
    }

    void impossibleDatesNeverFire() {
        QFETCH(QString, expression);
        const auto cron = CronSchedule::parse(expression.toStdString());
        QVERIFY(!cron.can_fire());
        QVERIFY(!cron.next(utc(2026, 1, 1)).has_value());
    }

    void impossibleDomWithWeekdayFiresOnWeekday() {
        // Both restricted: a Monday in February matches although 30 February does not exist.
        const auto cron = CronSchedule::parse("0 0 30 2 MON");
        QVERIFY(cron.can_fire());
        QCOMPARE(show(cron.next(utc(2026, 1, 14))), show(utc(2026, 2, 2)));
    }

    void everyIsIntervalNotCalendar() {
        const auto cron = CronSchedule::parse("@every 1500ms");
        QCOMPARE(cron.every(), std::optional<goflow::Duration>(milliseconds(1500)));
        QVERIFY(!cron.next(utc(2026, 1, 1)).has_value());
        QCOMPARE(CronSchedule::parse("@every 1h30m").every(),
                 std::optional<goflow::Duration>(minutes(90)));
        QCOMPARE(CronSchedule::parse("@every 250us").every(),
                 std::optional<goflow::Duration>(microseconds(250)));
    }

    void searchIsFast() {
        const auto cron = CronSchedule::parse("0 0 29 2 MON");    // OR rule: any Monday
        const auto rare = CronSchedule::parse("59 23 29 2 */1");  // 29 February only
        const auto start = steady_clock::now();
        auto t = utc(2026, 1, 1);
        for (int i = 0; i < 50; ++i) {
            t = rare.next(t).value();
        }
        QVERIFY(cron.next(t).has_value());
        const auto elapsed = duration_cast<milliseconds>(steady_clock::now() - start);
        // 50 leap days from 2028 on, skipping 2100 and 2200, which are not leap years.
        QCOMPARE(show(t), show(utc(2232, 2, 29, 23, 59)));
        QVERIFY2(elapsed < seconds(5), qPrintable(QString::number(elapsed.count()) + " ms"));
    }

    void endOfRepresentableTimeReturnsNone() {
        const auto cron = CronSchedule::parse("0 0 1 1 *");
        QVERIFY(!cron.next(utc(2262, 1, 2)).has_value());
    }

    void unknownZoneIsRejected() {
        try {
            (void)TimeZone::named("Mars/Olympus_Mons");
            QFAIL("unknown zone accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("Mars/Olympus_Mons"), e.what());
        }
    }

    void springGapRunsAfterJump() {
        if (!TimeZone::has_tz_database()) {
            QSKIP("built without the tz database");
        }
        const auto cron = CronSchedule::parse("30 2 * * *", new_york());
        // 2026-03-08 01:58 EST is 06:58 UTC; clocks jump from 02:00 EST to 03:00 EDT.
        const auto first = cron.next(utc(2026, 3, 8, 6, 58));
        QCOMPARE(show(first), show(utc(2026, 3, 8, 7, 0)));  // 03:00 EDT
        const auto second = cron.next(*first);
        QCOMPARE(show(second), show(utc(2026, 3, 9, 6, 30)));  // 02:30 EDT
    }

    void springGapFixedHourRunsOnce() {
        if (!TimeZone::has_tz_database()) {
            QSKIP("built without the tz database");
        }
        const auto cron = CronSchedule::parse("*/15 2 * * *", new_york());
        const auto first = cron.next(utc(2026, 3, 8, 6, 0));
        QCOMPARE(show(first), show(utc(2026, 3, 8, 7, 0)));
        QCOMPARE(show(cron.next(*first)), show(utc(2026, 3, 9, 6, 0)));  // 02:00 EDT next day
    }

    void springGapWildcardHourFollowsWallClock() {
        if (!TimeZone::has_tz_database()) {
            QSKIP("built without the tz database");
        }
        const auto cron = CronSchedule::parse("*/30 * * * *", new_york());
        auto t = cron.next(utc(2026, 3, 8, 6, 40));      // 01:40 EST
        QCOMPARE(show(t), show(utc(2026, 3, 8, 7, 0)));  // 03:00 EDT; no 02:00 or 02:30
        QCOMPARE(show(cron.next(*t)), show(utc(2026, 3, 8, 7, 30)));
    }

    void autumnRepeatFixedTimeRunsOnce() {
        if (!TimeZone::has_tz_database()) {
            QSKIP("built without the tz database");
        }
        const auto cron = CronSchedule::parse("30 1 * * *", new_york());
        // 2026-11-01 00:58 EDT is 04:58 UTC; at 06:00 UTC clocks go back from 02:00 EDT to
        // 01:00 EST, so 01:30 happens at 05:30 UTC and again at 06:30 UTC.
        const auto first = cron.next(utc(2026, 11, 1, 4, 58));
        QCOMPARE(show(first), show(utc(2026, 11, 1, 5, 30)));              // 01:30 EDT
        QCOMPARE(show(cron.next(*first)), show(utc(2026, 11, 2, 6, 30)));  // 01:30 EST
        // Asked from inside the second copy, it still skips to the next day.
        QCOMPARE(show(cron.next(utc(2026, 11, 1, 6, 10))), show(utc(2026, 11, 2, 6, 30)));
    }

    void autumnRepeatWildcardHourRunsInBothCopies() {
        if (!TimeZone::has_tz_database()) {
            QSKIP("built without the tz database");
        }
        const auto cron = CronSchedule::parse("*/30 * * * *", new_york());
        std::vector<WallTimePoint> expected = {
            utc(2026, 11, 1, 5, 0),   // 01:00 EDT
            utc(2026, 11, 1, 5, 30),  // 01:30 EDT
            utc(2026, 11, 1, 6, 0),   // 01:00 EST
            utc(2026, 11, 1, 6, 30),  // 01:30 EST
            utc(2026, 11, 1, 7, 0),   // 02:00 EST
        };
        auto t = utc(2026, 11, 1, 4, 50);  // 00:50 EDT
        for (const auto& want : expected) {
            const auto next = cron.next(t);
            QCOMPARE(show(next), show(want));
            t = *next;
        }
    }

    void fixedHourInLocalZoneMatchesWallClock() {
        // The local zone follows TZ; pin it so the expectation is known.
        const QByteArray saved = qgetenv("TZ");
        qputenv("TZ", "America/New_York");
        tzset();
        const auto cron = CronSchedule::parse("30 2 * * *", TimeZone::local());
        const auto spring = cron.next(utc(2026, 3, 8, 6, 58));
        const auto autumn = cron.next(utc(2026, 11, 1, 4, 58));
        if (saved.isNull()) {
            qunsetenv("TZ");
        } else {
            qputenv("TZ", saved);
        }
        tzset();
        QCOMPARE(show(spring), show(utc(2026, 3, 8, 7, 0)));
        QCOMPARE(show(autumn), show(utc(2026, 11, 1, 7, 30)));  // 02:30 EST
    }
};

QTEST_GUILESS_MAIN(TestCron)
#include "tst_cron.moc"
