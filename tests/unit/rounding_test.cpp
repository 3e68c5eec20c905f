// rounding_test.cpp — every named rounding on positive, negative, exact-half and already-round values.
#include <gtest/gtest.h>

#include "engine/values/rounding.hpp"

using namespace entitle;

static Rational r(const char* s) { return *Rational::parse_decimal(s); }

TEST(Rounding, HalfUpToFen) {
  EXPECT_EQ(round_to(Rational::fraction(2300, 9), RoundUnit::Fen, RoundMode::HalfUp), r("255.56"));
  EXPECT_EQ(round_to(r("0.005"), RoundUnit::Fen, RoundMode::HalfUp), r("0.01"));
  EXPECT_EQ(round_to(r("0.0049"), RoundUnit::Fen, RoundMode::HalfUp), r("0"));
  EXPECT_EQ(round_to(r("-0.005"), RoundUnit::Fen, RoundMode::HalfUp), r("-0.01"));
}

TEST(Rounding, DownAndUpToFen) {
  EXPECT_EQ(round_to(Rational::fraction(2300, 9), RoundUnit::Fen, RoundMode::Down), r("255.55"));
  EXPECT_EQ(round_to(r("255.551"), RoundUnit::Fen, RoundMode::Up), r("255.56"));
  EXPECT_EQ(round_to(r("255.55"), RoundUnit::Fen, RoundMode::Up), r("255.55"));
  EXPECT_EQ(round_to(r("-1.239"), RoundUnit::Fen, RoundMode::Down), r("-1.23"));
}

TEST(Rounding, JiaoAndYuan) {
  EXPECT_EQ(round_to(r("12.35"), RoundUnit::Jiao, RoundMode::HalfUp), r("12.4"));
  EXPECT_EQ(round_to(r("12.34"), RoundUnit::Jiao, RoundMode::HalfUp), r("12.3"));
  EXPECT_EQ(round_to(r("12.5"), RoundUnit::Yuan, RoundMode::HalfUp), r("13"));
  EXPECT_EQ(round_to(r("12.01"), RoundUnit::Yuan, RoundMode::Up), r("13"));
  EXPECT_EQ(round_to(r("12.99"), RoundUnit::Yuan, RoundMode::Down), r("12"));
}

TEST(Rounding, NamesRoundTrip) {
  for (const char* n : {"fen", "jiao", "yuan"}) EXPECT_STREQ(round_unit_name(*round_unit_from_name(n)), n);
  for (const char* n : {"half_up", "down", "up"}) EXPECT_STREQ(round_mode_name(*round_mode_from_name(n)), n);
  EXPECT_FALSE(round_unit_from_name("cent"));
  EXPECT_FALSE(round_mode_from_name("bankers"));
}
