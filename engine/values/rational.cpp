// rational.cpp — exact arithmetic with overflow detection through 128-bit intermediates.
#include "engine/values/rational.hpp"

#include <limits>

namespace entitle {
namespace {

__int128 gcd128(__int128 a, __int128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    __int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

bool fits64(__int128 v) {
  return v >= std::numeric_limits<std::int64_t>::min() && v <= std::numeric_limits<std::int64_t>::max();
}

std::string digits(__int128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.insert(s.begin(), char('0' + int(v % 10)));
    v /= 10;
  }
  return s;
}

}  // namespace

Rational Rational::make(__int128 num, __int128 den) {
  if (den == 0) throw DivisionByZero("division by zero");
  // Fast path: both fit in 64 bits (nearly always), so the gcd needs no 128-bit library division.
  if (fits64(num) && den > 0 && fits64(den) && num != std::numeric_limits<std::int64_t>::min()) {
    std::int64_t n = static_cast<std::int64_t>(num), d = static_cast<std::int64_t>(den);
    if (d == 1) {
      Rational r;
      r.num_ = n;
      return r;
    }
    std::uint64_t a = n < 0 ? std::uint64_t(-n) : std::uint64_t(n), b = std::uint64_t(d);
    while (b != 0) {
      std::uint64_t t = a % b;
      a = b;
      b = t;
    }
    Rational r;
    r.num_ = a > 1 ? n / std::int64_t(a) : n;
    r.den_ = a > 1 ? d / std::int64_t(a) : d;
    return r;
  }
  if (den < 0) {
    num = -num;
    den = -den;
  }
  __int128 g = gcd128(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  if (!fits64(num) || !fits64(den)) throw ArithmeticOverflow("number too large for exact arithmetic");
  Rational r;
  r.num_ = static_cast<std::int64_t>(num);
  r.den_ = static_cast<std::int64_t>(den);
  return r;
}

Rational Rational::fraction(std::int64_t num, std::int64_t den) { return make(num, den); }

std::optional<Rational> Rational::parse_decimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  __int128 num = 0, den = 1;
  bool any_digit = false, seen_point = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (seen_point) return std::nullopt;
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    any_digit = true;
    num = num * 10 + (c - '0');
    if (seen_point) den *= 10;
    if (num > (__int128(1) << 100) || den > (__int128(1) << 100)) return std::nullopt;
  }
  if (!any_digit || (seen_point && text.back() == '.')) return std::nullopt;
  try {
    return make(negative ? -num : num, den);
  } catch (const ArithmeticOverflow&) {
    return std::nullopt;
  }
}

Rational Rational::operator+(const Rational& o) const {
  if (den_ == 1 && o.den_ == 1) {
    Rational r;
    if (__builtin_add_overflow(num_, o.num_, &r.num_)) throw ArithmeticOverflow("number too large for exact arithmetic");
    return r;
  }
  if (den_ == o.den_) return make(__int128(num_) + o.num_, den_);
  return make(__int128(num_) * o.den_ + __int128(o.num_) * den_, __int128(den_) * o.den_);
}
Rational Rational::operator-(const Rational& o) const { return *this + (-o); }
Rational Rational::operator*(const Rational& o) const {
  if (den_ == 1 && o.den_ == 1) {
    Rational r;
    if (__builtin_mul_overflow(num_, o.num_, &r.num_)) throw ArithmeticOverflow("number too large for exact arithmetic");
    return r;
  }
  return make(__int128(num_) * o.num_, __int128(den_) * o.den_);
}
Rational Rational::operator/(const Rational& o) const {
  if (o.num_ == 0) throw DivisionByZero("division by zero");
  return make(__int128(num_) * o.den_, __int128(den_) * o.num_);
}
Rational Rational::operator-() const { return make(-__int128(num_), den_); }

int Rational::compare(const Rational& o) const {
  if (den_ == o.den_) return num_ < o.num_ ? -1 : (num_ > o.num_ ? 1 : 0);
  __int128 l = __int128(num_) * o.den_, r = __int128(o.num_) * den_;
  return l < r ? -1 : (l > r ? 1 : 0);
}

bool Rational::has_at_most_decimals(int places) const {
  __int128 p = 1;
  for (int i = 0; i < places; ++i) p *= 10;
  return p % den_ == 0;
}

std::string Rational::to_string(int max_places) const {
  __int128 n = num_;
  std::string out;
  if (n < 0) {
    out = "-";
    n = -n;
  }
  out += digits(n / den_);
  __int128 rem = n % den_;
  if (rem == 0) return out;
  out += '.';
  for (int i = 0; i < max_places && rem != 0; ++i) {
    rem *= 10;
    out += char('0' + int(rem / den_));
    rem %= den_;
  }
  if (rem != 0) out += "…";
  return out;
}

std::string Rational::to_fixed(int places) const {
  __int128 n = num_;
  std::string out;
  if (n < 0) {
    out = "-";
    n = -n;
  }
  out += digits(n / den_);
  if (places == 0) return out;
  out += '.';
  __int128 rem = n % den_;
  for (int i = 0; i < places; ++i) {
    rem *= 10;
    out += char('0' + int(rem / den_));
    rem %= den_;
  }
  return out;
}

}  // namespace entitle
