#include <QtTest>

#include "goflow/sim/json.hpp"

namespace json = goflow::sim::json;

class TestJson : public QObject {
    Q_OBJECT

  private slots:
    void parsesEveryValueKind() {
        // A plain literal: moc in Qt 6.4 loses track of a raw string that contains \".
        const json::Value v = json::parse(
            "{\"n\": -1.5e2, \"t\": true, \"f\": false, \"z\": null, "
            "\"s\": \"a\\\"b\\u00e9\", \"a\": [1, [2]]}");
        QVERIFY(v.is_object());
        QCOMPARE(v.find("n")->as_number(), -150.0);
        QVERIFY(v.find("t")->as_bool());
        QVERIFY(!v.find("f")->as_bool());
        QVERIFY(v.find("z")->is_null());
        QCOMPARE(v.find("s")->as_string(), std::string("a\"b\xC3\xA9"));
        QCOMPARE(v.find("a")->as_array().size(), std::size_t{2});
        QVERIFY(v.find("missing") == nullptr);
    }

    void keepsMemberOrder() {
        const json::Value v = json::parse(R"({"b": 1, "a": 2, "c": 3})");
        const auto& members = v.as_object();
        QCOMPARE(members[0].first, std::string("b"));
        QCOMPARE(members[1].first, std::string("a"));
        QCOMPARE(members[2].first, std::string("c"));
    }

    void recordsValueLocations() {
        const json::Value v = json::parse("{\n  \"a\": 1,\n  \"b\": [true]\n}");
        QCOMPARE(v.find("a")->location().line, 2);
        QCOMPARE(v.find("a")->location().column, 8);
        QCOMPARE(v.find("b")->location().line, 3);
    }

    void decodesSurrogatePairs() {
        const json::Value v = json::parse(R"("\ud83d\ude00")");
        QCOMPARE(v.as_string(), std::string("\xF0\x9F\x98\x80"));
    }

    void malformedInputReportsLineAndColumn_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("problem");
        QTest::newRow("missing comma")
            << "{\n  \"a\": 1\n  \"b\": 2\n}" << 3 << 3 << "expected ',' or '}'";
        QTest::newRow("trailing comma") << "[1, 2,]" << 1 << 7 << "expected a value";
        QTest::newRow("bare word") << "{\"a\": yes}" << 1 << 7 << "expected a value";
        QTest::newRow("unterminated string") << "\"abc" << 1 << 5 << "unterminated string";
        QTest::newRow("leading zero") << "[01]" << 1 << 3 << "expected ',' or ']'";
        QTest::newRow("bad escape") << "\"\\x\"" << 1 << 3 << "invalid escape";
        QTest::newRow("lone surrogate") << "\"\\ud800x\"" << 1 << 8 << "unpaired UTF-16 surrogate";
        QTest::newRow("duplicate key")
            << "{\"a\": 1,\n \"a\": 2}" << 2 << 2 << "duplicate member 'a'";
        QTest::newRow("trailing text") << "{} {}" << 1 << 4 << "unexpected text";
        QTest::newRow("empty") << "" << 1 << 1 << "expected a value";
        QTest::newRow("huge number") << "1e999" << 1 << 1 << "number out of range";
    }

    void malformedInputReportsLineAndColumn() {
        QFETCH(QString, text);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, problem);
        try {
            (void)json::parse(text.toStdString());
            QFAIL("malformed JSON was accepted");
        } catch (const json::ParseError& e) {
            QCOMPARE(e.location().line, line);
            QCOMPARE(e.location().column, column);
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains(problem), qPrintable(message));
            QVERIFY2(message.startsWith(QString("line %1, column %2: ").arg(line).arg(column)),
                     qPrintable(message));
        }
    }

    void deepNestingIsRejected() {
        const std::string deep(10'000, '[');
        QVERIFY_THROWS_EXCEPTION(json::ParseError, (void)json::parse(deep));
    }
};

QTEST_GUILESS_MAIN(TestJson)
#include "tst_json.moc"
