#include "queueing_theory.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace goflow::app::queueing {

namespace {

// The largest waiting room mmck() accepts, as its running time grows linearly with it.
constexpr std::int64_t kMaxQueueCapacity = 1'000'000'000;

void check_rates(double lambda, double mu) {
    if (!std::isfinite(lambda) || lambda < 0) {
        throw std::invalid_argument("arrival rate must be a finite number >= 0, got " +
                                    std::to_string(lambda));
    }
    if (!std::isfinite(mu) || mu <= 0) {
        throw std::invalid_argument("service rate must be a finite number > 0, got " +
                                    std::to_string(mu));
    }
}

void check_servers(int servers) {
    if (servers < 1) {
        throw std::invalid_argument("servers must be at least 1, got " + std::to_string(servers));
    }
}

void check_load(double offered_load) {
    if (!std::isfinite(offered_load) || offered_load < 0) {
        throw std::invalid_argument("offered load must be a finite number >= 0, got " +
                                    std::to_string(offered_load));
    }
}

Prediction base(double lambda, double mu, int servers, std::int64_t queue_capacity) {
    Prediction p;
    p.arrival_rate = lambda;
    p.service_rate = mu;
    p.servers = servers;
    p.queue_capacity = queue_capacity;
    p.offered_load = lambda / mu;
    return p;
}

// Sums of the unnormalised stationary weights of M/M/c/K, scaled so that the largest is 1.
struct Weights {
    double total = 0;    // sum over n = 0..K
    double busy = 0;     // sum of min(n, c) times the weight
    double queued = 0;   // sum of max(n - c, 0) times the weight
    double waiting = 0;  // sum over n = c..K-1: an arrival admitted there waits
    double full = 0;     // the weight of n = K
};

// Weights of the states n = 0..c: w_n = a^n / n!, kept as logarithms to avoid overflow.
std::vector<double> log_weights_up_to_servers(double a, int servers) {
    std::vector<double> log_w(static_cast<std::size_t>(servers) + 1);
    const double log_a = std::log(a);
    for (int n = 1; n <= servers; ++n) {
        log_w[n] = log_w[n - 1] + log_a - std::log(static_cast<double>(n));
    }
    return log_w;
}

// Adds the states above c: w_{c+j} = w_c * r^j for j = 1..Q, with r = a / c. The terms are
// produced by repeated multiplication, recomputed from logarithms every 1024 steps so that the
// rounding error stays near one ulp, and the loop stops once the terms underflow to zero.
void add_queue_states(Weights& w, double log_w_c, double log_r, int servers, std::int64_t queue,
                      double scale) {
    const double c = servers;
    if (queue == 0) {
        return;
    }
    if (log_r == 0) {  // every queued state has the weight of n = c
        const double e = std::exp(log_w_c - scale);
        const auto q = static_cast<double>(queue);
        w.total += q * e;
        w.busy += c * q * e;
        w.queued += q * (q + 1) / 2 * e;
        w.waiting += (q - 1) * e;
        w.full = e;
        return;
    }
    const double r = std::exp(log_r);
    const auto term = [&](std::int64_t j) {
        return std::exp(log_w_c + static_cast<double>(j) * log_r - scale);
    };
    const auto add = [&](std::int64_t j, double t) {
        w.total += t;
        w.busy += c * t;
        w.queued += static_cast<double>(j) * t;
        if (j < queue) {
            w.waiting += t;
        } else {
            w.full = t;
        }
    };
    if (log_r < 0) {  // weights fall with j: walk up from the servers
        double t = std::exp(log_w_c - scale);
        for (std::int64_t j = 1; j <= queue; ++j) {
            t = j % 1024 == 0 ? term(j) : t * r;
            if (t == 0) {
                break;
            }
            add(j, t);
        }
    } else {  // weights grow with j: walk down from the full system
        double t = term(queue);
        for (std::int64_t j = queue; j >= 1; --j) {
            if (j != queue) {
                t = j % 1024 == 0 ? term(j) : t / r;
            }
            if (t == 0) {
                break;
            }
            add(j, t);
        }
    }
}

}  // namespace

double erlang_b(int servers, double offered_load) {
    check_servers(servers);
    check_load(offered_load);
    // B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)): no factorials, so no overflow.
    double b = 1;
    for (int k = 1; k <= servers; ++k) {
        b = offered_load * b / (k + offered_load * b);
    }
    return b;
}

double erlang_c(int servers, double offered_load) {
    check_servers(servers);
    check_load(offered_load);
    if (offered_load >= servers) {
        throw std::domain_error("Erlang C needs an offered load below the " +
                                std::to_string(servers) + " servers, got " +
                                std::to_string(offered_load));
    }
    const double b = erlang_b(servers, offered_load);
    return servers * b / (servers - offered_load * (1 - b));
}

Prediction mm1(double lambda, double mu) {
    check_rates(lambda, mu);
    if (lambda >= mu) {
        throw std::domain_error("M/M/1 is unstable: arrival rate " + std::to_string(lambda) +
                                "/s is not below service rate " + std::to_string(mu) + "/s");
    }
    Prediction p = base(lambda, mu, 1, -1);
    const double rho = lambda / mu;
    p.utilisation = rho;
    p.wait_probability = rho;
    p.throughput = lambda;
    p.mean_queue_length = rho * rho / (1 - rho);
    p.mean_wait = rho / (mu - lambda);
    p.mean_in_system = rho / (1 - rho);
    p.mean_time_in_system = 1 / (mu - lambda);
    return p;
}

Prediction mmc(double lambda, double mu, int servers) {
    check_rates(lambda, mu);
    check_servers(servers);
    const double capacity = servers * mu;
    if (lambda >= capacity) {
        throw std::domain_error("M/M/c is unstable: arrival rate " + std::to_string(lambda) +
                                "/s is not below " + std::to_string(servers) +
                                " servers x service rate " + std::to_string(mu) + "/s");
    }
    Prediction p = base(lambda, mu, servers, -1);
    const double a = p.offered_load;
    const double rho = a / servers;
    const double waits = erlang_c(servers, a);
    p.utilisation = rho;
    p.wait_probability = waits;
    p.throughput = lambda;
    p.mean_queue_length = waits * rho / (1 - rho);
    p.mean_wait = waits / (capacity - lambda);
    p.mean_in_system = p.mean_queue_length + a;
    p.mean_time_in_system = p.mean_wait + 1 / mu;
    return p;
}

Prediction mmck(double lambda, double mu, int servers, std::int64_t queue_capacity) {
    check_rates(lambda, mu);
    check_servers(servers);
    if (queue_capacity < 0 || queue_capacity > kMaxQueueCapacity) {
        throw std::invalid_argument("queue capacity must be between 0 and " +
                                    std::to_string(kMaxQueueCapacity) + ", got " +
                                    std::to_string(queue_capacity));
    }
    Prediction p = base(lambda, mu, servers, queue_capacity);
    if (lambda == 0) {
        p.mean_time_in_system = 1 / mu;
        return p;
    }
    const double a = p.offered_load;
    const std::vector<double> log_w = log_weights_up_to_servers(a, servers);
    const double log_r = std::log(a) - std::log(static_cast<double>(servers));
    double scale = *std::max_element(log_w.begin(), log_w.end());
    if (log_r > 0) {
        scale = std::max(scale, log_w.back() + static_cast<double>(queue_capacity) * log_r);
    }

    Weights w;
    for (int n = 0; n <= servers; ++n) {
        const double e = std::exp(log_w[n] - scale);
        w.total += e;
        w.busy += n * e;
    }
    const double at_servers = std::exp(log_w.back() - scale);
    if (queue_capacity == 0) {
        w.full = at_servers;
    } else {
        w.waiting = at_servers;
    }
    add_queue_states(w, log_w.back(), log_r, servers, queue_capacity, scale);

    p.blocking_probability = w.full / w.total;
    p.throughput = lambda * (1 - p.blocking_probability);
    const double busy = w.busy / w.total;
    p.utilisation = busy / servers;
    p.mean_queue_length = w.queued / w.total;
    p.mean_in_system = p.mean_queue_length + busy;
    const double admitted = 1 - p.blocking_probability;
    p.wait_probability = admitted > 0 ? w.waiting / w.total / admitted : 0;
    if (p.throughput > 0) {
        p.mean_wait = p.mean_queue_length / p.throughput;
        p.mean_time_in_system = p.mean_in_system / p.throughput;
    }
    return p;
}

}  // namespace goflow::app::queueing
