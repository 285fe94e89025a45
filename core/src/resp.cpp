#include <glide/detail/resp.hpp>

#include <charconv>
#include <cmath>
#include <cstring>

namespace glide::detail {
namespace {

bool parse_int(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  // One optional sign: after a '+', from_chars would still take a '-' (":+-1" is malformed).
  if (s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s.front() == '-') return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool parse_double(std::string_view s, double& out) {
  if (s == "inf" || s == "+inf") return out = HUGE_VAL, true;
  if (s == "-inf") return out = -HUGE_VAL, true;
  if (s == "nan" || s == "-nan") return out = std::nan(""), true;
  if (s.empty()) return false;
  if (s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s.front() == '-') return false;  // ",+-1.5" is malformed, as for integers
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool is_known_type(char type) {
  switch (type) {
    case '+': case '-': case ':': case ',': case '#': case '(': case '_': case '$': case '=': case '!':
    case '*': case '~': case '>': case '%': case '|':
      return true;
    default: return false;
  }
}

bool is_big_number(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string unknown_type_message(char type) {
  return std::string("unknown reply type byte 0x") + "0123456789abcdef"[(type >> 4) & 0xf] + "0123456789abcdef"[type & 0xf];
}

ValueKind aggregate_kind(char type) {
  switch (type) {
    case '~': return ValueKind::set;
    case '>': return ValueKind::push;
    default: return ValueKind::array;
  }
}

}  // namespace

void RespParser::reset() {
  stack_.clear();
  done_ = Value();
}

RespParser::Status RespParser::fail(std::string message) {
  error_ = Error(errc::protocol_error, std::move(message));
  reset();
  return Status::error;
}

bool RespParser::deliver(Value&& v) {
  while (!stack_.empty()) {
    Frame& top = stack_.back();
    if (top.aggregate.kind() == ValueKind::map) {
      if (top.remaining % 2 == 0) {
        top.pending_key = std::move(v);
      } else {
        top.aggregate.entries().emplace_back(std::move(top.pending_key), std::move(v));
      }
    } else {
      top.aggregate.items().push_back(std::move(v));
    }
    if (--top.remaining > 0) return false;
    Frame finished = std::move(top);
    stack_.pop_back();
    // An attribute annotates the reply that follows it; this client does not use attributes.
    if (finished.attribute) return false;
    v = std::move(finished.aggregate);
  }
  done_ = std::move(v);
  return true;
}

RespParser::Status RespParser::parse(std::string_view data, std::size_t& consumed) {
  std::size_t pos = 0;
  consumed = 0;
  wanted_ = 0;
  while (true) {
    consumed = pos;
    if (pos >= data.size()) return Status::need_more;
    const char type = data[pos];
    // Judge the type byte before waiting for its line: garbage with no CR after it (e.g. a lone
    // "\r\n") would otherwise wait for more bytes until the line limit instead of failing.
    if (!is_known_type(type)) return fail(unknown_type_message(type));
    const char* begin = data.data() + pos + 1;
    const char* cr = static_cast<const char*>(std::memchr(begin, '\r', data.size() - pos - 1));
    if (cr == nullptr || cr + 1 == data.data() + data.size()) {
      if (data.size() - pos > limits_.max_bulk_length) return fail("reply line longer than the limit");
      return Status::need_more;
    }
    if (cr[1] != '\n') return fail("expected CRLF after a reply line");
    const std::string_view line(begin, static_cast<std::size_t>(cr - begin));
    const std::size_t after_line = static_cast<std::size_t>(cr + 2 - data.data());

    // A reply that is not inside an aggregate is built where take() finds it: each move of a
    // Value is a visit of its variant, a good part of the cost of a small reply.
    const bool top_level = stack_.empty();
    Value& v = top_level ? done_ : element_;
    switch (type) {
      case '+': v = Value::simple_string(std::string(line)); break;
      case '-': v = Value::error(std::string(line)); break;
      case ':': {
        std::int64_t i = 0;
        if (!parse_int(line, i)) return fail("malformed integer reply");
        v = Value::integer(i);
        break;
      }
      case ',': {
        double d = 0;
        if (!parse_double(line, d)) return fail("malformed double reply");
        v = Value::double_number(d);
        break;
      }
      case '#':
        if (line != "t" && line != "f") return fail("malformed boolean reply");
        v = Value::boolean(line == "t");
        break;
      case '(':
        if (!is_big_number(line)) return fail("malformed big number reply");
        v = Value::big_number(std::string(line));
        break;
      case '_':
        if (!line.empty()) return fail("malformed null reply");
        v = Value();
        break;
      case '$':
      case '=':
      case '!': {
        std::int64_t len = 0;
        if (!parse_int(line, len)) return fail("malformed bulk length");
        if (len == -1 && type == '$') {  // RESP2 null bulk string
          v = Value();
          break;
        }
        if (len < 0) return fail("negative bulk length");
        if (static_cast<std::uint64_t>(len) > limits_.max_bulk_length)
          return fail("bulk length " + std::to_string(len) + " above the limit");
        const std::size_t n = static_cast<std::size_t>(len);
        if (data.size() - after_line < n + 2) {
          wanted_ = after_line - pos + n + 2;
          return Status::need_more;
        }
        if (data[after_line + n] != '\r' || data[after_line + n + 1] != '\n')
          return fail("bulk string not terminated by CRLF");
        std::string payload(data.substr(after_line, n));
        pos = after_line + n + 2;
        if (type == '=' && (n < 4 || payload[3] != ':')) return fail("malformed verbatim string");
        v = type == '$' ? Value::bulk_string(std::move(payload))
            : type == '=' ? Value::verbatim_string(std::move(payload))
                          : Value::error(std::move(payload));
        if (top_level || deliver(std::move(v))) {
          consumed = pos;
          return Status::done;
        }
        continue;
      }
      case '*':
      case '~':
      case '>':
      case '%':
      case '|': {
        std::int64_t count = 0;
        if (!parse_int(line, count)) return fail("malformed aggregate length");
        if (count == -1 && type == '*') {  // RESP2 null array
          v = Value();
          break;
        }
        if (count < 0) return fail("negative aggregate length");
        if (static_cast<std::uint64_t>(count) > limits_.max_bulk_length)
          return fail("aggregate length above the limit");
        pos = after_line;
        const bool is_map = type == '%' || type == '|';
        Value agg = is_map ? Value::map({}) : Value::aggregate(aggregate_kind(type), {});
        if (count == 0) {
          if (type == '|') continue;  // an empty attribute annotates nothing
          if (deliver(std::move(agg))) {
            consumed = pos;
            return Status::done;
          }
          continue;
        }
        if (stack_.size() >= limits_.max_depth) return fail("reply nested deeper than the limit");
        // Reserve from what is declared only up to a small bound: a hostile length must not
        // become a huge allocation before its elements arrive.
        const std::size_t reserve = static_cast<std::size_t>(std::min<std::int64_t>(count, 1024));
        if (is_map)
          agg.entries().reserve(reserve);
        else
          agg.items().reserve(reserve);
        const std::size_t elements = static_cast<std::size_t>(count) * (is_map ? 2 : 1);
        stack_.push_back(Frame{std::move(agg), elements, type == '|', Value()});
        continue;
      }
      default: return fail(unknown_type_message(type));
    }
    pos = after_line;
    if (top_level || deliver(std::move(v))) {
      consumed = pos;
      return Status::done;
    }
  }
}

std::vector<std::string_view> command_arguments(std::string_view wire) {
  std::vector<std::string_view> out;
  if (!wire.empty() && wire.front() == '*') wire.remove_prefix(wire.find("\r\n") + 2);
  while (!wire.empty()) {
    // Each argument is "$<len>\r\n<bytes>\r\n", as append_bulk writes it.
    const auto crlf = wire.find("\r\n");
    std::size_t len = 0;
    std::from_chars(wire.data() + 1, wire.data() + crlf, len);
    out.push_back(wire.substr(crlf + 2, len));
    wire.remove_prefix(crlf + 2 + len + 2);
  }
  return out;
}

namespace {
// "<type><count>\r\n" into `buf`; returns its length.
std::size_t format_header(char (&buf)[24], char type, std::size_t count) {
  buf[0] = type;
  auto r = std::to_chars(buf + 1, buf + sizeof buf - 2, count);
  *r.ptr++ = '\r';
  *r.ptr++ = '\n';
  return static_cast<std::size_t>(r.ptr - buf);
}
}  // namespace

void append_header(std::string& out, char type, std::size_t count) {
  char buf[24];
  out.append(buf, format_header(buf, type, count));
}

// Every argument of every command comes here: one resize and three copies, where three appends
// each checked the capacity again.
void append_bulk(std::string& out, std::string_view arg) {
  char head[24];
  const std::size_t head_size = format_header(head, '$', arg.size());
  const std::size_t at = out.size();
  out.resize(at + head_size + arg.size() + 2);
  char* p = out.data() + at;
  std::memcpy(p, head, head_size);
  if (!arg.empty()) std::memcpy(p + head_size, arg.data(), arg.size());
  p += head_size + arg.size();
  p[0] = '\r';
  p[1] = '\n';
}

void encode(const Value& v, std::string& out) {
  auto line = [&](char type, std::string_view text) {
    out.push_back(type);
    out.append(text);
    out.append("\r\n");
  };
  switch (v.kind()) {
    case ValueKind::nil: out.append("_\r\n"); return;
    case ValueKind::simple_string: line('+', v.str()); return;
    case ValueKind::bulk_string: append_bulk(out, v.str()); return;
    case ValueKind::verbatim_string:
      append_header(out, '=', v.str().size());
      out.append(v.str()).append("\r\n");
      return;
    case ValueKind::error:
      // A simple error cannot hold CR or LF (e.g. a blob error's text): those go as "!<len>".
      if (v.str().find_first_of("\r\n") != std::string::npos) {
        append_header(out, '!', v.str().size());
        out.append(v.str()).append("\r\n");
      } else {
        line('-', v.str());
      }
      return;
    case ValueKind::big_number: line('(', v.str()); return;
    case ValueKind::integer: line(':', std::to_string(v.as_int().value())); return;
    case ValueKind::double_number: {
      double d = v.as_double().value();
      if (std::isinf(d))
        line(',', d > 0 ? "inf" : "-inf");
      else if (std::isnan(d))
        line(',', "nan");
      else {
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, d);
        line(',', std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
      }
      return;
    }
    case ValueKind::boolean: line('#', v.as_bool().value() ? "t" : "f"); return;
    case ValueKind::array:
    case ValueKind::set:
    case ValueKind::push:
      append_header(out, v.kind() == ValueKind::set ? '~' : v.kind() == ValueKind::push ? '>' : '*', v.items().size());
      for (const auto& item : v.items()) encode(item, out);
      return;
    case ValueKind::map:
      append_header(out, '%', v.entries().size());
      for (const auto& [key, val] : v.entries()) {
        encode(key, out);
        encode(val, out);
      }
      return;
  }
}

std::string encode(const Value& v) {
  std::string out;
  encode(v, out);
  return out;
}

}  // namespace glide::detail
