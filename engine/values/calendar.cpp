// calendar.cpp — calendar arithmetic on top of Boost.Date_Time's gregorian calendar.
#include "engine/values/calendar.hpp"

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <algorithm>

namespace entitle {
namespace {

namespace greg = boost::gregorian;

struct Ymd {
  int y, m, d;
  int year() const { return y; }
  int month() const { return m; }
  int day() const { return d; }
};

/// Julian day number → proleptic Gregorian y/m/d, in integer arithmetic (the algorithm of the Explanatory
/// Supplement to the Astronomical Almanac); agrees with Boost's gregorian_calendar, which the tests check.
Ymd to_greg(Date d) {
  int a = d.day + 32044;
  int b = (4 * a + 3) / 146097;
  int c = a - 146097 * b / 4;
  int e = (4 * c + 3) / 1461;
  int f = c - 1461 * e / 4;
  int m = (5 * f + 2) / 153;
  return Ymd{100 * b + e - 4800 + m / 10, m + 3 - 12 * (m / 10), f - (153 * m + 2) / 5 + 1};
}

void put_digits(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = char('0' + value % 10);
    value /= 10;
  }
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<Date> Date::from_ymd(int year, int month, int day) {
  if (year < 1400 || year > 9999 || month < 1 || month > 12 || day < 1) return std::nullopt;
  if (day > greg::gregorian_calendar::end_of_month_day(year, month)) return std::nullopt;
  Date d;
  d.day = static_cast<std::int32_t>(greg::gregorian_calendar::day_number(greg::date::ymd_type(year, month, day)));
  return d;
}

std::optional<Date> Date::parse(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  if (!all_digits(t.substr(0, 4)) || !all_digits(t.substr(5, 2)) || !all_digits(t.substr(8, 2))) return std::nullopt;
  return from_ymd(to_int(t.substr(0, 4)), to_int(t.substr(5, 2)), to_int(t.substr(8, 2)));
}

int Date::year() const { return to_greg(*this).year(); }
int Date::month() const { return to_greg(*this).month(); }
int Date::day_of_month() const { return to_greg(*this).day(); }

std::string Date::to_string() const {
  auto g = to_greg(*this);
  std::string out(10, '-');
  put_digits(&out[0], g.year(), 4);
  put_digits(&out[5], g.month(), 2);
  put_digits(&out[8], g.day(), 2);
  return out;
}

std::optional<Month> Month::parse(std::string_view t) {
  if (t.size() != 7 || t[4] != '-') return std::nullopt;
  if (!all_digits(t.substr(0, 4)) || !all_digits(t.substr(5, 2))) return std::nullopt;
  int y = to_int(t.substr(0, 4)), m = to_int(t.substr(5, 2));
  if (y < 1400 || m < 1 || m > 12) return std::nullopt;
  return from_ym(y, m);
}

Date Month::first_day() const { return *Date::from_ymd(year(), month(), 1); }
Date Month::last_day() const {
  return *Date::from_ymd(year(), month(), greg::gregorian_calendar::end_of_month_day(year(), month()));
}

std::string Month::to_string() const {
  std::string out(7, '-');
  put_digits(&out[0], year(), 4);
  put_digits(&out[5], month(), 2);
  return out;
}

int age_in_years(Date birth, Date at) {
  auto b = to_greg(birth), a = to_greg(at);
  int age = a.year() - b.year();
  if (a.month() < b.month() || (a.month() == b.month() && a.day() < b.day())) --age;
  return age;
}

int months_between(Date from, Date to) {
  auto f = to_greg(from), t = to_greg(to);
  int months = (t.year() - f.year()) * 12 + (int(t.month()) - int(f.month()));
  if (months > 0 && t.day() < f.day()) --months;
  if (months < 0 && t.day() > f.day()) ++months;
  return months;
}

Date add_months(Date d, int months) {
  auto g = to_greg(d);
  int idx = int(g.year()) * 12 + (int(g.month()) - 1) + months;
  int y = idx / 12, m = idx % 12 + 1;
  int day = std::min<int>(g.day(), greg::gregorian_calendar::end_of_month_day(y, m));
  return *Date::from_ymd(y, m, day);
}

}  // namespace entitle
