#include "goflow/sim/json.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace goflow::sim::json {
namespace {

constexpr int kMaxDepth = 256;

class Parser {
  public:
    explicit Parser(std::string_view text) : text_(text) {}

    Value parse_document() {
        skip_space();
        Value root = parse_value(0);
        skip_space();
        if (pos_ != text_.size()) {
            fail("unexpected text after the JSON document");
        }
        return root;
    }

  private:
    [[noreturn]] void fail(const std::string& problem) const { throw ParseError(here(), problem); }

    Location here() const { return location_of(pos_); }

    // Locations are asked for in increasing order while parsing, so counting resumes from the
    // previous answer and parsing stays linear in the input size.
    Location location_of(std::size_t offset) const {
        if (offset < cached_offset_) {
            cached_offset_ = 0;
            cached_location_ = Location{};
        }
        for (; cached_offset_ < offset && cached_offset_ < text_.size(); ++cached_offset_) {
            if (text_[cached_offset_] == '\n') {
                ++cached_location_.line;
                cached_location_.column = 1;
            } else {
                ++cached_location_.column;
            }
        }
        return cached_location_;
    }

    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return at_end() ? '\0' : text_[pos_]; }

    void skip_space() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
            ++pos_;
        }
    }

    void expect(char c, const char* what) {
        if (peek() != c) {
            fail(std::string("expected ") + what + describe_found());
        }
        ++pos_;
    }

    std::string describe_found() const {
        if (at_end()) {
            return ", found end of input";
        }
        return std::string(", found '") + peek() + "'";
    }

    Value parse_value(int depth) {
        if (depth > kMaxDepth) {
            fail("nesting deeper than 256 levels");
        }
        const Location at = here();
        switch (peek()) {
            case '{':
                return Value(parse_object(depth), at);
            case '[':
                return Value(parse_array(depth), at);
            case '"':
                return Value(parse_string(), at);
            case 't':
                parse_literal("true");
                return Value(true, at);
            case 'f':
                parse_literal("false");
                return Value(false, at);
            case 'n':
                parse_literal("null");
                return Value(nullptr, at);
            default:
                break;
        }
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
            return Value(parse_number(), at);
        }
        fail("expected a value" + describe_found());
    }

    void parse_literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) {
            fail("invalid literal; expected '" + std::string(word) + "'");
        }
        pos_ += word.size();
    }

    Object parse_object(int depth) {
        expect('{', "'{'");
        Object members;
        skip_space();
        if (peek() == '}') {
            ++pos_;
            return members;
        }
        while (true) {
            skip_space();
            if (peek() != '"') {
                fail("expected a member name in double quotes" + describe_found());
            }
            const Location key_at = here();
            std::string key = parse_string();
            for (const auto& member : members) {
                if (member.first == key) {
                    throw ParseError(key_at, "duplicate member '" + key + "'");
                }
            }
            skip_space();
            expect(':', "':' after the member name");
            skip_space();
            members.emplace_back(std::move(key), parse_value(depth + 1));
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            expect('}', "',' or '}'");
            return members;
        }
    }

    Array parse_array(int depth) {
        expect('[', "'['");
        Array items;
        skip_space();
        if (peek() == ']') {
            ++pos_;
            return items;
        }
        while (true) {
            skip_space();
            items.push_back(parse_value(depth + 1));
            skip_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            expect(']', "',' or ']'");
            return items;
        }
    }

    std::string parse_string() {
        expect('"', "'\"'");
        std::string out;
        while (true) {
            if (at_end()) {
                fail("unterminated string");
            }
            const char c = text_[pos_];
            if (static_cast<unsigned char>(c) < 0x20) {
                fail("control character in string; escape it");
            }
            ++pos_;
            if (c == '"') {
                return out;
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            parse_escape(out);
        }
    }

    void parse_escape(std::string& out) {
        if (at_end()) {
            fail("unterminated escape sequence");
        }
        const char e = text_[pos_++];
        switch (e) {
            case '"':
                out += '"';
                return;
            case '\\':
                out += '\\';
                return;
            case '/':
                out += '/';
                return;
            case 'b':
                out += '\b';
                return;
            case 'f':
                out += '\f';
                return;
            case 'n':
                out += '\n';
                return;
            case 'r':
                out += '\r';
                return;
            case 't':
                out += '\t';
                return;
            case 'u':
                append_utf8(out, parse_code_point());
                return;
            default:
                --pos_;
                fail(std::string("invalid escape '\\") + e + "'");
        }
    }

    unsigned parse_hex4() {
        if (pos_ + 4 > text_.size()) {
            fail("truncated \\u escape");
        }
        unsigned value = 0;
        const auto [end, ec] =
            std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, value, 16);
        if (ec != std::errc() || end != text_.data() + pos_ + 4) {
            fail("invalid \\u escape; expected four hex digits");
        }
        pos_ += 4;
        return value;
    }

    unsigned parse_code_point() {
        const unsigned first = parse_hex4();
        if (first < 0xD800 || first > 0xDFFF) {
            return first;
        }
        if (first > 0xDBFF || text_.substr(pos_, 2) != "\\u") {
            fail("unpaired UTF-16 surrogate in \\u escape");
        }
        pos_ += 2;
        const unsigned second = parse_hex4();
        if (second < 0xDC00 || second > 0xDFFF) {
            fail("unpaired UTF-16 surrogate in \\u escape");
        }
        return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
    }

    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    // Validates the RFC 8259 number grammar, then converts with strtod.
    double parse_number() {
        const std::size_t start = pos_;
        if (peek() == '-') {
            ++pos_;
        }
        if (peek() == '0') {
            ++pos_;
        } else if (peek() >= '1' && peek() <= '9') {
            skip_digits();
        } else {
            fail("invalid number: expected a digit");
        }
        if (peek() == '.') {
            ++pos_;
            if (!(peek() >= '0' && peek() <= '9')) {
                fail("invalid number: expected a digit after '.'");
            }
            skip_digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') {
                ++pos_;
            }
            if (!(peek() >= '0' && peek() <= '9')) {
                fail("invalid number: expected a digit in the exponent");
            }
            skip_digits();
        }
        const std::string literal(text_.substr(start, pos_ - start));
        errno = 0;
        const double value = std::strtod(literal.c_str(), nullptr);
        if (errno == ERANGE && std::isinf(value)) {
            throw ParseError(location_of(start), "number out of range: " + literal);
        }
        return value;
    }

    void skip_digits() {
        while (peek() >= '0' && peek() <= '9') {
            ++pos_;
        }
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    mutable std::size_t cached_offset_ = 0;
    mutable Location cached_location_;
};

}  // namespace

ParseError::ParseError(Location at, const std::string& problem)
    : std::runtime_error("line " + std::to_string(at.line) + ", column " +
                         std::to_string(at.column) + ": " + problem),
      location_(at) {}

const Value* Value::find(std::string_view key) const {
    if (!is_object()) {
        return nullptr;
    }
    for (const auto& [name, value] : as_object()) {
        if (name == key) {
            return &value;
        }
    }
    return nullptr;
}

const char* Value::type_name() const {
    static constexpr const char* kNames[] = {"null",   "boolean", "number",
                                             "string", "array",   "object"};
    return kNames[data_.index()];
}

Value parse(std::string_view text) {
    return Parser(text).parse_document();
}

}  // namespace goflow::sim::json
