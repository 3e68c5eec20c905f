// rational_test.cpp — exact arithmetic: parsing, normalisation, operations, overflow, printing.
#include <gtest/gtest.h>

#include "engine/values/rational.hpp"

using entitle::Rational;

TEST(Rational, ParsesDecimalsExactly) {
  EXPECT_EQ(*Rational::parse_decimal("1.3"), Rational::fraction(13, 10));
  EXPECT_EQ(*Rational::parse_decimal("-37.50"), Rational::fraction(-75, 2));
  EXPECT_EQ(*Rational::parse_decimal("0"), Rational(0));
  EXPECT_FALSE(Rational::parse_decimal("1e3"));
  EXPECT_FALSE(Rational::parse_decimal("12."));
  EXPECT_FALSE(Rational::parse_decimal("1.2.3"));
  EXPECT_FALSE(Rational::parse_decimal(""));
  EXPECT_FALSE(Rational::parse_decimal("abc"));
}

TEST(Rational, KeepsThirdsExact) {
  Rational per_month = Rational(9200) / Rational(12) / Rational(3);
  EXPECT_EQ(per_month, Rational::fraction(2300, 9));
  EXPECT_EQ(per_month * Rational(9), Rational(2300));
  EXPECT_FALSE(per_month.has_at_most_decimals(2));
  EXPECT_EQ(per_month.to_string(4), "255.5555…");
}

TEST(Rational, ArithmeticAndComparison) {
  Rational a = Rational::fraction(1, 3), b = Rational::fraction(1, 6);
  EXPECT_EQ(a + b, Rational::fraction(1, 2));
  EXPECT_EQ(a - b, Rational::fraction(1, 6));
  EXPECT_EQ(a * b, Rational::fraction(1, 18));
  EXPECT_EQ(a / b, Rational(2));
  EXPECT_LT(b, a);
  EXPECT_EQ(-a, Rational::fraction(-1, 3));
  EXPECT_EQ(Rational::fraction(2, -4), Rational::fraction(-1, 2));
}

TEST(Rational, DivisionByZeroAndOverflowAreReported) {
  EXPECT_THROW(Rational(1) / Rational(0), entitle::DivisionByZero);
  Rational big(INT64_MAX / 2);
  EXPECT_THROW(big * Rational(4), entitle::ArithmeticOverflow);
}

TEST(Rational, FixedPrinting) {
  EXPECT_EQ(Rational(760).to_fixed(2), "760.00");
  EXPECT_EQ(Rational::fraction(1, 100).to_fixed(2), "0.01");
  EXPECT_EQ(Rational::fraction(-5, 2).to_fixed(2), "-2.50");
  EXPECT_EQ(Rational::fraction(1, 8).to_string(), "0.125");
}
