// Exporter: saves what the Studio shows. A chart or the whole window as PNG, the current run's
// samples as CSV, its summary as JSON, and a C++ program that configures libgoflow's limiters,
// worker pool and stage options with the current scenario's values.
//
// Every export takes a local path or a file:// URL (what FileDialog returns), checks it, and
// returns false with lastError set when it cannot write there.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QImage>
#include <QObject>
#include <QPointer>
#include <QQuickItem>
#include <QQuickWindow>
#include <QString>

#include <string>
#include <vector>

#include "goflow/sim/engine.hpp"
#include "studio_controller.h"

namespace goflow::app {

// Returns the samples as CSV with a header row and one row per sample. It extends
// samplesToCsv() with the fields that it leaves out, so that every Sample field has a column:
// pool_blocked, then per station (pool, stage1, ...) its latency p50, p95 and p99 and its mean
// queue wait in ms, then limiter1_level, limiter2_level, ... in scenario order.
QString samplesToFullCsv(const std::vector<goflow::sim::Sample>& samples);

// Returns a C++20 program that builds the scenario's limiters (TokenBucket, LeakyBucket,
// ConcurrencyLimiter), its WorkerPool and the StageOptions of its pipeline stages with the
// scenario's values, against the public headers in core/include/goflow.
std::string libgoflowSnippet(const goflow::sim::Scenario& scenario);

}  // namespace goflow::app

class Exporter : public QObject {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(
        StudioController* controller READ controller WRITE setController NOTIFY controllerChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY resultChanged)
    Q_PROPERTY(QString lastSavedPath READ lastSavedPath NOTIFY resultChanged)
    Q_PROPERTY(bool hasRun READ hasRun NOTIFY availabilityChanged)

  public:
    explicit Exporter(QObject* parent = nullptr);

    StudioController* controller() const { return m_controller; }
    void setController(StudioController* controller);
    QString lastError() const { return m_error; }
    QString lastSavedPath() const { return m_savedPath; }
    // Whether the controller has samples to export.
    bool hasRun() const;

    // Saves `image` (ItemGrabResult.image from QML's grabToImage) as PNG.
    Q_INVOKABLE bool saveImage(const QImage& image, const QString& pathOrUrl);
    // Saves the window's current contents as PNG.
    Q_INVOKABLE bool saveWindow(QQuickWindow* window, const QString& pathOrUrl);
    Q_INVOKABLE bool exportCsv(const QString& pathOrUrl);
    Q_INVOKABLE bool exportJson(const QString& pathOrUrl);
    Q_INVOKABLE bool exportSnippet(const QString& pathOrUrl);
    // Returns the item named `objectName` inside `root`, or null with lastError set.
    Q_INVOKABLE QQuickItem* findItem(QObject* root, const QString& objectName);
    // Returns the C++ program for the current scenario, or an empty string without one.
    Q_INVOKABLE QString snippet() const;
    Q_INVOKABLE void clearError();

    // Converts `pathOrUrl` to a local path ending in `suffix` (added when the name has no
    // suffix). Returns an empty string and sets `error` when the path is empty, not local, a
    // directory, has another suffix, or its folder does not exist.
    static QString resolvePath(const QString& pathOrUrl, const QString& suffix, QString& error);

  signals:
    void controllerChanged();
    void resultChanged();
    void availabilityChanged();

  private:
    bool writeText(const QString& pathOrUrl, const QString& suffix, const QString& text);
    bool fail(const QString& message);
    bool succeed(const QString& path);

    QPointer<StudioController> m_controller;
    QString m_error;
    QString m_savedPath;
};
