#include "rate_limited_endpoint.hpp"

#include <chrono>
#include <string>

namespace goflow::examples {

std::optional<std::int64_t> retry_after_seconds(Duration wait) {
    if (wait == Duration::max()) {
        return std::nullopt;
    }
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
    return seconds < 1 ? 1 : seconds;
}

void add_rate_limited_endpoint(httplib::Server& server, const std::string& path,
                               TokenBucket& bucket) {
    server.Get(path, [&bucket](const httplib::Request&, httplib::Response& response) {
        if (bucket.allow()) {
            response.status = 200;
            response.set_content("hello\n", "text/plain");
            return;
        }
        response.status = 429;
        const auto retry_after = retry_after_seconds(bucket.time_until(1));
        if (retry_after) {
            response.set_header("Retry-After", std::to_string(*retry_after));
            response.set_content(
                "rate limit exceeded; retry after " + std::to_string(*retry_after) + " s\n",
                "text/plain");
        } else {
            response.set_content("rate limit exceeded; this endpoint admits no more requests\n",
                                 "text/plain");
        }
    });
}

}  // namespace goflow::examples
