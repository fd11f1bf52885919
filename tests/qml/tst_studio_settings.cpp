// Tests StudioSettings against a QSettings store in a temporary directory: defaults, values
// surviving a restart, invalid stored values, window geometry fitted to the screens, and
// Main.qml restoring and updating the settings (theme, tab, scenario, speed, Ctrl+Shift+T).

#include <QApplication>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "studio_controller.h"
#include "studio_settings.h"
#include "studio_window.h"

using goflow::test::StudioWindow;

namespace {

QSettings rawStore() {
    return QSettings(QStringLiteral("goflow"), QStringLiteral("goflow Studio"));
}

// Returns the colour that `control` draws its label with: its palette's buttonText in the colour
// group of the control's state, which is the disabled group while it is disabled.
QColor buttonTextOf(const QObject* control) {
    auto* palette = control->property("palette").value<QObject*>();
    return palette != nullptr ? palette->property("buttonText").value<QColor>() : QColor();
}

// Checks that the disabled Pause button's label is dimmer than the enabled Run button's: its
// lightness lies closer to the window's.
void checkDisabledButtonIsDimmer(const StudioWindow& studio) {
    auto* run = studio.find<QQuickItem>(QStringLiteral("runButton"));
    auto* pause = studio.find<QQuickItem>(QStringLiteral("pauseButton"));
    QVERIFY(run != nullptr);
    QVERIFY(pause != nullptr);
    QVERIFY(run->isEnabled());
    QVERIFY(!pause->isEnabled());
    const QColor enabled = buttonTextOf(run);
    const QColor disabled = buttonTextOf(pause);
    QVERIFY(enabled.isValid());
    QVERIFY(disabled.isValid());
    const double window = studio.window()->color().lightnessF();
    const double enabledGap = std::abs(enabled.lightnessF() - window);
    const double disabledGap = std::abs(disabled.lightnessF() - window);
    QVERIFY2(
        disabledGap < enabledGap * 0.7,
        qPrintable(QStringLiteral("enabled %1, disabled %2 on window %3")
                       .arg(enabled.name(), disabled.name(), studio.window()->color().name())));
}

}  // namespace

class TestStudioSettings : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_directory.isValid(), qPrintable(m_directory.errorString()));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_directory.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_directory.path());
        QVERIFY2(rawStore().fileName().startsWith(m_directory.path()),
                 qPrintable(rawStore().fileName()));
    }

    void init() { rawStore().clear(); }

    void keysRoundTrip() {
        using Theme = StudioSettings::ThemeChoice;
        for (const Theme theme : {Theme::FollowSystem, Theme::Light, Theme::Dark}) {
            QCOMPARE(StudioSettings::themeFromKey(StudioSettings::themeKey(theme)), theme);
        }
        for (const double speed :
             {0.1, 0.25, 1.0, 10.0, 100.0, StudioController::kAsFastAsPossible}) {
            QCOMPARE(StudioSettings::speedFromKey(StudioSettings::speedKey(speed)), speed);
        }
        QCOMPARE(StudioSettings::speedKey(10.0), QStringLiteral("10"));
        QCOMPARE(StudioSettings::speedKey(1.0), QStringLiteral("realtime"));
        QCOMPARE(StudioSettings::speedKey(StudioController::kAsFastAsPossible),
                 QStringLiteral("max"));
        QCOMPARE(StudioSettings::speedFromKey(QStringLiteral("10x")), 10.0);
        QVERIFY(!StudioSettings::themeFromKey(QStringLiteral("purple")));
        QVERIFY(!StudioSettings::themeFromKey(QStringLiteral("Dark")));
        QVERIFY(!StudioSettings::speedFromKey(QStringLiteral("1000x")));
        QVERIFY(!StudioSettings::speedFromKey(QString()));
    }

    void defaultsWhenEmpty() {
        const StudioSettings settings;
        QCOMPARE(settings.theme(), StudioSettings::ThemeChoice::FollowSystem);
        QCOMPARE(settings.lastScenario(), QString());
        QCOMPARE(settings.replaySpeed(), 1.0);
        QCOMPARE(settings.lastTab(), 0);
        QVERIFY(settings.windowGeometry().isNull());
        QVERIFY(!settings.windowMaximized());
    }

    void valuesSurviveRestart() {
        {
            StudioSettings settings;
            QSignalSpy themeSpy(&settings, &StudioSettings::themeChanged);
            settings.setTheme(StudioSettings::ThemeChoice::Dark);
            settings.setTheme(StudioSettings::ThemeChoice::Dark);
            QCOMPARE(themeSpy.count(), 1);
            settings.setLastScenario(QStringLiteral("/tmp/a scenario.json"));
            settings.setReplaySpeed(StudioController::kAsFastAsPossible);
            settings.setLastTab(2);
            settings.setWindowGeometry(QRect(10, 20, 700, 500));
            settings.setWindowMaximized(true);
            settings.sync();
        }
        QCOMPARE(rawStore().value(QStringLiteral("appearance/theme")).toString(),
                 QStringLiteral("dark"));
        QCOMPARE(rawStore().value(QStringLiteral("run/speed")).toString(), QStringLiteral("max"));

        const StudioSettings settings;
        QCOMPARE(settings.theme(), StudioSettings::ThemeChoice::Dark);
        QCOMPARE(settings.lastScenario(), QStringLiteral("/tmp/a scenario.json"));
        QCOMPARE(settings.replaySpeed(), StudioController::kAsFastAsPossible);
        QCOMPARE(settings.lastTab(), 2);
        QCOMPARE(settings.windowGeometry(), QRect(10, 20, 700, 500));
        QVERIFY(settings.windowMaximized());
    }

    void invalidValuesFallBack() {
        {
            QSettings store = rawStore();
            store.setValue(QStringLiteral("appearance/theme"), QStringLiteral("purple"));
            store.setValue(QStringLiteral("run/speed"), QStringLiteral("1000x"));
            store.setValue(QStringLiteral("view/lastTab"), QStringLiteral("-3"));
            store.setValue(QStringLiteral("window/geometry"), QRect(0, 0, 0, 10));
        }
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression("Invalid appearance/theme \"purple\""));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("Invalid run/speed \"1000x\""));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("Invalid view/lastTab -3"));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("Invalid window/geometry"));
        StudioSettings settings;
        QCOMPARE(settings.theme(), StudioSettings::ThemeChoice::FollowSystem);
        QCOMPARE(settings.replaySpeed(), 1.0);
        QCOMPARE(settings.lastTab(), 0);
        QVERIFY(settings.windowGeometry().isNull());

        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("negative tab index"));
        settings.setLastTab(-1);
        QCOMPARE(settings.lastTab(), 0);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression("without a positive size"));
        settings.setWindowGeometry(QRect(5, 5, -1, 100));
        QVERIFY(settings.windowGeometry().isNull());
    }

    void fitToScreens_data() {
        QTest::addColumn<QRect>("stored");
        QTest::addColumn<QList<QRect>>("screens");
        QTest::addColumn<QRect>("expected");

        const QRect left(0, 0, 1920, 1080);
        const QRect right(1920, 0, 1280, 1024);
        QTest::newRow("inside stays")
            << QRect(100, 80, 1000, 700) << QList<QRect>{left} << QRect(100, 80, 1000, 700);
        QTest::newRow("on second screen stays")
            << QRect(2000, 50, 900, 600) << QList<QRect>{left, right} << QRect(2000, 50, 900, 600);
        QTest::newRow("second screen gone centres")
            << QRect(2000, 50, 900, 600) << QList<QRect>{left} << QRect(510, 240, 900, 600);
        QTest::newRow("too large shrinks")
            << QRect(0, 0, 2500, 1400) << QList<QRect>{left} << QRect(0, 0, 1920, 1080);
        QTest::newRow("hanging off moves in")
            << QRect(1500, 900, 800, 600) << QList<QRect>{left} << QRect(1120, 480, 800, 600);
        QTest::newRow("negative origin moves in")
            << QRect(-200, -50, 800, 600) << QList<QRect>{left} << QRect(0, 0, 800, 600);
        QTest::newRow("straddling goes to larger overlap")
            << QRect(1700, 100, 1000, 700) << QList<QRect>{left, right}
            << QRect(1920, 100, 1000, 700);
        QTest::newRow("empty stored") << QRect() << QList<QRect>{left} << QRect();
        QTest::newRow("no screens") << QRect(0, 0, 800, 600) << QList<QRect>{} << QRect();
    }

    void fitToScreens() {
        QFETCH(QRect, stored);
        QFETCH(QList<QRect>, screens);
        QFETCH(QRect, expected);
        QCOMPARE(StudioSettings::fitToScreens(stored, screens), expected);
    }

    void attachWindowRestoresAndRecords() {
        {
            StudioSettings settings;
            settings.setWindowGeometry(QRect(40, 30, 500, 400));
        }
        StudioSettings settings;
        QWindow window;
        window.resize(300, 200);
        settings.attachWindow(&window);
        QCOMPARE(window.geometry(), QRect(40, 30, 500, 400));

        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.setGeometry(QRect(60, 50, 420, 310));
        QTRY_COMPARE(settings.windowGeometry(), QRect(60, 50, 420, 310));
        QVERIFY(!settings.windowMaximized());

        window.showMaximized();
        QTRY_VERIFY(settings.windowMaximized());
        // The normal geometry is what a restart restores, not the maximized one.
        QCOMPARE(settings.windowGeometry(), QRect(60, 50, 420, 310));

        window.showMinimized();
        QTRY_VERIFY(window.windowStates().testFlag(Qt::WindowMinimized));
        QVERIFY(settings.windowMaximized());

        window.showNormal();
        QTRY_VERIFY(!settings.windowMaximized());
    }

    void attachWindowRestoresMaximized() {
        {
            StudioSettings settings;
            settings.setWindowMaximized(true);
        }
        StudioSettings settings;
        QWindow window;
        settings.attachWindow(&window);
        QVERIFY(window.windowStates().testFlag(Qt::WindowMaximized));
    }

    void mainRestoresAndSaves() {
        const QString scenario =
            QStringLiteral(GOFLOW_SOURCE_SCENARIO_DIR) + QStringLiteral("/api-burst.json");
        {
            StudioSettings settings;
            settings.setTheme(StudioSettings::ThemeChoice::Dark);
            settings.setLastTab(7);
        }
        StudioSettings settings;
        StudioWindow studio;
        QVERIFY2(
            studio.load({.scenario = scenario,
                         .speed = QStringLiteral("10x"),
                         .extra = {{QStringLiteral("settings"), QVariant::fromValue(&settings)}}}),
            qPrintable(studio.errorString()));
        QQuickWindow* window = studio.window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        window->requestActivate();
        QVERIFY(QTest::qWaitForWindowActive(window));

        const QColor darkWindow = window->color();
        QVERIFY2(darkWindow.lightnessF() < 0.5, qPrintable(darkWindow.name()));
        checkDisabledButtonIsDimmer(studio);

        auto* pageBar = studio.find(QStringLiteral("pageBar"));
        QVERIFY(pageBar != nullptr);
        const int tabs = pageBar->property("count").toInt();
        QVERIFY(tabs >= 1);
        QCOMPARE(pageBar->property("currentIndex").toInt(), std::min(7, tabs - 1));

        StudioController* controller = studio.controller();
        QCOMPARE(settings.lastScenario(), scenario);
        controller->setSpeed(StudioController::Speed::AsFastAsPossible);
        QCOMPARE(settings.replaySpeed(), StudioController::kAsFastAsPossible);

        QTest::keyClick(window, Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(settings.theme(), StudioSettings::ThemeChoice::Light);
        QVERIFY2(window->color().lightnessF() > 0.5, qPrintable(window->color().name()));
        checkDisabledButtonIsDimmer(studio);
        QTest::keyClick(window, Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(settings.theme(), StudioSettings::ThemeChoice::Dark);
        QCOMPARE(window->color(), darkWindow);

        // The messages printed while the window is destroyed count too.
        studio.unload();
        GOFLOW_VERIFY_NO_MESSAGES(studio);
    }

  private:
    QTemporaryDir m_directory;
};

QTEST_MAIN(TestStudioSettings)
#include "tst_studio_settings.moc"
