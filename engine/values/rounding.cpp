// rounding.cpp — exact rounding of rationals to a money unit.
#include "engine/values/rounding.hpp"

namespace entitle {

std::optional<RoundUnit> round_unit_from_name(std::string_view name) {
  if (name == "fen") return RoundUnit::Fen;
  if (name == "jiao") return RoundUnit::Jiao;
  if (name == "yuan") return RoundUnit::Yuan;
  return std::nullopt;
}

std::optional<RoundMode> round_mode_from_name(std::string_view name) {
  if (name == "half_up") return RoundMode::HalfUp;
  if (name == "down") return RoundMode::Down;
  if (name == "up") return RoundMode::Up;
  return std::nullopt;
}

const char* round_unit_name(RoundUnit u) {
  switch (u) {
    case RoundUnit::Fen: return "fen";
    case RoundUnit::Jiao: return "jiao";
    case RoundUnit::Yuan: return "yuan";
  }
  return "?";
}

const char* round_mode_name(RoundMode m) {
  switch (m) {
    case RoundMode::HalfUp: return "half_up";
    case RoundMode::Down: return "down";
    case RoundMode::Up: return "up";
  }
  return "?";
}

Rational round_to(const Rational& value, RoundUnit unit, RoundMode mode) {
  const std::int64_t per_yuan = unit == RoundUnit::Fen ? 100 : (unit == RoundUnit::Jiao ? 10 : 1);
  // Work on |value| in units, then restore the sign: every mode is symmetric around zero.
  const Rational scaled = value * Rational(per_yuan);
  const bool negative = scaled.sign() < 0;
  const __int128 n = negative ? -__int128(scaled.num()) : __int128(scaled.num());
  const __int128 d = scaled.den();
  __int128 whole = n / d;
  const __int128 rem = n % d;
  switch (mode) {
    case RoundMode::HalfUp:
      if (rem * 2 >= d && rem != 0) ++whole;
      break;
    case RoundMode::Down:
      break;
    case RoundMode::Up:
      if (rem != 0) ++whole;
      break;
  }
  const auto units = static_cast<std::int64_t>(negative ? -whole : whole);
  return Rational::fraction(units, per_yuan);
}

}  // namespace entitle
