// calendar.hpp — dates and months as plain integers, with the calendar questions rules ask (age, months between, first/last day).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace entitle {

/// A calendar day, stored as its day number (Boost.Date_Time's Julian day count) so comparisons are integer compares.
struct Date {
  std::int32_t day = 0;
  static std::optional<Date> from_ymd(int year, int month, int day);
  /// Strict "YYYY-MM-DD"; nullopt for anything else, including 2021-02-30.
  static std::optional<Date> parse(std::string_view text);
  int year() const;
  int month() const;
  int day_of_month() const;
  std::string to_string() const;
  bool operator==(Date o) const { return day == o.day; }
  bool operator<(Date o) const { return day < o.day; }
};

/// A calendar month, stored as year * 12 + (month - 1).
struct Month {
  std::int32_t index = 0;
  static Month from_ym(int year, int month) { return Month{year * 12 + (month - 1)}; }
  /// Strict "YYYY-MM".
  static std::optional<Month> parse(std::string_view text);
  static Month of(Date d) { return from_ym(d.year(), d.month()); }
  int year() const { return index / 12; }
  int month() const { return index % 12 + 1; }
  Date first_day() const;
  Date last_day() const;
  std::string to_string() const;
  bool operator==(Month o) const { return index == o.index; }
  bool operator<(Month o) const { return index < o.index; }
};

/// Age in full years on `at` (a person born on 29 Feb turns a year older on 1 Mar in common years).
int age_in_years(Date birth, Date at);
/// Whole calendar months from `from` to `to` (negative when `to` is earlier): 2021-01-31 → 2021-02-28 is 0.
int months_between(Date from, Date to);
/// Adds months, clamping the day to the month's end (2021-01-31 + 1 month = 2021-02-28).
Date add_months(Date d, int months);

}  // namespace entitle
