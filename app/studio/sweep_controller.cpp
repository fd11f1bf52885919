#include "sweep_controller.h"

#include <QLocale>
#include <QLoggingCategory>
#include <QtCharts/QXYSeries>

#include <algorithm>
#include <cmath>
#include <memory>

Q_LOGGING_CATEGORY(lcSweep, "goflow.studio.sweep")

namespace {

double rejectedPercent(const goflow::sim::Summary& s) {
    if (s.attempts == 0) {
        return 0.0;
    }
    return 100.0 * static_cast<double>(s.rejected_by_limiter + s.rejected_by_queue) /
           static_cast<double>(s.attempts);
}

double completedPercent(const goflow::sim::Summary& s) {
    if (s.offered == 0) {
        return 0.0;
    }
    return 100.0 * static_cast<double>(s.completed) / static_cast<double>(s.offered);
}

QString formatValue(double value) {
    return QString::number(value, 'g', 8);
}

// Whole-number parameters get whole-number suggested ranges.
bool isWholeNumberKey(const QString& key) {
    for (const char* suffix : {".workers", ".concurrency", ".queue_capacity", ".burst", ".slack",
                               ".limit", ".retries"}) {
        if (key.endsWith(QLatin1String(suffix))) {
            return true;
        }
    }
    return false;
}

QVariantMap parameterEntry(const QString& key, double value) {
    return {
        {QStringLiteral("key"), key},
        {QStringLiteral("value"), value},
        {QStringLiteral("label"), SweepController::tr("%1 (now %2)").arg(key, formatValue(value))},
    };
}

double milliseconds(goflow::Duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// Lists every parameter of `scenario` that set_parameter() accepts, with its current value.
QVariantList sweepableParameters(const goflow::sim::Scenario& scenario) {
    using Kind = goflow::sim::Distribution::Kind;
    using Type = goflow::sim::LimiterConfig::Type;
    QVariantList list;
    const auto& pool = scenario.pool;
    list.append(parameterEntry(QStringLiteral("pool.workers"), pool.servers));
    list.append(parameterEntry(QStringLiteral("pool.queue_capacity"), pool.queue_capacity));
    if (pool.service_time.kind == Kind::constant || pool.service_time.kind == Kind::exponential) {
        list.append(parameterEntry(QStringLiteral("pool.service_time_ms"),
                                   milliseconds(pool.service_time.mean)));
    }
    list.append(parameterEntry(QStringLiteral("pool.error_rate"), pool.error_rate));
    for (std::size_t i = 0; i < scenario.stages.size(); ++i) {
        const auto& stage = scenario.stages[i];
        const QString prefix = QStringLiteral("stages[%1].").arg(i);
        list.append(parameterEntry(prefix + QStringLiteral("concurrency"), stage.servers));
        list.append(
            parameterEntry(prefix + QStringLiteral("queue_capacity"), stage.queue_capacity));
        list.append(parameterEntry(prefix + QStringLiteral("error_rate"), stage.error_rate));
    }
    const bool oneClass = scenario.classes.size() == 1;
    for (std::size_t c = 0; c < scenario.classes.size(); ++c) {
        const auto& requestClass = scenario.classes[c];
        const QString classPrefix = oneClass ? QString() : QStringLiteral("classes[%1].").arg(c);
        for (std::size_t i = 0; i < requestClass.limiters.size(); ++i) {
            const auto& limiter = requestClass.limiters[i];
            const QString prefix = classPrefix + QStringLiteral("limiters[%1].").arg(i);
            if (limiter.type != Type::concurrency) {
                list.append(parameterEntry(prefix + QStringLiteral("rate"), limiter.rate));
            }
            if (limiter.type == Type::token_bucket) {
                list.append(parameterEntry(prefix + QStringLiteral("burst"),
                                           static_cast<double>(limiter.burst)));
            } else if (limiter.type == Type::leaky_bucket) {
                list.append(parameterEntry(prefix + QStringLiteral("slack"),
                                           static_cast<double>(limiter.slack)));
            } else {
                list.append(parameterEntry(prefix + QStringLiteral("limit"),
                                           static_cast<double>(limiter.limit)));
            }
        }
        if (requestClass.client.timeout) {
            list.append(parameterEntry(classPrefix + QStringLiteral("client.timeout_ms"),
                                       milliseconds(*requestClass.client.timeout)));
        }
        list.append(parameterEntry(classPrefix + QStringLiteral("client.retries"),
                                   requestClass.client.max_retries));
    }
    return list;
}

}  // namespace

SweepController::SweepController(QObject* parent) : QObject(parent) {
    validate();
}

SweepController::~SweepController() {
    // Join here, while the object is whole: the worker posts progress to it until it ends.
    if (m_thread.joinable()) {
        m_thread.request_stop();
        m_thread.join();
    }
}

void SweepController::setController(StudioController* controller) {
    if (m_controller == controller) {
        return;
    }
    if (m_controller) {
        disconnect(m_controller, nullptr, this, nullptr);
    }
    m_controller = controller;
    if (m_controller) {
        connect(m_controller, &StudioController::scenarioChanged, this,
                &SweepController::refreshParameters);
    }
    refreshParameters();
    emit controllerChanged();
}

void SweepController::refreshParameters() {
    const auto& scenario = m_controller ? m_controller->scenario() : std::nullopt;
    m_parameters = scenario ? sweepableParameters(*scenario) : QVariantList();
    emit parametersChanged();
    // Keep the user's choices where the new scenario has them. Otherwise start from its first
    // parameter (the pool's workers) with a range around the current value.
    const auto known = [this](const QString& key) {
        return std::any_of(m_parameters.begin(), m_parameters.end(), [&](const QVariant& entry) {
            return entry.toMap().value(QStringLiteral("key")).toString() == key;
        });
    };
    if (!m_parameters.isEmpty() && !known(m_firstParameter)) {
        m_firstParameter = m_parameters.front().toMap().value(QStringLiteral("key")).toString();
        m_firstRange = suggestedRange(m_firstParameter);
    }
    if (!m_secondParameter.isEmpty() && !known(m_secondParameter)) {
        m_secondParameter.clear();
        m_secondRange.clear();
    }
    validate();
}

void SweepController::setFirstParameter(const QString& key) {
    if (m_firstParameter != key) {
        m_firstParameter = key;
        validate();
    }
}

void SweepController::setFirstRange(const QString& range) {
    if (m_firstRange != range) {
        m_firstRange = range;
        validate();
    }
}

void SweepController::setSecondParameter(const QString& key) {
    if (m_secondParameter != key) {
        m_secondParameter = key;
        validate();
    }
}

void SweepController::setSecondRange(const QString& range) {
    if (m_secondRange != range) {
        m_secondRange = range;
        validate();
    }
}

std::optional<std::vector<goflow::app::SweepAxis>> SweepController::parseAxes(
    QString& error) const {
    const auto& scenario = m_controller ? m_controller->scenario() : std::nullopt;
    if (!scenario) {
        error = tr("Open a scenario to sweep its parameters.");
        return std::nullopt;
    }
    const auto known = [this](const QString& key) {
        return std::any_of(m_parameters.begin(), m_parameters.end(), [&](const QVariant& entry) {
            return entry.toMap().value(QStringLiteral("key")).toString() == key;
        });
    };
    std::vector<std::pair<QString, QString>> inputs{{m_firstParameter, m_firstRange}};
    if (!m_secondParameter.isEmpty()) {
        inputs.emplace_back(m_secondParameter, m_secondRange);
    }
    if (m_firstParameter.isEmpty()) {
        error = tr("Choose a parameter to sweep.");
        return std::nullopt;
    }
    if (m_secondParameter == m_firstParameter) {
        error = tr("Choose two different parameters, or no second parameter.");
        return std::nullopt;
    }
    std::vector<goflow::app::SweepAxis> axes;
    std::size_t combinations = 1;
    for (const auto& [key, range] : inputs) {
        if (!known(key)) {
            error = tr("%1 is not a parameter of this scenario.").arg(key);
            return std::nullopt;
        }
        if (range.trimmed().isEmpty()) {
            error =
                tr("Enter the values of %1, for example 2..16, 2..16:2 or 50,100,200.").arg(key);
            return std::nullopt;
        }
        auto axis = goflow::app::parseSweepAxis(key + QLatin1Char('=') + range.trimmed());
        if (!axis) {
            error = QString::fromStdString(axis.error().message);
            return std::nullopt;
        }
        for (const double value : axis->values) {
            goflow::sim::Scenario probe = *scenario;
            if (auto ok = goflow::sim::set_parameter(probe, key.toStdString(), value); !ok) {
                error = QString::fromStdString(ok.error().message);
                return std::nullopt;
            }
        }
        combinations *= axis->values.size();
        if (combinations > static_cast<std::size_t>(kMaxCombinations)) {
            error = tr("The sweep has more than %1 combinations. Narrow a range or use a larger "
                       "step.")
                        .arg(kMaxCombinations);
            return std::nullopt;
        }
        axes.push_back(std::move(*axis));
    }
    return axes;
}

void SweepController::validate() {
    QString error;
    const auto axes = parseAxes(error);
    int combinations = 0;
    if (axes) {
        combinations = 1;
        for (const auto& axis : *axes) {
            combinations *= static_cast<int>(axis.values.size());
        }
    }
    m_validationError = error;
    m_combinationCount = combinations;
    emit inputsChanged();
}

QString SweepController::suggestedRange(const QString& key) const {
    double current = 0;
    for (const QVariant& entry : m_parameters) {
        const QVariantMap map = entry.toMap();
        if (map.value(QStringLiteral("key")).toString() == key) {
            current = map.value(QStringLiteral("value")).toDouble();
        }
    }
    if (isWholeNumberKey(key)) {
        const bool atLeastOne = key.endsWith(QLatin1String(".workers")) ||
                                key.endsWith(QLatin1String(".concurrency")) ||
                                key.endsWith(QLatin1String(".limit"));
        const double low = std::max(atLeastOne ? 1.0 : 0.0, std::round(current / 2));
        const double high = std::max(low + 1, std::round(current * 2));
        const double step = std::max(1.0, std::ceil((high - low) / 7));
        return step == 1 ? QStringLiteral("%1..%2").arg(low).arg(high)
                         : QStringLiteral("%1..%2:%3").arg(low).arg(high).arg(step);
    }
    if (key.endsWith(QLatin1String(".error_rate"))) {
        return QStringLiteral("0..0.2:0.05");
    }
    if (current <= 0) {
        return QStringLiteral("1..5");
    }
    return QStringLiteral("%1..%2:%3")
        .arg(formatValue(current / 2), formatValue(current * 1.5), formatValue(current / 4));
}

void SweepController::setMetric(Metric metric) {
    if (m_metric == metric) {
        return;
    }
    m_metric = metric;
    emit metricChanged();
    rebuildGrid(false);
}

QString SweepController::metricName() const {
    switch (m_metric) {
        case Metric::LatencyP99:
            return tr("p99 latency (ms)");
        case Metric::LatencyP50:
            return tr("p50 latency (ms)");
        case Metric::RejectedPercent:
            return tr("rejected (% of attempts)");
        case Metric::CompletedPercent:
            return tr("completed (% of offered)");
        case Metric::MaxQueueDepth:
            return tr("max queue depth");
        case Metric::Throughput:
            return tr("throughput (per s)");
    }
    return {};
}

void SweepController::setLatencyTargetEnabled(bool enabled) {
    if (m_latencyTargetEnabled != enabled) {
        m_latencyTargetEnabled = enabled;
        emit targetChanged();
        rebuildGrid(false);
    }
}

void SweepController::setLatencyTargetMs(double ms) {
    if (m_latencyTargetMs != ms && std::isfinite(ms)) {
        m_latencyTargetMs = ms;
        emit targetChanged();
        rebuildGrid(false);
    }
}

void SweepController::setRejectedTargetEnabled(bool enabled) {
    if (m_rejectedTargetEnabled != enabled) {
        m_rejectedTargetEnabled = enabled;
        emit targetChanged();
        rebuildGrid(false);
    }
}

void SweepController::setRejectedTargetPercent(double percent) {
    if (m_rejectedTargetPercent != percent && std::isfinite(percent)) {
        m_rejectedTargetPercent = percent;
        emit targetChanged();
        rebuildGrid(false);
    }
}

double SweepController::metricValue(const goflow::sim::Summary& s) const {
    switch (m_metric) {
        case Metric::LatencyP99:
            return s.latency_p99_ms;
        case Metric::LatencyP50:
            return s.latency_p50_ms;
        case Metric::RejectedPercent:
            return rejectedPercent(s);
        case Metric::CompletedPercent:
            return completedPercent(s);
        case Metric::MaxQueueDepth:
            return s.max_queue_depth;
        case Metric::Throughput:
            return s.throughput_per_s;
    }
    return 0;
}

bool SweepController::meetsTarget(const goflow::sim::Summary& s) const {
    if (!hasTarget()) {
        return false;
    }
    if (m_latencyTargetEnabled && !(s.latency_p99_ms < m_latencyTargetMs)) {
        return false;
    }
    if (m_rejectedTargetEnabled && !(rejectedPercent(s) < m_rejectedTargetPercent)) {
        return false;
    }
    return true;
}

QString SweepController::resultRowParameter() const {
    return m_resultAxes.empty() ? QString() : m_resultAxes[0].parameter;
}

QString SweepController::resultColumnParameter() const {
    return m_resultAxes.size() < 2 ? QString() : m_resultAxes[1].parameter;
}

void SweepController::setStatus(const QString& text, bool isError) {
    m_statusText = text;
    m_statusIsError = isError;
    emit statusChanged();
}

void SweepController::setRunning(bool running) {
    if (m_running != running) {
        m_running = running;
        emit runningChanged();
    }
}

bool SweepController::start() {
    if (m_running) {
        setStatus(tr("A sweep is already running."), true);
        return false;
    }
    QString error;
    auto axes = parseAxes(error);
    if (!axes) {
        setStatus(error, true);
        return false;
    }
    if (m_thread.joinable()) {
        m_thread.join();  // the previous sweep has already delivered its result
    }
    m_runningBase = *m_controller->scenario();
    m_runningPath = m_controller->scenarioPath();
    m_runningAxes = *axes;
    m_done = 0;
    m_total = m_combinationCount;
    emit progressChanged();
    setRunning(true);
    setStatus(tr("Running %n combination(s)…", nullptr, m_total), false);
    qCInfo(lcSweep) << "sweep started:" << m_total << "combinations of"
                    << QString::fromStdString(m_runningBase.name);

    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned threads = std::max(1u, cores - 1);  // leave a core to the GUI
    m_thread = std::jthread(
        [this, scenario = m_runningBase, axes = std::move(*axes), threads](std::stop_token stop) {
            auto result = goflow::app::runSweep(
                scenario, axes, threads,
                [this](std::size_t done, std::size_t total) {
                    QMetaObject::invokeMethod(
                        this,
                        [this, done, total] {
                            receiveProgress(static_cast<int>(done), static_cast<int>(total));
                        },
                        Qt::QueuedConnection);
                },
                stop);
            auto shared = std::make_shared<decltype(result)>(std::move(result));
            QMetaObject::invokeMethod(
                this, [this, shared] { receiveResult(std::move(*shared)); }, Qt::QueuedConnection);
        });
    return true;
}

void SweepController::cancel() {
    if (!m_running) {
        return;
    }
    m_thread.request_stop();
    setStatus(tr("Cancelling…"), false);
}

void SweepController::receiveProgress(int done, int total) {
    if (!m_running || done <= m_done) {
        return;
    }
    m_done = done;
    m_total = total;
    emit progressChanged();
}

void SweepController::receiveResult(goflow::Result<std::vector<goflow::app::SweepPoint>> result) {
    setRunning(false);
    if (!result) {
        const bool cancelled = result.error().code == std::errc::operation_canceled;
        if (cancelled) {
            qCInfo(lcSweep) << "sweep cancelled after" << m_done << "of" << m_total;
            setStatus(tr("Cancelled after %1 of %2 combinations.").arg(m_done).arg(m_total), false);
        } else {
            qCWarning(lcSweep) << "sweep failed:" << result.error().message.c_str();
            setStatus(
                tr("The sweep failed: %1").arg(QString::fromStdString(result.error().message)),
                true);
        }
        emit finished();
        return;
    }
    m_done = m_total = static_cast<int>(result->size());
    emit progressChanged();
    m_resultBase = std::move(m_runningBase);
    m_resultPath = m_runningPath;
    m_resultAxes = std::move(m_runningAxes);
    m_resultPoints = std::move(*result);
    rebuildGrid(true);
    emit resultChanged();
    qCInfo(lcSweep) << "sweep finished:" << m_resultPoints.size() << "combinations";
    emit finished();
}

void SweepController::rebuildGrid(bool reshape) {
    if (m_resultAxes.empty()) {
        return;
    }
    const bool higherIsWorse =
        m_metric != Metric::CompletedPercent && m_metric != Metric::Throughput;
    // Cells are coloured by rank among the distinct values, so that one extreme cell does not
    // wash out the differences between the others.
    std::vector<double> distinct;
    distinct.reserve(m_resultPoints.size());
    for (const auto& point : m_resultPoints) {
        distinct.push_back(metricValue(point.summary));
    }
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    const double steps = static_cast<double>(std::max<std::size_t>(1, distinct.size() - 1));
    const int decimals = m_metric == Metric::MaxQueueDepth ? 0 : 1;
    int meeting = 0;
    std::vector<SweepGridModel::Cell> cells;
    cells.reserve(m_resultPoints.size());
    for (const auto& point : m_resultPoints) {
        SweepGridModel::Cell cell;
        cell.value = metricValue(point.summary);
        cell.text = QLocale().toString(cell.value, 'f', decimals);
        const auto rank =
            std::lower_bound(distinct.begin(), distinct.end(), cell.value) - distinct.begin();
        const double position = static_cast<double>(rank) / steps;
        cell.badness = higherIsWorse ? position : 1.0 - position;
        cell.meetsTarget = meetsTarget(point.summary);
        meeting += cell.meetsTarget ? 1 : 0;
        cells.push_back(std::move(cell));
    }
    // A one-parameter grid names the metric in its column header, so it changes with the metric.
    if (reshape || m_resultAxes.size() == 1) {
        const auto labels = [](const goflow::app::SweepAxis& axis) {
            QStringList out;
            for (const double value : axis.values) {
                out.append(formatValue(value));
            }
            return out;
        };
        const QStringList columns =
            m_resultAxes.size() > 1 ? labels(m_resultAxes[1]) : QStringList{metricName()};
        m_grid.setGrid(labels(m_resultAxes[0]), columns, std::move(cells));
    } else {
        m_grid.updateCells(std::move(cells));
    }
    const int count = static_cast<int>(m_resultPoints.size());
    if (hasTarget()) {
        setStatus(tr("%1 of %n combination(s) meet the target.", nullptr, count).arg(meeting),
                  false);
    } else {
        setStatus(tr("Ran %n combination(s).", nullptr, count), false);
    }
}

bool SweepController::loadCell(int row, int column) {
    if (!m_controller || m_resultAxes.empty()) {
        return false;
    }
    const int columns =
        m_resultAxes.size() > 1 ? static_cast<int>(m_resultAxes[1].values.size()) : 1;
    const int rows = static_cast<int>(m_resultAxes[0].values.size());
    if (row < 0 || row >= rows || column < 0 || column >= columns) {
        return false;
    }
    const auto& point = m_resultPoints[static_cast<std::size_t>(row * columns + column)];
    goflow::sim::Scenario scenario = m_resultBase;
    QStringList settings;
    for (std::size_t a = 0; a < m_resultAxes.size(); ++a) {
        const QString& key = m_resultAxes[a].parameter;
        if (auto ok = goflow::sim::set_parameter(scenario, key.toStdString(), point.values[a]);
            !ok) {
            setStatus(QString::fromStdString(ok.error().message), true);
            return false;
        }
        settings.append(QStringLiteral("%1=%2").arg(key, formatValue(point.values[a])));
    }
    scenario.name += " (" + settings.join(QStringLiteral(", ")).toStdString() + ")";
    m_controller->loadScenario(std::move(scenario), m_resultPath);
    return true;
}

void SweepController::updateLine(QAbstractSeries* line, QAbstractSeries* targetPoints) const {
    auto* lineSeries = qobject_cast<QXYSeries*>(line);
    auto* targetSeries = qobject_cast<QXYSeries*>(targetPoints);
    if (lineSeries == nullptr || targetSeries == nullptr) {
        qCWarning(lcSweep) << "SweepController::updateLine needs two XY series";
        return;
    }
    QList<QPointF> all;
    QList<QPointF> meeting;
    if (m_resultAxes.size() == 1) {
        for (const auto& point : m_resultPoints) {
            const QPointF p(point.values[0], metricValue(point.summary));
            all.append(p);
            if (meetsTarget(point.summary)) {
                meeting.append(p);
            }
        }
    }
    lineSeries->replace(all);
    targetSeries->replace(meeting);
}

double SweepController::lineMinX() const {
    if (m_resultAxes.size() != 1 || m_resultAxes[0].values.empty()) {
        return 0;
    }
    const auto& values = m_resultAxes[0].values;
    return *std::min_element(values.begin(), values.end());
}

double SweepController::lineMaxX() const {
    if (m_resultAxes.size() != 1 || m_resultAxes[0].values.empty()) {
        return 1;
    }
    const auto& values = m_resultAxes[0].values;
    const double high = *std::max_element(values.begin(), values.end());
    return high > lineMinX() ? high : lineMinX() + 1;
}

double SweepController::lineMaxY() const {
    double top = 1;
    for (const auto& point : m_resultPoints) {
        top = std::max(top, metricValue(point.summary));
    }
    return top * 1.1;
}
