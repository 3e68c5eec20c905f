// rounding.hpp — the named roundings a rule may ask for: to fen, jiao or yuan; half-up, down or up.
#pragma once
#include <optional>
#include <string_view>

#include "engine/values/rational.hpp"

namespace entitle {

/// The unit a value is rounded to.
enum class RoundUnit { Fen, Jiao, Yuan };
/// The direction: half_up (四舍五入, away from zero at .5), down (toward zero, 舍去), up (away from zero, 进位).
enum class RoundMode { HalfUp, Down, Up };

std::optional<RoundUnit> round_unit_from_name(std::string_view name);
std::optional<RoundMode> round_mode_from_name(std::string_view name);
const char* round_unit_name(RoundUnit u);
const char* round_mode_name(RoundMode m);

/// Rounds exactly; the result is a multiple of the unit (0.01, 0.1 or 1 yuan).
Rational round_to(const Rational& value, RoundUnit unit, RoundMode mode);

}  // namespace entitle
