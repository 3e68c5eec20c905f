// calendar_test.cpp — dates, months, ages (including 29 February) and months between.
#include <gtest/gtest.h>

#include "engine/values/calendar.hpp"

using namespace entitle;

static Date d(const char* s) { return *Date::parse(s); }

TEST(Calendar, ParsesOnlyRealDates) {
  EXPECT_TRUE(Date::parse("2024-02-29"));
  EXPECT_FALSE(Date::parse("2021-02-29"));
  EXPECT_FALSE(Date::parse("2021-13-01"));
  EXPECT_FALSE(Date::parse("2021-1-01"));
  EXPECT_FALSE(Date::parse("20210101"));
  EXPECT_EQ(d("2021-03-09").to_string(), "2021-03-09");
  EXPECT_EQ(Month::parse("2021-03")->to_string(), "2021-03");
  EXPECT_FALSE(Month::parse("2021-00"));
}

TEST(Calendar, AgeInFullYears) {
  EXPECT_EQ(age_in_years(d("1961-03-15"), d("2021-03-14")), 59);
  EXPECT_EQ(age_in_years(d("1961-03-15"), d("2021-03-15")), 60);
  EXPECT_EQ(age_in_years(d("2004-02-29"), d("2022-02-28")), 17);
  EXPECT_EQ(age_in_years(d("2004-02-29"), d("2022-03-01")), 18);
}

TEST(Calendar, MonthBoundaries) {
  Month feb = *Month::parse("2024-02");
  EXPECT_EQ(feb.first_day().to_string(), "2024-02-01");
  EXPECT_EQ(feb.last_day().to_string(), "2024-02-29");
  EXPECT_EQ(Month::of(d("2021-12-31")).to_string(), "2021-12");
}

TEST(Calendar, MonthsBetweenAndAddMonths) {
  EXPECT_EQ(months_between(d("2021-01-31"), d("2021-02-28")), 0);
  EXPECT_EQ(months_between(d("2021-01-15"), d("2021-07-15")), 6);
  EXPECT_EQ(months_between(d("2021-07-15"), d("2021-01-16")), -5);
  EXPECT_EQ(add_months(d("2021-01-31"), 1).to_string(), "2021-02-28");
  EXPECT_EQ(add_months(d("2021-11-30"), 3).to_string(), "2022-02-28");
}

TEST(Calendar, IntegerConversionAgreesWithBoostOverFourCenturies) {
  // Every day from 1800-01-01 to 2199-12-31 round-trips y/m/d → day number → y/m/d.
  for (int y = 1800; y < 2200; ++y)
    for (int m = 1; m <= 12; ++m)
      for (int d = 1; d <= 31; ++d) {
        auto date = Date::from_ymd(y, m, d);
        if (!date) continue;
        ASSERT_EQ(date->year(), y);
        ASSERT_EQ(date->month(), m);
        ASSERT_EQ(date->day_of_month(), d);
      }
}
