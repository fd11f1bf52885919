// A small JSON reader for scenario files: values, and parse errors with line and column.
//
// goflow::sim stays free of third-party dependencies, so it carries this reader instead of a
// JSON library. It accepts RFC 8259 JSON; objects keep their members in file order and remember
// where each value started, so that validation errors can point at the line and column of the
// offending value.
//
// Thread safety: values are immutable after parsing and may be read from any thread.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace goflow::sim::json {

// 1-based line and column of a character in the parsed text.
struct Location {
    int line = 1;
    int column = 1;
};

class Value;
using Array = std::vector<Value>;
// Members in the order the file lists them.
using Object = std::vector<std::pair<std::string, Value>>;

class Value {
  public:
    Value() = default;  // null
    Value(std::nullptr_t, Location at) : location_(at) {}
    Value(bool b, Location at) : data_(b), location_(at) {}
    Value(double n, Location at) : data_(n), location_(at) {}
    Value(std::string s, Location at) : data_(std::move(s)), location_(at) {}
    Value(Array a, Location at) : data_(std::make_shared<Array>(std::move(a))), location_(at) {}
    Value(Object o, Location at) : data_(std::make_shared<Object>(std::move(o))), location_(at) {}

    [[nodiscard]] bool is_null() const { return data_.index() == 0; }
    [[nodiscard]] bool is_bool() const { return data_.index() == 1; }
    [[nodiscard]] bool is_number() const { return data_.index() == 2; }
    [[nodiscard]] bool is_string() const { return data_.index() == 3; }
    [[nodiscard]] bool is_array() const { return data_.index() == 4; }
    [[nodiscard]] bool is_object() const { return data_.index() == 5; }

    // Preconditions: the matching is_*() holds.
    [[nodiscard]] bool as_bool() const { return std::get<1>(data_); }
    [[nodiscard]] double as_number() const { return std::get<2>(data_); }
    [[nodiscard]] const std::string& as_string() const { return std::get<3>(data_); }
    [[nodiscard]] const Array& as_array() const { return *std::get<4>(data_); }
    [[nodiscard]] const Object& as_object() const { return *std::get<5>(data_); }

    // Returns the member named `key`, or null when absent or when this is not an object.
    [[nodiscard]] const Value* find(std::string_view key) const;

    // Returns "null", "boolean", "number", "string", "array" or "object".
    [[nodiscard]] const char* type_name() const;

    [[nodiscard]] Location location() const { return location_; }

  private:
    std::variant<std::monostate, bool, double, std::string, std::shared_ptr<const Array>,
                 std::shared_ptr<const Object>>
        data_;
    Location location_;
};

// Thrown by parse(); what() reads "line L, column C: <problem>".
class ParseError : public std::runtime_error {
  public:
    ParseError(Location at, const std::string& problem);
    [[nodiscard]] Location location() const { return location_; }

  private:
    Location location_;
};

// Parses one JSON document. Throws ParseError on malformed input, on nesting deeper than 256
// levels, and on duplicate object keys.
[[nodiscard]] Value parse(std::string_view text);

}  // namespace goflow::sim::json
