// Helpers for reading scenario JSON: errors with positions, and a reader for one object that
// rejects unknown members with the nearest valid name. Private to goflow::sim.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "goflow/sim/json.hpp"

namespace goflow::sim::detail {

using json::Location;
using json::Value;

class InvalidScenario : public std::runtime_error {
  public:
    InvalidScenario(Location at, const std::string& problem)
        : std::runtime_error("line " + std::to_string(at.line) + ", column " +
                             std::to_string(at.column) + ": " + problem) {}
};

inline std::string format_number(double value) {
    std::ostringstream out;
    out << std::setprecision(12) << value;
    return out.str();
}

inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// Reads the members of one JSON object. Members outside `allowed` are rejected by name, with the
// closest valid name as a hint; range errors name the field's full path and the value.
class ObjectReader {
  public:
    ObjectReader(const Value& value, std::string path, std::vector<std::string_view> allowed)
        : value_(value), path_(std::move(path)), allowed_(std::move(allowed)) {
        if (!value.is_object()) {
            throw InvalidScenario(value.location(),
                                  display_path() + " must be an object, got " + value.type_name());
        }
        reject_unknown();
    }

    std::string field(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }

    const Value* find(std::string_view key) const { return value_.find(key); }

    const Value& require(std::string_view key) const {
        const Value* v = find(key);
        if (v == nullptr) {
            throw InvalidScenario(value_.location(), "missing required field " + field(key));
        }
        return *v;
    }

    double number(std::string_view key) const { return as_number(require(key), field(key)); }

    std::optional<double> optional_number(std::string_view key) const {
        const Value* v = find(key);
        return v ? std::optional(as_number(*v, field(key))) : std::nullopt;
    }

    std::string string(std::string_view key, std::string fallback) const {
        const Value* v = find(key);
        if (v == nullptr) {
            return fallback;
        }
        if (!v->is_string()) {
            throw InvalidScenario(v->location(),
                                  field(key) + " must be a string, got " + v->type_name());
        }
        return v->as_string();
    }

    static double as_number(const Value& v, const std::string& field) {
        if (!v.is_number()) {
            throw InvalidScenario(v.location(), field + " must be a number, got " + v.type_name());
        }
        return v.as_number();
    }

    // Throws unless lo <= value <= hi, naming the field and the value.
    void check_range(std::string_view key, double value, double lo, double hi,
                     const std::string& rule) const {
        if (!(value >= lo && value <= hi)) {
            throw InvalidScenario(require(key).location(), field(key) + " must be " + rule +
                                                               ", got " + format_number(value));
        }
    }

    void check_integer(std::string_view key, double value) const {
        if (value != std::floor(value)) {
            throw InvalidScenario(
                require(key).location(),
                field(key) + " must be a whole number, got " + format_number(value));
        }
    }

    // Returns the required number `key`, checked to lie in [lo, hi].
    double number_in(std::string_view key, double lo, double hi, const std::string& rule) const {
        const double value = number(key);
        check_range(key, value, lo, hi, rule);
        return value;
    }

    // Returns the number `key` checked to lie in [lo, hi], or nullopt when absent.
    std::optional<double> optional_number_in(std::string_view key, double lo, double hi,
                                             const std::string& rule) const {
        if (find(key) == nullptr) {
            return std::nullopt;
        }
        return number_in(key, lo, hi, rule);
    }

    // Returns the whole number `key` checked to lie in [lo, hi], or `fallback` when absent.
    std::int64_t whole_in(std::string_view key, double lo, double hi, const std::string& rule,
                          std::optional<std::int64_t> fallback = std::nullopt) const {
        if (find(key) == nullptr && fallback) {
            return *fallback;
        }
        const double value = number_in(key, lo, hi, rule);
        check_integer(key, value);
        return static_cast<std::int64_t>(value);
    }

    const Value& object() const { return value_; }

  private:
    std::string display_path() const { return path_.empty() ? "the scenario" : path_; }

    void reject_unknown() const {
        for (const auto& [key, member] : value_.as_object()) {
            if (std::find(allowed_.begin(), allowed_.end(), key) != allowed_.end()) {
                continue;
            }
            std::string message = "unknown field " + field(key);
            std::string_view nearest;
            std::size_t best = std::numeric_limits<std::size_t>::max();
            for (std::string_view candidate : allowed_) {
                const std::size_t d = edit_distance(key, candidate);
                if (d < best) {
                    best = d;
                    nearest = candidate;
                }
            }
            if (!nearest.empty() && best <= std::max<std::size_t>(2, key.size() / 3)) {
                message += "; did you mean " + field(nearest) + "?";
            } else {
                message += "; valid fields are";
                for (std::string_view candidate : allowed_) {
                    message += " " + std::string(candidate);
                }
            }
            throw InvalidScenario(member.location(), message);
        }
    }

    const Value& value_;
    std::string path_;
    std::vector<std::string_view> allowed_;
};

}  // namespace goflow::sim::detail
