// Closed-form steady-state results for Markovian queues: M/M/1, M/M/c (Erlang C) and M/M/c/K.
//
// Arrivals are Poisson at rate lambda (per second), each of the c servers works through
// exponential service times at rate mu (per second), and the queue is FIFO. M/M/c/K has a
// waiting room of `queue_capacity`, so K = c + queue_capacity requests fit in the system and an
// arrival that finds it full is rejected. The results hold in the long run. A run that starts
// empty spends a warm-up period below them.
//
// This file uses the standard library only, so the simulator's tests compile it without Qt.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>

namespace goflow::app::queueing {

// Steady-state figures of one queueing station. Rates are per second, times in seconds.
struct Prediction {
    double arrival_rate = 0;  // lambda, offered arrivals per second
    double service_rate = 0;  // mu, completions per second of one busy server
    int servers = 1;          // c
    // Waiting room beyond the busy servers, or -1 for an unbounded queue.
    std::int64_t queue_capacity = -1;
    double offered_load = 0;          // a = lambda / mu, in erlangs
    double utilisation = 0;           // mean fraction of servers busy
    double wait_probability = 0;      // probability that an admitted arrival waits in the queue
    double blocking_probability = 0;  // probability that an arrival finds the system full
    double throughput = 0;            // admitted arrivals per second, lambda * (1 - blocking)
    double mean_queue_length = 0;     // Lq, time-average number waiting
    double mean_wait = 0;             // Wq, mean time an admitted arrival waits
    double mean_in_system = 0;        // L, time-average number waiting or in service
    double mean_time_in_system = 0;   // W, mean wait plus mean service time
};

// Erlang B: the probability that an arrival finds all `servers` busy in an M/M/c/c system
// (no waiting room) with offered load `offered_load` = lambda / mu. Throws std::invalid_argument
// for servers < 1 or a negative or non-finite load.
[[nodiscard]] double erlang_b(int servers, double offered_load);

// Erlang C: the probability that an arrival waits in an M/M/c queue. Throws
// std::invalid_argument for bad input and std::domain_error unless offered_load < servers.
[[nodiscard]] double erlang_c(int servers, double offered_load);

// M/M/1 with an unbounded queue. Throws std::invalid_argument unless lambda >= 0 and mu > 0 are
// finite, and std::domain_error unless lambda < mu (the queue grows without bound otherwise).
[[nodiscard]] Prediction mm1(double lambda, double mu);

// M/M/c with an unbounded queue. Throws as mm1(), with the stability condition lambda < c * mu.
[[nodiscard]] Prediction mmc(double lambda, double mu, int servers);

// M/M/c/K with K = servers + queue_capacity, from the stationary distribution of the
// birth-death chain. Stable for every lambda. Throws std::invalid_argument for bad input.
[[nodiscard]] Prediction mmck(double lambda, double mu, int servers, std::int64_t queue_capacity);

}  // namespace goflow::app::queueing
