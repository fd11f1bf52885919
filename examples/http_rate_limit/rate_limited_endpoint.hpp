// An HTTP endpoint behind a goflow::TokenBucket: admitted requests get 200, the others get
// 429 Too Many Requests with a Retry-After header: the whole seconds until the bucket contains
// a token again.
//
//     goflow::TokenBucket bucket({.rate = 5, .burst = 10});
//     httplib::Server server;
//     goflow::examples::add_rate_limited_endpoint(server, "/hello", bucket);
//     server.listen("127.0.0.1", 8080);
//
// One bucket limits the endpoint as a whole, across all clients. Retry-After is advice: it is
// computed right after the rejection, so a request from another client may take the token first.
//
// Thread safety: the handler may run on all of the server's threads at once, because
// TokenBucket is thread-safe. The bucket must outlive the server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <httplib.h>

#include "goflow/clock.hpp"
#include "goflow/token_bucket.hpp"

namespace goflow::examples {

// Returns the Retry-After value for a wait: whole seconds rounded up, at least 1, because
// HTTP delay-seconds are integers and 0 would invite an immediate retry. Returns nullopt for
// Duration::max(), which means no token will ever come (a rate of 0).
[[nodiscard]] std::optional<std::int64_t> retry_after_seconds(Duration wait);

// Registers GET `path` on `server`. Each request takes one token from `bucket`; a request that
// finds the bucket empty gets 429 and, unless the bucket never refills, Retry-After.
void add_rate_limited_endpoint(httplib::Server& server, const std::string& path,
                               TokenBucket& bucket);

}  // namespace goflow::examples
