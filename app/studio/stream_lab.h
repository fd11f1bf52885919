// StreamLab: builds a goflow::Stream of numbers from a chosen source and the steps of a
// StepModel, runs it on a worker thread and reports what each step did.
//
// Sources: a range of integers, seeded random integers, a generated request log (latencies in
// ms or HTTP status codes), or one field of the current scenario's samples. A source produces at
// most kMaxSourceElements elements. run() builds the pipeline with the library's own operations
// (filter, map, distinct, sorted, limit, skip, window) and counts, with peek(), the elements
// that enter and leave each step. The steps pull lazily, so a limit stops its upstream early and
// the counts show it. An exception thrown inside the stream (for example a map whose result
// overflows to infinity) ends the run with errorMessage set. cancel() stops the run through the
// stream's goflow::Context.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QVariantList>

#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "step_model.h"
#include "studio_controller.h"

class StreamLab : public QObject {
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(StepModel* steps READ steps CONSTANT)
    Q_PROPERTY(
        StudioController* controller READ controller WRITE setController NOTIFY controllerChanged)
    Q_PROPERTY(SourceKind sourceKind READ sourceKind WRITE setSourceKind NOTIFY sourceChanged)
    Q_PROPERTY(QString rangeStart READ rangeStart WRITE setRangeStart NOTIFY sourceChanged)
    Q_PROPERTY(QString rangeEnd READ rangeEnd WRITE setRangeEnd NOTIFY sourceChanged)
    Q_PROPERTY(QString rangeStep READ rangeStep WRITE setRangeStep NOTIFY sourceChanged)
    Q_PROPERTY(QString seed READ seed WRITE setSeed NOTIFY sourceChanged)
    Q_PROPERTY(QString count READ count WRITE setCount NOTIFY sourceChanged)
    Q_PROPERTY(QString randomMinimum READ randomMinimum WRITE setRandomMinimum NOTIFY sourceChanged)
    Q_PROPERTY(QString randomMaximum READ randomMaximum WRITE setRandomMaximum NOTIFY sourceChanged)
    Q_PROPERTY(SampleField sampleField READ sampleField WRITE setSampleField NOTIFY sourceChanged)
    Q_PROPERTY(QString sourceError READ sourceError NOTIFY sourceChanged)
    Q_PROPERTY(QStringList sourceKindNames READ sourceKindNames CONSTANT)
    Q_PROPERTY(QStringList sampleFieldNames READ sampleFieldNames CONSTANT)
    Q_PROPERTY(qint64 maxSourceElements READ maxSourceElements CONSTANT)

    Q_PROPERTY(bool running READ running NOTIFY runningChanged)
    Q_PROPERTY(bool hasResult READ hasResult NOTIFY resultChanged)
    Q_PROPERTY(bool canceled READ canceled NOTIFY resultChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY resultChanged)
    Q_PROPERTY(qint64 sourceProduced READ sourceProduced NOTIFY progressChanged)
    Q_PROPERTY(qint64 outputCount READ outputCount NOTIFY resultChanged)
    Q_PROPERTY(double elapsedSeconds READ elapsedSeconds NOTIFY resultChanged)
    Q_PROPERTY(double elementsPerSecond READ elementsPerSecond NOTIFY resultChanged)
    Q_PROPERTY(QVariantList preview READ preview NOTIFY resultChanged)
    Q_PROPERTY(qint64 largestCount READ largestCount NOTIFY progressChanged)
    Q_PROPERTY(bool hasCounts READ hasCounts NOTIFY progressChanged)

  public:
    enum class SourceKind { Range, RandomIntegers, Latencies, StatusCodes, ScenarioSamples };
    Q_ENUM(SourceKind)
    // The Sample field that the ScenarioSamples source streams, one number per sample.
    enum class SampleField {
        QueueDepth,
        BusyWorkers,
        Offered,
        Admitted,
        RejectedByLimiter,
        RejectedByQueue,
        Completed,
        LatencyP50,
        LatencyP99,
    };
    Q_ENUM(SampleField)

    // The maximum number of elements a source may produce. It bounds the memory that sorted() and
    // distinct() take (each stores up to one double per element) and keeps a run to a few seconds.
    static constexpr std::int64_t kMaxSourceElements = 10'000'000;
    // How many output elements the preview keeps.
    static constexpr int kPreviewSize = 100;

    explicit StreamLab(QObject* parent = nullptr);
    ~StreamLab() override;

    StepModel* steps() { return &m_steps; }
    StudioController* controller() const { return m_controller; }
    void setController(StudioController* controller);

    SourceKind sourceKind() const { return m_sourceKind; }
    void setSourceKind(SourceKind kind);
    QString rangeStart() const { return m_rangeStart; }
    void setRangeStart(const QString& text);
    QString rangeEnd() const { return m_rangeEnd; }
    void setRangeEnd(const QString& text);
    QString rangeStep() const { return m_rangeStep; }
    void setRangeStep(const QString& text);
    QString seed() const { return m_seed; }
    void setSeed(const QString& text);
    QString count() const { return m_count; }
    void setCount(const QString& text);
    QString randomMinimum() const { return m_randomMinimum; }
    void setRandomMinimum(const QString& text);
    QString randomMaximum() const { return m_randomMaximum; }
    void setRandomMaximum(const QString& text);
    SampleField sampleField() const { return m_sampleField; }
    void setSampleField(SampleField field);
    // Why the source's parameters are invalid; empty when they are valid. The scenario source
    // is checked when run() is called, because its samples change with every run.
    QString sourceError() const;
    QStringList sourceKindNames() const;
    QStringList sampleFieldNames() const;
    qint64 maxSourceElements() const { return kMaxSourceElements; }

    bool running() const { return m_worker.joinable(); }
    bool hasResult() const { return m_hasResult; }
    bool canceled() const { return m_canceled; }
    QString errorMessage() const { return m_error; }
    qint64 sourceProduced() const { return m_sourceProduced; }
    qint64 outputCount() const { return m_outputCount; }
    double elapsedSeconds() const { return m_elapsedSeconds; }
    double elementsPerSecond() const;
    QVariantList preview() const { return m_preview; }
    // Whether the source and step counts belong to the current pipeline: true from the start
    // of a run, also a failed or canceled one, until the source or a step changes.
    bool hasCounts() const { return m_hasCounts; }
    // The largest of the source count and every step's counts, for scaling the count bars.
    qint64 largestCount() const;

    // Validates the source and the steps and starts the run on a worker thread. Returns false,
    // with errorMessage set, when something is invalid or a run is already going.
    Q_INVOKABLE bool run();
    // Asks the running stream to stop; the run then ends with canceled set.
    Q_INVOKABLE void cancel();

  signals:
    void controllerChanged();
    void sourceChanged();
    void runningChanged();
    void resultChanged();
    void progressChanged();
    // Emitted on the GUI thread when a run ends, whether it succeeded, failed or was canceled.
    void finished();

  private:
    struct Counters;
    struct Outcome;

    void setText(QString& field, const QString& text);
    // Copies the chosen field of the controller's samples, or sets `error`.
    std::vector<double> scenarioValues(QString& error) const;
    void pollCounters();
    void finishRun(const Outcome& outcome);
    void setFailure(const QString& message);
    void forgetCounts();

    StepModel m_steps;
    QPointer<StudioController> m_controller;
    SourceKind m_sourceKind = SourceKind::Range;
    QString m_rangeStart = QStringLiteral("1");
    QString m_rangeEnd = QStringLiteral("101");
    QString m_rangeStep = QStringLiteral("1");
    QString m_seed = QStringLiteral("42");
    QString m_count = QStringLiteral("1000");
    QString m_randomMinimum = QStringLiteral("0");
    QString m_randomMaximum = QStringLiteral("99");
    SampleField m_sampleField = SampleField::QueueDepth;

    std::thread m_worker;
    std::shared_ptr<Counters> m_counters;
    bool m_countsStale = false;  // the steps were edited during the run
    bool m_hasCounts = false;
    QTimer m_pollTimer;
    bool m_hasResult = false;
    bool m_canceled = false;
    QString m_error;
    qint64 m_sourceProduced = 0;
    qint64 m_outputCount = 0;
    double m_elapsedSeconds = 0;
    QVariantList m_preview;
};
