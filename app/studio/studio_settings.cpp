#include "studio_settings.h"

#include <QGuiApplication>
#include <QLoggingCategory>
#include <QScreen>

#include <algorithm>

Q_LOGGING_CATEGORY(lcSettings, "goflow.studio.settings")

namespace {

const QString kThemeKey = QStringLiteral("appearance/theme");
const QString kLastScenarioKey = QStringLiteral("run/lastScenario");
const QString kSpeedKey = QStringLiteral("run/speed");
const QString kLastTabKey = QStringLiteral("view/lastTab");
const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kMaximizedKey = QStringLiteral("window/maximized");

// Moves `rect` by the least amount that puts it wholly inside `area`, which must be large enough.
QRect moveInside(QRect rect, const QRect& area) {
    if (rect.right() > area.right()) {
        rect.moveRight(area.right());
    }
    if (rect.bottom() > area.bottom()) {
        rect.moveBottom(area.bottom());
    }
    if (rect.left() < area.left()) {
        rect.moveLeft(area.left());
    }
    if (rect.top() < area.top()) {
        rect.moveTop(area.top());
    }
    return rect;
}

}  // namespace

StudioSettings::StudioSettings(QObject* parent)
    : QObject(parent), m_store(QStringLiteral("goflow"), QStringLiteral("goflow Studio")) {
    load();
}

void StudioSettings::load() {
    if (m_store.contains(kThemeKey)) {
        const QString key = m_store.value(kThemeKey).toString();
        if (const auto theme = themeFromKey(key)) {
            m_theme = *theme;
        } else {
            qCWarning(lcSettings).nospace().noquote()
                << "Invalid " << kThemeKey << " \"" << key << "\" in " << m_store.fileName()
                << ", expected system, light or dark; following the system";
        }
    }

    m_lastScenario = m_store.value(kLastScenarioKey).toString();

    if (m_store.contains(kSpeedKey)) {
        const QString key = m_store.value(kSpeedKey).toString();
        if (const auto speed = speedFromKey(key)) {
            m_replaySpeed = *speed;
        } else {
            qCWarning(lcSettings).nospace().noquote()
                << "Invalid " << kSpeedKey << " \"" << key << "\" in " << m_store.fileName()
                << ", expected realtime, 10x or max; using realtime";
        }
    }

    if (m_store.contains(kLastTabKey)) {
        bool ok = false;
        const int tab = m_store.value(kLastTabKey).toInt(&ok);
        if (ok && tab >= 0) {
            m_lastTab = tab;
        } else {
            qCWarning(lcSettings).nospace().noquote()
                << "Invalid " << kLastTabKey << " " << m_store.value(kLastTabKey).toString()
                << " in " << m_store.fileName() << ", expected a tab index of 0 or more; using 0";
        }
    }

    if (m_store.contains(kGeometryKey)) {
        const QRect geometry = m_store.value(kGeometryKey).toRect();
        if (geometry.isValid()) {
            m_windowGeometry = geometry;
        } else {
            qCWarning(lcSettings).nospace().noquote()
                << "Invalid " << kGeometryKey << " in " << m_store.fileName()
                << ", expected a rectangle with a positive size; using the default size";
        }
    }

    m_windowMaximized = m_store.value(kMaximizedKey, false).toBool();
}

void StudioSettings::setTheme(ThemeChoice theme) {
    if (m_theme == theme) {
        return;
    }
    m_theme = theme;
    m_store.setValue(kThemeKey, themeKey(theme));
    emit themeChanged();
}

void StudioSettings::setLastScenario(const QString& path) {
    if (m_lastScenario == path) {
        return;
    }
    m_lastScenario = path;
    m_store.setValue(kLastScenarioKey, path);
    emit lastScenarioChanged();
}

void StudioSettings::setReplaySpeed(double speed) {
    if (m_replaySpeed == speed) {
        return;
    }
    m_replaySpeed = speed;
    m_store.setValue(kSpeedKey, speedKey(speed));
    emit replaySpeedChanged();
}

void StudioSettings::setLastTab(int index) {
    if (index < 0) {
        qCWarning(lcSettings) << "Ignoring negative tab index" << index;
        return;
    }
    if (m_lastTab == index) {
        return;
    }
    m_lastTab = index;
    m_store.setValue(kLastTabKey, index);
    emit lastTabChanged();
}

void StudioSettings::setWindowGeometry(const QRect& geometry) {
    if (!geometry.isValid()) {
        qCWarning(lcSettings) << "Ignoring window geometry without a positive size" << geometry;
        return;
    }
    if (m_windowGeometry == geometry) {
        return;
    }
    m_windowGeometry = geometry;
    m_store.setValue(kGeometryKey, geometry);
    emit windowGeometryChanged();
}

void StudioSettings::setWindowMaximized(bool maximized) {
    if (m_windowMaximized == maximized) {
        return;
    }
    m_windowMaximized = maximized;
    m_store.setValue(kMaximizedKey, maximized);
    emit windowMaximizedChanged();
}

void StudioSettings::attachWindow(QWindow* window) {
    if (window == nullptr) {
        qCWarning(lcSettings) << "attachWindow needs a window, got null";
        return;
    }
    if (m_window != nullptr) {
        disconnect(m_window, nullptr, this, nullptr);
    }
    m_window = window;

    QList<QRect> screens;
    for (const QScreen* screen : QGuiApplication::screens()) {
        screens.append(screen->availableGeometry());
    }
    const QRect geometry = fitToScreens(m_windowGeometry, screens);
    if (!geometry.isNull()) {
        window->setGeometry(geometry);
    }
    if (m_windowMaximized) {
        window->setWindowStates(Qt::WindowMaximized);
    }

    connect(window, &QWindow::xChanged, this, &StudioSettings::recordWindowGeometry);
    connect(window, &QWindow::yChanged, this, &StudioSettings::recordWindowGeometry);
    connect(window, &QWindow::widthChanged, this, &StudioSettings::recordWindowGeometry);
    connect(window, &QWindow::heightChanged, this, &StudioSettings::recordWindowGeometry);
    connect(window, &QWindow::windowStateChanged, this,
            [this](Qt::WindowState) { recordWindowState(m_window->windowStates()); });
}

void StudioSettings::recordWindowGeometry() {
    // Only the normal state's geometry is worth restoring: a maximized window's geometry is the
    // screen's, and restoring it would leave nothing to un-maximize to.
    if (m_window == nullptr || m_window->windowStates() != Qt::WindowNoState) {
        return;
    }
    setWindowGeometry(m_window->geometry());
}

void StudioSettings::recordWindowState(Qt::WindowStates states) {
    // A minimized window keeps its maximized flag for the next start.
    if (states.testFlag(Qt::WindowMinimized)) {
        return;
    }
    setWindowMaximized(states.testFlag(Qt::WindowMaximized));
}

void StudioSettings::sync() {
    m_store.sync();
    if (m_store.status() != QSettings::NoError) {
        qCWarning(lcSettings) << "Failed to write the settings to" << m_store.fileName();
    }
}

QString StudioSettings::themeKey(ThemeChoice theme) {
    switch (theme) {
        case ThemeChoice::Light:
            return QStringLiteral("light");
        case ThemeChoice::Dark:
            return QStringLiteral("dark");
        case ThemeChoice::FollowSystem:
            break;
    }
    return QStringLiteral("system");
}

std::optional<StudioSettings::ThemeChoice> StudioSettings::themeFromKey(const QString& key) {
    for (const ThemeChoice theme :
         {ThemeChoice::FollowSystem, ThemeChoice::Light, ThemeChoice::Dark}) {
        if (key == themeKey(theme)) {
            return theme;
        }
    }
    return std::nullopt;
}

QString StudioSettings::speedKey(double speed) {
    if (speed == StudioController::kAsFastAsPossible) {
        return QStringLiteral("max");
    }
    if (speed == 1.0) {
        return QStringLiteral("realtime");
    }
    return QString::number(speed);
}

std::optional<double> StudioSettings::speedFromKey(const QString& key) {
    return goflow::app::SimulationRunner::parseSpeedFactor(key);
}

QRect StudioSettings::fitToScreens(const QRect& stored, const QList<QRect>& screens) {
    if (!stored.isValid() || screens.isEmpty()) {
        return {};
    }
    const QRect* best = nullptr;
    qint64 bestArea = 0;
    for (const QRect& screen : screens) {
        const QRect overlap = stored.intersected(screen);
        const qint64 area = static_cast<qint64>(overlap.width()) * overlap.height();
        if (area > bestArea) {
            bestArea = area;
            best = &screen;
        }
    }
    if (best == nullptr) {
        const QRect& first = screens.front();
        QRect centred(QPoint(0, 0), stored.size().boundedTo(first.size()));
        centred.moveCenter(first.center());
        return centred;
    }
    const QRect sized(stored.topLeft(), stored.size().boundedTo(best->size()));
    return moveInside(sized, *best);
}
