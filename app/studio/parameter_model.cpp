#include "parameter_model.h"

#include <QLocale>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "scenario_document.h"

namespace {

using goflow::Duration;
using goflow::sim::Distribution;
using goflow::sim::LimiterConfig;
using goflow::sim::LoadConfig;
using goflow::sim::LoadPhase;
using goflow::sim::PoolConfig;
using goflow::sim::Scenario;
using goflow::sim::WriterConfig;
using Row = ParameterModel::Row;
using Kind = ParameterModel::Kind;
using LoadShape = ScenarioDocument::LoadShape;

constexpr double kMaxMillis = 3.6e6;
constexpr double kMaxRate = 1e7;
constexpr double kMaxSeconds = 7 * 24 * 3600.0;
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

QString tr(const char* text) {
    return ParameterModel::tr(text);
}

QString number(double value) {
    return QString::number(value, 'g', 12);
}

double toMillis(Duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

double toSeconds(Duration d) {
    return std::chrono::duration<double>(d).count();
}

Duration fromMillis(double ms) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}

Duration fromSeconds(double s) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

// Builds one row; the setters keep the row definitions below short and in one order.
struct RowBuilder {
    Row row;

    RowBuilder(Kind kind, QString key, QString name, QString tooltip) {
        row.kind = kind;
        row.key = std::move(key);
        row.name = std::move(name);
        row.tooltip = std::move(tooltip);
    }
    RowBuilder& unit(QString text) {
        row.unit = std::move(text);
        return *this;
    }
    RowBuilder& range(double minimum, double maximum, bool minimumExclusive = false) {
        row.minimum = minimum;
        row.maximum = maximum;
        row.minimumExclusive = minimumExclusive;
        return *this;
    }
    RowBuilder& optional() {
        row.optional = true;
        return *this;
    }
    RowBuilder& readOnly() {
        row.editable = false;
        return *this;
    }
    RowBuilder& choices(QStringList list) {
        row.choices = std::move(list);
        return *this;
    }
    RowBuilder& error(QString text) {
        row.error = std::move(text);
        return *this;
    }
    RowBuilder& value(std::function<QString()> get) {
        row.value = std::move(get);
        return *this;
    }
    RowBuilder& apply(std::function<QString(double, const QString&)> set) {
        row.apply = std::move(set);
        return *this;
    }
};

// Collects the rows of one element. `Access` is a generic lambda that returns the edited part of a
// scenario, const or not, so one accessor serves both reading and editing.
class Rows {
  public:
    explicit Rows(ScenarioDocument* document) : m_document(document) {}

    std::vector<Row> take() { return std::move(m_rows); }
    void add(RowBuilder& builder) { m_rows.push_back(std::move(builder.row)); }
    ScenarioDocument* document() const { return m_document; }
    const Scenario& scenario() const { return m_document->scenario(); }

    // A number or integer field stored as a double or an integer member.
    template <class Access, class Member>
    void number(Kind kind, const QString& key, const QString& name, const QString& unit,
                double minimum, double maximum, const QString& tooltip, Access access,
                Member member, bool minimumExclusive = false) {
        ScenarioDocument* doc = m_document;
        RowBuilder b(kind, key, name, tooltip);
        b.unit(unit).range(minimum, maximum, minimumExclusive);
        b.value([doc, access, member] {
            return ::number(static_cast<double>(access(doc->scenario()).*member));
        });
        b.apply([doc, access, member](double value, const QString&) {
            return doc->edit([&](Scenario& s) {
                using T = std::remove_reference_t<decltype(access(s).*member)>;
                access(s).*member = static_cast<T>(value);
                return QString();
            });
        });
        add(b);
    }

    // A duration field in milliseconds or seconds.
    template <class Access, class Member>
    void duration(const QString& key, const QString& name, bool inSeconds, double minimum,
                  double maximum, const QString& tooltip, Access access, Member member,
                  bool minimumExclusive = false) {
        ScenarioDocument* doc = m_document;
        RowBuilder b(Kind::Number, key, name, tooltip);
        b.unit(inSeconds ? tr("s") : tr("ms")).range(minimum, maximum, minimumExclusive);
        b.value([doc, access, member, inSeconds] {
            const Duration d = access(doc->scenario()).*member;
            return ::number(inSeconds ? toSeconds(d) : toMillis(d));
        });
        b.apply([doc, access, member, inSeconds](double value, const QString&) {
            return doc->edit([&](Scenario& s) {
                access(s).*member = inSeconds ? fromSeconds(value) : fromMillis(value);
                return QString();
            });
        });
        add(b);
    }

    // An optional duration in milliseconds: an empty field means none.
    template <class Access, class Member>
    void optionalMillis(const QString& key, const QString& name, double minimum,
                        const QString& tooltip, Access access, Member member) {
        ScenarioDocument* doc = m_document;
        RowBuilder b(Kind::Number, key, name, tooltip);
        b.unit(tr("ms")).range(minimum, kMaxMillis).optional();
        b.value([doc, access, member] {
            const auto& d = access(doc->scenario()).*member;
            return d ? ::number(toMillis(*d)) : QString();
        });
        b.apply([doc, access, member](double value, const QString&) {
            return doc->edit([&](Scenario& s) {
                auto& target = access(s).*member;
                if (std::isnan(value)) {
                    target.reset();
                } else {
                    target = fromMillis(value);
                }
                return QString();
            });
        });
        add(b);
    }

    template <class Access, class Member>
    void text(const QString& key, const QString& name, const QString& tooltip, Access access,
              Member member) {
        ScenarioDocument* doc = m_document;
        RowBuilder b(Kind::Text, key, name, tooltip);
        b.value([doc, access, member] {
            return QString::fromStdString(access(doc->scenario()).*member);
        });
        b.apply([doc, access, member](double, const QString& text) {
            return doc->edit([&](Scenario& s) {
                access(s).*member = text.toStdString();
                return QString();
            });
        });
        add(b);
    }

    // The kind of a distribution and the parameters of that kind.
    template <class Access>
    void distribution(const QString& prefix, const QString& what, const QString& shortWhat,
                      Access access);

  private:
    ScenarioDocument* m_document;
    std::vector<Row> m_rows;
};

const QStringList& distributionChoices() {
    static const QStringList choices{QStringLiteral("constant"), QStringLiteral("exponential"),
                                     QStringLiteral("uniform"), QStringLiteral("lognormal"),
                                     QStringLiteral("pareto")};
    return choices;
}

// Returns a distribution of `kind` with about the same mean as `d`.
Distribution convertDistribution(const Distribution& d, Distribution::Kind kind) {
    double mean = toMillis(d.expected());
    if (!std::isfinite(mean) || d.expected() == Duration::max()) {
        mean = toMillis(d.scale) * 2;
    }
    if (mean <= 0) {
        mean = 10;
    }
    Distribution out;
    out.kind = kind;
    switch (kind) {
        case Distribution::Kind::constant:
        case Distribution::Kind::exponential:
            out.mean = fromMillis(mean);
            break;
        case Distribution::Kind::uniform:
            out.min = fromMillis(mean / 2);
            out.max = fromMillis(mean * 1.5);
            break;
        case Distribution::Kind::lognormal:
            out.median = fromMillis(mean);
            out.sigma = 0.5;
            break;
        case Distribution::Kind::pareto:
            out.alpha = 2.5;
            out.scale = fromMillis(mean * (out.alpha - 1) / out.alpha);
            break;
    }
    return out;
}

template <class Access>
void Rows::distribution(const QString& prefix, const QString& what, const QString& shortWhat,
                        Access access) {
    ScenarioDocument* doc = m_document;
    RowBuilder kind(Kind::Choice, prefix + QStringLiteral(".distribution"), what,
                    tr("How %1 varies: constant, exponential (memoryless), uniform, "
                       "log-normal or Pareto (heavy-tailed).")
                        .arg(what.toLower()));
    kind.choices(distributionChoices());
    kind.value([doc, access] {
        return distributionChoices().at(static_cast<int>(access(doc->scenario()).kind));
    });
    kind.apply([doc, access](double index, const QString&) {
        return doc->edit([&](Scenario& s) {
            Distribution& d = access(s);
            d = convertDistribution(d, static_cast<Distribution::Kind>(static_cast<int>(index)));
            return QString();
        });
    });
    add(kind);

    const auto at = [access](auto& s) -> auto& {
        return access(s);
    };
    switch (access(scenario()).kind) {
        case Distribution::Kind::constant:
        case Distribution::Kind::exponential:
            duration(prefix + QStringLiteral(".mean_ms"), tr("%1 mean").arg(shortWhat), false, 0,
                     kMaxMillis, tr("The average %1.").arg(what.toLower()), at,
                     &Distribution::mean);
            break;
        case Distribution::Kind::uniform:
            duration(prefix + QStringLiteral(".min_ms"), tr("%1 minimum").arg(shortWhat), false, 0,
                     kMaxMillis,
                     tr("The shortest %1; draws are spread evenly up to the maximum.")
                         .arg(what.toLower()),
                     at, &Distribution::min);
            duration(prefix + QStringLiteral(".max_ms"), tr("%1 maximum").arg(shortWhat), false, 0,
                     kMaxMillis,
                     tr("The longest %1; must be at least the minimum.").arg(what.toLower()), at,
                     &Distribution::max);
            break;
        case Distribution::Kind::lognormal:
            duration(prefix + QStringLiteral(".median_ms"), tr("%1 median").arg(shortWhat), false,
                     0, kMaxMillis, tr("Half of the draws are shorter than this."), at,
                     &Distribution::median);
            number(Kind::Number, prefix + QStringLiteral(".sigma"), tr("%1 sigma").arg(shortWhat),
                   QString(), 0, 10,
                   tr("Standard deviation of the logarithm; larger values give a longer tail."), at,
                   &Distribution::sigma);
            break;
        case Distribution::Kind::pareto:
            duration(prefix + QStringLiteral(".scale_ms"), tr("%1 scale").arg(shortWhat), false, 0,
                     kMaxMillis,
                     tr("The shortest possible draw of this heavy-tailed distribution."), at,
                     &Distribution::scale, true);
            number(Kind::Number, prefix + QStringLiteral(".alpha"), tr("%1 alpha").arg(shortWhat),
                   QString(), 0.1, 100,
                   tr("Tail shape: smaller is heavier, and at 1 or below the mean is infinite."),
                   at, &Distribution::alpha);
            break;
    }
}

void settingsRows(Rows& rows) {
    const auto root = [](auto& s) -> auto& {
        return s;
    };
    rows.text(QStringLiteral("name"), tr("Name"),
              tr("The scenario's title in the Studio and in reports."), root, &Scenario::name);
    rows.text(QStringLiteral("description"), tr("Description"),
              tr("A paragraph on what the scenario shows."), root, &Scenario::description);
    rows.number(Kind::Integer, QStringLiteral("seed"), tr("Random seed"), QString(), 0,
                9007199254740992.0,
                tr("The same seed gives the same arrivals and service times on every run."), root,
                &Scenario::seed);
    rows.duration(QStringLiteral("sample_interval_ms"), tr("Sample interval"), false, 1, kMaxMillis,
                  tr("Virtual time between the recorded samples that the charts show."), root,
                  &Scenario::sample_interval);
}

void clientRows(Rows& rows, int classIndex) {
    const auto c = static_cast<std::size_t>(classIndex);
    const auto requestClass = [c](auto& s) -> auto& {
        return s.classes[c];
    };
    const auto client = [c](auto& s) -> auto& {
        return s.classes[c].client;
    };
    ScenarioDocument* doc = rows.document();
    RowBuilder name(Kind::Text, QStringLiteral("class.name"), tr("Class name"),
                    tr("The request class's unique, non-empty name in summaries and reports."));
    name.value([doc, c] { return QString::fromStdString(doc->scenario().classes[c].name); });
    name.apply([doc, classIndex, requestClass](double, const QString& text) {
        if (QString problem = doc->classNameProblem(classIndex, text); !problem.isEmpty()) {
            return problem;
        }
        return doc->edit([&](Scenario& s) {
            requestClass(s).name = text.toStdString();
            return QString();
        });
    });
    rows.add(name);
    rows.optionalMillis(QStringLiteral("client.timeout_ms"), tr("Timeout"), 0.001,
                        tr("The client gives up on an attempt after this long; leave empty for "
                           "no timeout."),
                        client, &goflow::sim::ClientConfig::timeout);
    rows.number(Kind::Integer, QStringLiteral("client.retries"), tr("Retries"), QString(), 0, 100,
                tr("Further attempts after a rejection, a timeout or an error."), client,
                &goflow::sim::ClientConfig::max_retries);
    rows.duration(QStringLiteral("client.backoff_ms"), tr("Backoff"), false, 0, kMaxMillis,
                  tr("Wait before the first retry."), client, &goflow::sim::ClientConfig::backoff);
    rows.number(Kind::Number, QStringLiteral("client.backoff_multiplier"), tr("Backoff multiplier"),
                QString(), 1, 100,
                tr("Each later retry waits this many times longer than the one before."), client,
                &goflow::sim::ClientConfig::backoff_multiplier);
    rows.number(Kind::Number, QStringLiteral("client.jitter"), tr("Jitter"), QString(), 0, 1,
                tr("Each wait is scaled by a random factor between 1 - jitter and 1 + jitter."),
                client, &goflow::sim::ClientConfig::jitter);
}

const QStringList& limiterChoices() {
    static const QStringList choices{QStringLiteral("token_bucket"), QStringLiteral("leaky_bucket"),
                                     QStringLiteral("concurrency")};
    return choices;
}

void limiterRows(Rows& rows, int classIndex, int limiterIndex) {
    const auto c = static_cast<std::size_t>(classIndex);
    const auto i = static_cast<std::size_t>(limiterIndex);
    const auto limiter = [ c, i ](auto& s) -> auto& {
        return s.classes[c].limiters[i];
    };
    ScenarioDocument* doc = rows.document();
    RowBuilder type(Kind::Choice, QStringLiteral("limiter.type"), tr("Limiter type"),
                    tr("Token bucket allows bursts, leaky bucket spaces admissions evenly, "
                       "concurrency caps requests in flight."));
    type.choices(limiterChoices());
    type.value([doc, limiter] {
        return limiterChoices().at(static_cast<int>(limiter(doc->scenario()).type));
    });
    type.apply([doc, limiter](double index, const QString&) {
        return doc->edit([&](Scenario& s) {
            LimiterConfig& l = limiter(s);
            const double rate = l.rate > 0 ? l.rate : 100;
            const auto size = std::max<std::int64_t>({l.burst, l.slack, l.limit, 1});
            l = LimiterConfig{};
            l.type = static_cast<LimiterConfig::Type>(static_cast<int>(index));
            switch (l.type) {
                case LimiterConfig::Type::token_bucket:
                    l.rate = rate;
                    l.burst = size;
                    break;
                case LimiterConfig::Type::leaky_bucket:
                    l.rate = rate;
                    break;
                case LimiterConfig::Type::concurrency:
                    l.limit = size;
                    break;
            }
            return QString();
        });
    });
    rows.add(type);
    switch (limiter(rows.scenario()).type) {
        case LimiterConfig::Type::token_bucket:
            rows.number(Kind::Number, QStringLiteral("limiter.rate"), tr("Refill rate"),
                        tr("tokens/s"), 0, kMaxRate,
                        tr("Tokens added per second: the long-run admission rate."), limiter,
                        &LimiterConfig::rate);
            rows.number(Kind::Integer, QStringLiteral("limiter.burst"), tr("Burst capacity"),
                        tr("tokens"), 0, 1e12,
                        tr("The bucket's capacity: how many requests may pass at once after "
                           "an idle period."),
                        limiter, &LimiterConfig::burst);
            break;
        case LimiterConfig::Type::leaky_bucket:
            rows.number(Kind::Number, QStringLiteral("limiter.rate"), tr("Rate"), tr("requests/s"),
                        0, kMaxRate, tr("Admissions per second, spaced 1/rate apart."), limiter,
                        &LimiterConfig::rate, true);
            rows.number(Kind::Integer, QStringLiteral("limiter.slack"), tr("Slack"), tr("requests"),
                        0, 1e9, tr("Extra admissions allowed at once after an idle period."),
                        limiter, &LimiterConfig::slack);
            break;
        case LimiterConfig::Type::concurrency:
            rows.number(Kind::Integer, QStringLiteral("limiter.limit"), tr("Limit"), tr("requests"),
                        1, 1e9,
                        tr("At most this many requests of the class in the pool and stages at "
                           "once."),
                        limiter, &LimiterConfig::limit);
            break;
    }
}

template <class Access>
void stationRows(Rows& rows, Access station, bool isPool) {
    rows.number(
        Kind::Integer,
        isPool ? QStringLiteral("pool.workers") : QStringLiteral("stage.concurrency"),
        isPool ? tr("Workers") : tr("Concurrency"), QString(), 1, 100000,
        isPool ? tr("Requests the pool serves at once.") : tr("Items the stage processes at once."),
        station, &goflow::sim::StationConfig::servers);
    rows.number(Kind::Integer, QStringLiteral("queue_capacity"), tr("Queue capacity"),
                tr("requests"), 0, 1e7, tr("Waiting room beyond the busy servers."), station,
                &goflow::sim::StationConfig::queue_capacity);
}

const QStringList& fullPolicyChoices() {
    static const QStringList choices{QStringLiteral("reject"), QStringLiteral("block")};
    return choices;
}

void poolRows(Rows& rows) {
    const auto pool = [](auto& s) -> auto& {
        return s.pool;
    };
    ScenarioDocument* doc = rows.document();
    stationRows(rows, pool, true);
    RowBuilder policy(
        Kind::Choice, QStringLiteral("pool.full_policy"), tr("Queue full policy"),
        tr("Reject the request at once, or block the submitter until there is room."));
    policy.choices(fullPolicyChoices());
    policy.value([doc] {
        return fullPolicyChoices().at(static_cast<int>(doc->scenario().pool.full_policy));
    });
    policy.apply([doc](double index, const QString&) {
        return doc->edit([&](Scenario& s) {
            s.pool.full_policy = static_cast<PoolConfig::FullPolicy>(static_cast<int>(index));
            if (s.pool.full_policy != PoolConfig::FullPolicy::block) {
                s.pool.block_timeout.reset();
            }
            return QString();
        });
    });
    rows.add(policy);
    if (rows.scenario().pool.full_policy == PoolConfig::FullPolicy::block) {
        rows.optionalMillis(QStringLiteral("pool.block_timeout_ms"), tr("Block timeout"), 0,
                            tr("A blocked submitter gives up after this long; leave empty to "
                               "wait without limit."),
                            pool, &PoolConfig::block_timeout);
    }
    rows.optionalMillis(QStringLiteral("pool.task_timeout_ms"), tr("Task timeout"), 0.001,
                        tr("A task running longer fails as timed out; leave empty for no limit."),
                        pool, &goflow::sim::StationConfig::timeout);
    rows.number(Kind::Number, QStringLiteral("error_rate"), tr("Error rate"), QString(), 0, 1,
                tr("Probability from 0 to 1 that a task fails."), pool,
                &goflow::sim::StationConfig::error_rate);
    rows.distribution(
        QStringLiteral("service"), tr("Service time"), tr("Service"),
        [](auto& s) -> auto& { return s.pool.service_time; });
}

void stageRows(Rows& rows, int stageIndex) {
    const auto i = static_cast<std::size_t>(stageIndex);
    const auto stage = [i](auto& s) -> auto& {
        return s.stages[i];
    };
    rows.text(QStringLiteral("stage.name"), tr("Name"),
              tr("The stage's name in the topology and in summaries."), stage,
              &goflow::sim::StationConfig::name);
    stationRows(rows, stage, false);
    rows.optionalMillis(
        QStringLiteral("stage.timeout_ms"), tr("Timeout"), 0.001,
        tr("An item processed longer fails as timed out; leave empty for no limit."), stage,
        &goflow::sim::StationConfig::timeout);
    rows.number(Kind::Number, QStringLiteral("error_rate"), tr("Error rate"), QString(), 0, 1,
                tr("Probability from 0 to 1 that an item fails."), stage,
                &goflow::sim::StationConfig::error_rate);
    rows.distribution(
        QStringLiteral("service"), tr("Service time"),
        tr("Service"), [i](auto& s) -> auto& { return s.stages[i].service_time; });
}

const QStringList& writerPolicyChoices() {
    static const QStringList choices{QStringLiteral("block"), QStringLiteral("fail")};
    return choices;
}

// The ranges match the scenario reader's, so an out-of-range value is rejected before the edit.
// The reader still checks that the min record size is at most the max.
void writerRows(Rows& rows) {
    const auto writer = [](auto& s) -> auto& {
        return *s.writer;
    };
    ScenarioDocument* doc = rows.document();
    rows.text(QStringLiteral("writer.name"), tr("Name"),
              tr("The writer's name in the topology and in summaries."), writer,
              &WriterConfig::name);
    rows.number(Kind::Integer, QStringLiteral("writer.buffer_bytes"), tr("Buffer size"),
                tr("bytes"), 1, 1e8,
                tr("Bytes the writer accepts before a flush; a flush starts at half full."), writer,
                &WriterConfig::buffer_bytes);
    rows.duration(QStringLiteral("writer.flush_interval_ms"), tr("Flush interval"), false, 0.001,
                  kMaxMillis, tr("The longest a buffered record waits before a flush."), writer,
                  &WriterConfig::flush_interval);
    RowBuilder policy(Kind::Choice, QStringLiteral("writer.full_policy"), tr("Buffer full policy"),
                      tr("Block the last station until the record fits, or fail the record and "
                         "its request at once."));
    policy.choices(writerPolicyChoices());
    policy.value([doc] {
        return writerPolicyChoices().at(static_cast<int>(doc->scenario().writer->full_policy));
    });
    policy.apply([doc](double index, const QString&) {
        return doc->edit([&](Scenario& s) {
            s.writer->full_policy = static_cast<WriterConfig::FullPolicy>(static_cast<int>(index));
            return QString();
        });
    });
    rows.add(policy);
    rows.number(Kind::Integer, QStringLiteral("writer.record_bytes_min"), tr("Min record size"),
                tr("bytes"), 1, 16777216,
                tr("The smallest record; sizes are uniform between the minimum and the maximum."),
                writer, &WriterConfig::record_bytes_min);
    rows.number(Kind::Integer, QStringLiteral("writer.record_bytes_max"), tr("Max record size"),
                tr("bytes"), 1, 16777216,
                tr("The largest record; equal to the minimum for records of one size."), writer,
                &WriterConfig::record_bytes_max);
    rows.distribution(
        QStringLiteral("writer.write_time"), tr("Write time"), tr("Write"),
        [](auto& s) -> auto& { return s.writer->write_time; });
    rows.number(Kind::Number, QStringLiteral("writer.write_ms_per_kib"), tr("Time per KiB"),
                tr("ms"), 0, 1e4, tr("Extra sink time for each KiB (1024 bytes) of a flush."),
                writer, &WriterConfig::write_ms_per_kib);
    rows.number(Kind::Number, QStringLiteral("writer.error_rate"), tr("Sink error rate"), QString(),
                0, 1, tr("Probability from 0 to 1 that one sink call fails."), writer,
                &WriterConfig::error_rate);
    rows.number(Kind::Integer, QStringLiteral("writer.max_retries"), tr("Max retries"), QString(),
                0, 100,
                tr("Extra sink calls for a failed flush before its records count as failed."),
                writer, &WriterConfig::max_retries);
    rows.duration(QStringLiteral("writer.retry_backoff_ms"), tr("Retry backoff"), false, 0,
                  kMaxMillis, tr("Wait before each retry, while the sink stays busy."), writer,
                  &WriterConfig::retry_backoff);
}

const QStringList& modelChoices() {
    static const QStringList choices{QStringLiteral("open"), QStringLiteral("closed")};
    return choices;
}

const QStringList& arrivalChoices() {
    static const QStringList choices{QStringLiteral("poisson"), QStringLiteral("even")};
    return choices;
}

// In the order of ScenarioDocument::LoadShape.
const QStringList& shapeChoices() {
    static const QStringList choices{
        QStringLiteral("constant"),   QStringLiteral("ramp stages"),
        QStringLiteral("spike"),      QStringLiteral("sine"),
        QStringLiteral("trace file"), QStringLiteral("phases from file")};
    return choices;
}

// Returns whether `load`'s phases have the structure that `shape`'s rows edit.
bool fits(LoadShape shape, const LoadConfig& load) {
    const auto& p = load.phases;
    const auto all = [&](LoadPhase::Shape s) {
        return std::all_of(p.begin(), p.end(),
                           [s](const LoadPhase& phase) { return phase.shape == s; });
    };
    switch (shape) {
        case LoadShape::Constant:
            return p.size() == 1 && all(LoadPhase::Shape::constant);
        case LoadShape::Sine:
            return p.size() == 1 && all(LoadPhase::Shape::sine);
        case LoadShape::Spike:
            return (p.size() == 2 || p.size() == 3) && all(LoadPhase::Shape::constant);
        case LoadShape::RampStages:
            return !p.empty() && all(LoadPhase::Shape::ramp);
        case LoadShape::Trace:
        case LoadShape::Custom:
            return true;
    }
    return false;
}

// The parameters of a spike load: a base rate with one burst, as two or three constant phases.
struct Spike {
    double base = 0;
    double peak = 0;
    double start = 0;   // seconds
    double length = 0;  // seconds
    double total = 0;   // seconds
};

Spike readSpike(const LoadConfig& load) {
    Spike spike;
    spike.base = load.phases[0].rate;
    spike.peak = load.phases[1].rate;
    spike.start = toSeconds(load.phases[0].duration);
    spike.length = toSeconds(load.phases[1].duration);
    spike.total = toSeconds(load.duration());
    return spike;
}

QString writeSpike(LoadConfig& load, const Spike& spike) {
    const double tail = spike.total - spike.start - spike.length;
    // Nanosecond rounding of the phases may leave a tail of a few nanoseconds; drop it.
    if (tail < -1e-9) {
        return ParameterModel::tr("the spike ends at %1 s, after the load's duration of %2 s")
            .arg(number(spike.start + spike.length), number(spike.total));
    }
    load.phases.clear();
    const auto phase = [](const char* name, double rate, double seconds) {
        LoadPhase p;
        p.name = name;
        p.rate = rate;
        p.duration = fromSeconds(seconds);
        return p;
    };
    load.phases.push_back(phase("base", spike.base, spike.start));
    load.phases.push_back(phase("spike", spike.peak, spike.length));
    if (tail > 1e-6) {
        load.phases.push_back(phase("base", spike.base, tail));
    }
    return {};
}

QString formatStages(const LoadConfig& load) {
    QStringList parts;
    for (const LoadPhase& p : load.phases) {
        parts.append(QStringLiteral("%1:%2").arg(number(p.to), number(toSeconds(p.duration))));
    }
    return parts.join(QStringLiteral(", "));
}

// Parses "target:seconds, target:seconds, ..." into ramps that start at `start`.
QString parseStages(const QString& text, double start, std::vector<LoadPhase>& phases) {
    const QStringList parts = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (parts.isEmpty()) {
        return ParameterModel::tr("enter at least one stage as target:seconds, for example 100:10");
    }
    phases.clear();
    double from = start;
    for (int i = 0; i < parts.size(); ++i) {
        const QStringList fields = parts[i].trimmed().split(QLatin1Char(':'));
        bool rateOk = false;
        bool secondsOk = false;
        const double to =
            fields.size() == 2 ? QLocale::c().toDouble(fields[0].trimmed(), &rateOk) : 0;
        const double seconds =
            fields.size() == 2 ? QLocale::c().toDouble(fields[1].trimmed(), &secondsOk) : 0;
        if (!rateOk || !secondsOk) {
            return ParameterModel::tr("stage %1: expected target:seconds, got “%2”")
                .arg(i + 1)
                .arg(parts[i].trimmed());
        }
        if (!(to >= 0 && to <= kMaxRate)) {
            return ParameterModel::tr(
                       "stage %1: the target must be between 0 and 1e7 requests/s, got %2")
                .arg(i + 1)
                .arg(number(to));
        }
        if (!(seconds > 0 && seconds <= kMaxSeconds)) {
            return ParameterModel::tr(
                       "stage %1: the length must be above 0 and at most 604800 s, got %2")
                .arg(i + 1)
                .arg(number(seconds));
        }
        LoadPhase phase;
        phase.name = QStringLiteral("stage %1").arg(i + 1).toStdString();
        phase.shape = LoadPhase::Shape::ramp;
        phase.from = from;
        phase.to = to;
        phase.duration = fromSeconds(seconds);
        phases.push_back(phase);
        from = to;
    }
    return {};
}

// Describes `load`'s phases in file order, with rates in requests/s, for example
// "120 for 25 s, then 0 for 5 s". Lists at most four phases and counts the rest.
QString describePhases(const LoadConfig& load) {
    constexpr std::size_t kListed = 4;
    QStringList parts;
    for (std::size_t i = 0; i < load.phases.size() && i < kListed; ++i) {
        const LoadPhase& p = load.phases[i];
        const QString length = number(toSeconds(p.duration));
        switch (p.shape) {
            case LoadPhase::Shape::constant:
                parts.append(tr("%1 for %2 s").arg(number(p.rate), length));
                break;
            case LoadPhase::Shape::ramp:
                parts.append(tr("%1 to %2 for %3 s").arg(number(p.from), number(p.to), length));
                break;
            case LoadPhase::Shape::sine:
                parts.append(tr("%1 ± %2 every %3 s for %4 s")
                                 .arg(number(p.mean), number(p.amplitude),
                                      number(toSeconds(p.period)), length));
                break;
        }
    }
    QString text = parts.join(tr(", then "));
    if (load.phases.size() > kListed) {
        text += ParameterModel::tr(", and %n more phases", nullptr,
                                   static_cast<int>(load.phases.size() - kListed));
    }
    return text;
}

// A number row of a spike load: `field` selects the member of Spike.
void spikeRow(Rows& rows, int classIndex, const QString& key, const QString& name,
              const QString& unit, double minimum, double maximum, bool minimumExclusive,
              const QString& tooltip, double Spike::*field) {
    ScenarioDocument* doc = rows.document();
    const auto c = static_cast<std::size_t>(classIndex);
    RowBuilder b(Kind::Number, key, name, tooltip);
    b.unit(unit).range(minimum, maximum, minimumExclusive);
    b.value([doc, c, field] { return number(readSpike(doc->scenario().classes[c].load).*field); });
    b.apply([doc, c, field](double value, const QString&) {
        return doc->edit([&](Scenario& s) {
            Spike spike = readSpike(s.classes[c].load);
            spike.*field = value;
            return writeSpike(s.classes[c].load, spike);
        });
    });
    rows.add(b);
}

void openShapeRows(Rows& rows, int classIndex, LoadShape shape) {
    ScenarioDocument* doc = rows.document();
    const auto c = static_cast<std::size_t>(classIndex);
    const auto phase0 = [c](auto& s) -> auto& {
        return s.classes[c].load.phases[0];
    };
    const QString perSecond = tr("requests/s");
    switch (shape) {
        case LoadShape::Constant:
            rows.number(Kind::Number, QStringLiteral("load.rate"), tr("Rate"), perSecond, 0,
                        kMaxRate, tr("Requests offered per second throughout the load."), phase0,
                        &LoadPhase::rate);
            rows.duration(QStringLiteral("load.duration_s"), tr("Duration"), true, 0, kMaxSeconds,
                          tr("How long the load lasts."), phase0, &LoadPhase::duration, true);
            break;
        case LoadShape::Sine:
            rows.number(Kind::Number, QStringLiteral("load.mean"), tr("Mean rate"), perSecond, 0,
                        kMaxRate, tr("The rate the wave swings around."), phase0, &LoadPhase::mean);
            rows.number(Kind::Number, QStringLiteral("load.amplitude"), tr("Amplitude"), perSecond,
                        0, kMaxRate,
                        tr("How far the rate swings above and below the mean; at most the mean."),
                        phase0, &LoadPhase::amplitude);
            rows.duration(QStringLiteral("load.period_s"), tr("Period"), true, 0.001, kMaxSeconds,
                          tr("The length of one full cycle of the wave."), phase0,
                          &LoadPhase::period);
            rows.duration(QStringLiteral("load.duration_s"), tr("Duration"), true, 0, kMaxSeconds,
                          tr("How long the load lasts."), phase0, &LoadPhase::duration, true);
            break;
        case LoadShape::Spike:
            spikeRow(rows, classIndex, QStringLiteral("load.base_rate"), tr("Base rate"), perSecond,
                     0, kMaxRate, false, tr("Requests per second before and after the spike."),
                     &Spike::base);
            spikeRow(rows, classIndex, QStringLiteral("load.spike_rate"), tr("Spike rate"),
                     perSecond, 0, kMaxRate, false, tr("Requests per second during the spike."),
                     &Spike::peak);
            spikeRow(rows, classIndex, QStringLiteral("load.spike_start_s"), tr("Spike start"),
                     tr("s"), 0, kMaxSeconds, true, tr("When the spike begins."), &Spike::start);
            spikeRow(rows, classIndex, QStringLiteral("load.spike_length_s"), tr("Spike length"),
                     tr("s"), 0, kMaxSeconds, true, tr("How long the spike lasts."),
                     &Spike::length);
            spikeRow(rows, classIndex, QStringLiteral("load.duration_s"), tr("Duration"), tr("s"),
                     0, kMaxSeconds, true,
                     tr("How long the whole load lasts; the spike must end within it."),
                     &Spike::total);
            break;
        case LoadShape::RampStages: {
            rows.number(Kind::Number, QStringLiteral("load.start_rate"), tr("Start rate"),
                        perSecond, 0, kMaxRate, tr("The rate at the start of the first stage."),
                        phase0, &LoadPhase::from);
            RowBuilder stages(Kind::Text, QStringLiteral("load.stages"), tr("Stages"),
                              tr("Comma-separated target:seconds pairs; each stage ramps "
                                 "linearly from the previous target, for example 200:10, 200:20, "
                                 "0:5."));
            stages.value([doc, c] { return formatStages(doc->scenario().classes[c].load); });
            stages.apply([doc, c](double, const QString& text) {
                return doc->edit([&](Scenario& s) {
                    LoadConfig& load = s.classes[c].load;
                    return parseStages(text, load.phases.front().from, load.phases);
                });
            });
            rows.add(stages);
            break;
        }
        case LoadShape::Trace: {
            RowBuilder file(Kind::Text, QStringLiteral("load.trace_file"), tr("Trace file"),
                            tr("A file of request times to replay, relative to the scenario "
                               "file's directory."));
            file.value([doc, c] {
                return QString::fromStdString(doc->scenario().classes[c].load.trace_file);
            });
            file.apply([doc, c](double, const QString& text) {
                if (text.isEmpty()) {
                    return tr("enter the path of a trace file");
                }
                return doc->edit([&](Scenario& s) {
                    LoadConfig& load = s.classes[c].load;
                    load.trace_file = text.toStdString();
                    if (load.trace_format.empty()) {
                        load.trace_format = "csv";
                    }
                    load.phases.clear();
                    return QString();
                });
            });
            if (rows.scenario().classes[c].load.trace_file.empty()) {
                file.error(tr("Enter a trace file; until then the load keeps its phases."));
            }
            rows.add(file);
            static const QStringList formats{QStringLiteral("csv"), QStringLiteral("access_log")};
            RowBuilder format(Kind::Choice, QStringLiteral("load.trace_format"), tr("Trace format"),
                              tr("csv: seconds in the first column; access_log: the time field "
                                 "of the Common Log Format."));
            format.choices(formats);
            format.value([doc, c] {
                const auto& f = doc->scenario().classes[c].load.trace_format;
                return f.empty() ? QStringLiteral("csv") : QString::fromStdString(f);
            });
            format.apply([doc, c](double, const QString& text) {
                if (doc->scenario().classes[c].load.trace_file.empty()) {
                    return tr("enter the trace file first");
                }
                return doc->edit([&](Scenario& s) {
                    s.classes[c].load.trace_format = text.toStdString();
                    return QString();
                });
            });
            rows.add(format);
            break;
        }
        case LoadShape::Custom: {
            RowBuilder summary(Kind::Text, QStringLiteral("load.phases"), tr("Phases"),
                               tr("Phases read from the file that fit no shape here; choose a "
                                  "shape to replace them, or edit them in the file."));
            summary.readOnly();
            summary.unit(tr("requests/s"));
            summary.value([doc, c] { return describePhases(doc->scenario().classes[c].load); });
            rows.add(summary);
            break;
        }
    }
}

void loadRows(Rows& rows, int classIndex) {
    ScenarioDocument* doc = rows.document();
    const auto c = static_cast<std::size_t>(classIndex);
    const auto load = [c](auto& s) -> auto& {
        return s.classes[c].load;
    };
    RowBuilder model(Kind::Choice, QStringLiteral("load.model"), tr("Load model"),
                     tr("Open: arrivals follow the rate whatever the system does. Closed: a fixed "
                        "number of clients, each waiting for its previous response."));
    model.choices(modelChoices());
    model.value([doc, c] {
        return modelChoices().at(static_cast<int>(doc->scenario().classes[c].load.model));
    });
    model.apply([doc, c, classIndex](double index, const QString&) {
        const auto target = static_cast<LoadConfig::Model>(static_cast<int>(index));
        const LoadConfig& current = doc->scenario().classes[c].load;
        if (current.model == target) {
            return QString();
        }
        double length = toSeconds(current.duration());
        if (length <= 0) {
            length = 30;
        }
        const QString reason = doc->edit([&](Scenario& s) {
            LoadConfig fresh;
            fresh.model = target;
            if (target == LoadConfig::Model::closed) {
                fresh.clients = 10;
                fresh.think_time.kind = Distribution::Kind::exponential;
                fresh.think_time.mean = std::chrono::seconds(1);
                fresh.closed_duration = fromSeconds(length);
            } else {
                LoadPhase phase;
                phase.name = "steady";
                phase.rate = 50;
                phase.duration = fromSeconds(length);
                fresh.phases.push_back(phase);
            }
            s.classes[c].load = fresh;
            return QString();
        });
        if (reason.isEmpty()) {
            doc->rememberShape(classIndex, LoadShape::Constant);
        }
        return reason;
    });
    rows.add(model);

    const LoadConfig& current = rows.scenario().classes[c].load;
    if (current.model == LoadConfig::Model::closed) {
        rows.number(Kind::Integer, QStringLiteral("load.clients"), tr("Clients"), QString(), 1, 1e6,
                    tr("Users that each send a request, wait for it, think, and repeat."), load,
                    &LoadConfig::clients);
        rows.distribution(
            QStringLiteral("think"), tr("Think time"),
            tr("Think"), [c](auto& s) -> auto& { return s.classes[c].load.think_time; });
        rows.duration(QStringLiteral("load.duration_s"), tr("Duration"), true, 0, kMaxSeconds,
                      tr("How long the clients keep sending."), load, &LoadConfig::closed_duration,
                      true);
        return;
    }

    RowBuilder arrivals(Kind::Choice, QStringLiteral("load.arrivals"), tr("Arrivals"),
                        tr("Poisson: random gaps at the current rate. Even: one request per unit "
                           "of accumulated rate."));
    arrivals.choices(arrivalChoices());
    arrivals.value([doc, c] {
        return arrivalChoices().at(static_cast<int>(doc->scenario().classes[c].load.arrivals));
    });
    arrivals.apply([doc, c](double index, const QString&) {
        return doc->edit([&](Scenario& s) {
            s.classes[c].load.arrivals =
                static_cast<goflow::sim::ArrivalProcess>(static_cast<int>(index));
            return QString();
        });
    });
    rows.add(arrivals);

    LoadShape shape = doc->loadShape(classIndex);
    if (!fits(shape, current)) {
        shape = LoadShape::Custom;
    }
    RowBuilder shapeRow(Kind::Choice, QStringLiteral("load.shape"), tr("Shape"),
                        tr("How the offered rate changes over time; choosing a shape replaces "
                           "the phases."));
    shapeRow.choices(shapeChoices());
    shapeRow.value([doc, classIndex] {
        const LoadConfig& classLoad =
            doc->scenario().classes[static_cast<std::size_t>(classIndex)].load;
        const LoadShape shown = fits(doc->loadShape(classIndex), classLoad)
                                    ? doc->loadShape(classIndex)
                                    : LoadShape::Custom;
        return shapeChoices().at(static_cast<int>(shown));
    });
    shapeRow.apply([doc, classIndex](double index, const QString&) {
        const auto chosen = static_cast<LoadShape>(static_cast<int>(index));
        if (chosen == doc->loadShape(classIndex)) {
            return QString();
        }
        return doc->setLoadShape(classIndex, chosen);
    });
    rows.add(shapeRow);
    openShapeRows(rows, classIndex, shape);
}

}  // namespace

ParameterModel::ParameterModel(ScenarioDocument* document, QObject* parent)
    : QAbstractListModel(parent), m_document(document) {
    connect(document, &ScenarioDocument::scenarioEdited, this, &ParameterModel::refresh);
}

int ParameterModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QHash<int, QByteArray> ParameterModel::roleNames() const {
    return {{NameRole, "name"},        {KeyRole, "key"},         {ValueRole, "value"},
            {UnitRole, "unit"},        {MinimumRole, "minimum"}, {MaximumRole, "maximum"},
            {KindRole, "kind"},        {ChoicesRole, "choices"}, {ChoiceIndexRole, "choiceIndex"},
            {TooltipRole, "tooltip"},  {ErrorRole, "error"},     {EditableRole, "editable"},
            {OptionalRole, "optional"}};
}

QVariant ParameterModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
            return row.name;
        case KeyRole:
            return row.key;
        case ValueRole:
            return row.value ? row.value() : QString();
        case UnitRole:
            return row.unit;
        case MinimumRole:
            return row.minimum;
        case MaximumRole:
            return row.maximum;
        case KindRole:
            switch (row.kind) {
                case Kind::Number:
                    return QStringLiteral("number");
                case Kind::Integer:
                    return QStringLiteral("integer");
                case Kind::Choice:
                    return QStringLiteral("choice");
                case Kind::Text:
                    return QStringLiteral("text");
            }
            return {};
        case ChoicesRole:
            return row.choices;
        case ChoiceIndexRole:
            return row.value ? static_cast<int>(row.choices.indexOf(row.value())) : -1;
        case TooltipRole:
            return row.tooltip;
        case ErrorRole:
            return row.error;
        case EditableRole:
            return row.editable;
        case OptionalRole:
            return row.optional;
        default:
            return {};
    }
}

void ParameterModel::setElement(const ElementRef& element) {
    m_element = element;
    beginResetModel();
    rebuild();
    endResetModel();
}

void ParameterModel::rebuild() {
    m_rows.clear();
    QString title;
    if (m_document) {
        const Scenario& s = m_document->scenario();
        const int classes = static_cast<int>(s.classes.size());
        const int c = m_element.classIndex;
        const int i = m_element.index;
        const bool classValid = c >= 0 && c < classes;
        Rows rows(m_document);
        switch (m_element.kind) {
            case ElementKind::Settings:
                settingsRows(rows);
                title = tr("Scenario settings");
                break;
            case ElementKind::Client:
                if (classValid) {
                    clientRows(rows, c);
                    title = tr("Client");
                }
                break;
            case ElementKind::Limiter:
                if (classValid && i >= 0 &&
                    i < static_cast<int>(s.classes[static_cast<std::size_t>(c)].limiters.size())) {
                    limiterRows(rows, c, i);
                    title = tr("Limiter");
                }
                break;
            case ElementKind::Pool:
                poolRows(rows);
                title = tr("Worker pool");
                break;
            case ElementKind::Stage:
                if (i >= 0 && i < static_cast<int>(s.stages.size())) {
                    stageRows(rows, i);
                    title = tr("Pipeline stage");
                }
                break;
            case ElementKind::Writer:
                if (s.writer) {
                    writerRows(rows);
                    title = tr("Async writer");
                }
                break;
            case ElementKind::Load:
                if (classValid) {
                    loadRows(rows, c);
                    title = tr("Load");
                }
                break;
        }
        m_rows = rows.take();
    }
    if (title != m_title) {
        m_title = title;
        emit titleChanged();
    }
}

void ParameterModel::refresh() {
    std::vector<Row> previous = std::move(m_rows);
    rebuild();
    bool sameRows = previous.size() == m_rows.size();
    for (std::size_t i = 0; sameRows && i < m_rows.size(); ++i) {
        sameRows = previous[i].key == m_rows[i].key && previous[i].kind == m_rows[i].kind;
    }
    if (!sameRows) {
        // The rows were rebuilt already; a reset notifies the views.
        std::vector<Row> rebuilt = std::move(m_rows);
        m_rows = std::move(previous);
        beginResetModel();
        m_rows = std::move(rebuilt);
        endResetModel();
        return;
    }
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (!previous[i].error.isEmpty()) {
            m_rows[i].error = previous[i].error;
        }
    }
    if (!m_rows.empty()) {
        emit dataChanged(index(0), index(rowCount() - 1));
    }
}

int ParameterModel::rowOfKey(const QString& key) const {
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].key == key) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

QString ParameterModel::parseAndApply(const Row& row, const QString& input) {
    const QString text = input.trimmed();
    if (!row.editable) {
        return tr("This field is read-only.");
    }
    switch (row.kind) {
        case Kind::Text:
            return row.apply(kNone, text);
        case Kind::Choice: {
            const int index = static_cast<int>(row.choices.indexOf(text));
            if (index < 0) {
                return tr("must be one of %1, got “%2”")
                    .arg(row.choices.join(QStringLiteral(", ")), text);
            }
            return row.apply(index, text);
        }
        case Kind::Number:
        case Kind::Integer:
            break;
    }
    if (text.isEmpty()) {
        return row.optional ? row.apply(kNone, text) : tr("enter a value");
    }
    bool ok = false;
    double value = QLocale::c().toDouble(text, &ok);
    if (!ok) {
        value = QLocale().toDouble(text, &ok);
    }
    if (!ok || !std::isfinite(value)) {
        return tr("“%1” is not a number").arg(text);
    }
    if (row.kind == Kind::Integer && value != std::floor(value)) {
        return tr("must be a whole number, got %1").arg(number(value));
    }
    const bool belowMinimum = row.minimumExclusive ? value <= row.minimum : value < row.minimum;
    if (belowMinimum || value > row.maximum) {
        return row.minimumExclusive
                   ? tr("must be above %1 and at most %2, got %3")
                         .arg(number(row.minimum), number(row.maximum), number(value))
                   : tr("must be between %1 and %2, got %3")
                         .arg(number(row.minimum), number(row.maximum), number(value));
    }
    return row.apply(value, text);
}

bool ParameterModel::setValue(int row, const QString& text) {
    if (row < 0 || row >= rowCount()) {
        return false;
    }
    // The edit may rebuild the rows, so keep the key to find the row again afterwards.
    const QString key = m_rows[static_cast<std::size_t>(row)].key;
    const Row copy = m_rows[static_cast<std::size_t>(row)];
    const QString reason = parseAndApply(copy, text);
    const int now = rowOfKey(key);
    if (now < 0) {
        return reason.isEmpty();
    }
    Row& target = m_rows[static_cast<std::size_t>(now)];
    if (target.error != reason) {
        target.error = reason;
        emit dataChanged(index(now), index(now), {ErrorRole});
    }
    return reason.isEmpty();
}
