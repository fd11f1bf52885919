// StudioSettings: the Studio's preferences that outlive a run, stored with QSettings.
//
// The store is QSettings with organization "goflow" and application "goflow Studio" in the
// native format (on Linux ~/.config/goflow/goflow Studio.conf). Every setter writes through at
// once, and QSettings flushes to disk from the event loop and on destruction. Values that cannot
// be read back (an unknown theme name, a negative tab) are logged and replaced by the default.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QRect>
#include <QSettings>
#include <QSize>
#include <QString>
#include <QWindow>

#include <optional>

#include "studio_controller.h"

class StudioSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(ThemeChoice theme READ theme WRITE setTheme NOTIFY themeChanged)
    Q_PROPERTY(
        QString lastScenario READ lastScenario WRITE setLastScenario NOTIFY lastScenarioChanged)
    Q_PROPERTY(double replaySpeed READ replaySpeed WRITE setReplaySpeed NOTIFY replaySpeedChanged)
    Q_PROPERTY(int lastTab READ lastTab WRITE setLastTab NOTIFY lastTabChanged)
    Q_PROPERTY(QRect windowGeometry READ windowGeometry WRITE setWindowGeometry NOTIFY
                   windowGeometryChanged)
    Q_PROPERTY(bool windowMaximized READ windowMaximized WRITE setWindowMaximized NOTIFY
                   windowMaximizedChanged)

  public:
    // The palette the user picked: follow the system's light or dark look, or force one.
    enum class ThemeChoice { FollowSystem, Light, Dark };
    Q_ENUM(ThemeChoice)

    // Reads the stored values; missing or invalid ones take their defaults.
    explicit StudioSettings(QObject* parent = nullptr);

    ThemeChoice theme() const { return m_theme; }
    void setTheme(ThemeChoice theme);
    // Absolute path of the scenario opened last, or empty.
    QString lastScenario() const { return m_lastScenario; }
    void setLastScenario(const QString& path);
    double replaySpeed() const { return m_replaySpeed; }
    void setReplaySpeed(double speed);
    // Index of the page tab selected last; 0 by default.
    int lastTab() const { return m_lastTab; }
    void setLastTab(int index);
    // The window's client-area geometry in its last normal (not maximized) state, or a null
    // rectangle when none was stored.
    QRect windowGeometry() const { return m_windowGeometry; }
    void setWindowGeometry(const QRect& geometry);
    bool windowMaximized() const { return m_windowMaximized; }
    void setWindowMaximized(bool maximized);

    // Applies the stored geometry, fitted to the screens that exist now, and the maximized state
    // to `window`, then follows its moves, resizes and state changes so that they are stored.
    Q_INVOKABLE void attachWindow(QWindow* window);

    // Writes pending changes to disk now.
    Q_INVOKABLE void sync();

    // Returns the name stored for `theme` ("system", "light" or "dark").
    static QString themeKey(ThemeChoice theme);
    static std::optional<ThemeChoice> themeFromKey(const QString& key);
    // Returns the text stored for `speed`: "max", "realtime" or the factor as a number, which
    // the command line's --speed also accepts.
    static QString speedKey(double speed);
    static std::optional<double> speedFromKey(const QString& key);

    // Returns where to place a window that was last at `stored`, given the available geometry of
    // each screen now. The window goes to the screen it overlaps most, shrinks to fit it and moves
    // until it lies wholly on it. A window that overlaps no screen is centred on the first one.
    // Returns a null rectangle when `stored` is empty or there is no screen.
    static QRect fitToScreens(const QRect& stored, const QList<QRect>& screens);

  signals:
    void themeChanged();
    void lastScenarioChanged();
    void replaySpeedChanged();
    void lastTabChanged();
    void windowGeometryChanged();
    void windowMaximizedChanged();

  private:
    void load();
    void recordWindowGeometry();
    void recordWindowState(Qt::WindowStates states);

    QSettings m_store;
    ThemeChoice m_theme = ThemeChoice::FollowSystem;
    QString m_lastScenario;
    double m_replaySpeed = 1.0;
    int m_lastTab = 0;
    QRect m_windowGeometry;
    bool m_windowMaximized = false;
    QPointer<QWindow> m_window;
};
