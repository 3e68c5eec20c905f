// rational.hpp — exact rational numbers: the one representation of integers, decimals, rates and money.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace entitle {

/// Raised when an exact computation would not fit in 64-bit numerator/denominator.
struct ArithmeticOverflow : std::runtime_error { using std::runtime_error::runtime_error; };
/// Raised on division by zero.
struct DivisionByZero : std::runtime_error { using std::runtime_error::runtime_error; };

/// An exact fraction num/den, always normalised (den > 0, gcd(num, den) = 1).
/// 9200/year over 3 persons a month is 2300/9, not 255.56: rounding happens only where a rule says so.
class Rational {
public:
  constexpr Rational() = default;
  constexpr Rational(std::int64_t whole) : num_(whole) {}  // NOLINT: integers are rationals
  static Rational fraction(std::int64_t num, std::int64_t den);
  /// Parses "12", "-3.75", "0.5"; nullopt when the text is not a plain decimal.
  static std::optional<Rational> parse_decimal(std::string_view text);

  std::int64_t num() const { return num_; }
  std::int64_t den() const { return den_; }
  bool is_integer() const { return den_ == 1; }
  int sign() const { return num_ > 0 ? 1 : (num_ < 0 ? -1 : 0); }

  Rational operator+(const Rational& o) const;
  Rational operator-(const Rational& o) const;
  Rational operator*(const Rational& o) const;
  Rational operator/(const Rational& o) const;
  Rational operator-() const;

  int compare(const Rational& o) const;
  bool operator==(const Rational& o) const { return num_ == o.num_ && den_ == o.den_; }
  bool operator!=(const Rational& o) const { return !(*this == o); }
  bool operator<(const Rational& o) const { return compare(o) < 0; }
  bool operator<=(const Rational& o) const { return compare(o) <= 0; }
  bool operator>(const Rational& o) const { return compare(o) > 0; }
  bool operator>=(const Rational& o) const { return compare(o) >= 0; }

  /// True when the value has at most `places` decimals (e.g. 2 for a whole number of fen).
  bool has_at_most_decimals(int places) const;
  /// Exact decimal text when the value terminates within `max_places`, e.g. "630", "255.5";
  /// otherwise the first `max_places` decimals followed by "…".
  std::string to_string(int max_places = 6) const;
  /// Fixed text with exactly `places` decimals; requires has_at_most_decimals(places).
  std::string to_fixed(int places) const;

private:
  static Rational make(__int128 num, __int128 den);
  std::int64_t num_ = 0;
  std::int64_t den_ = 1;
};

}  // namespace entitle
