// calendar.cpp — calendar arithmetic on top of Boost.Date_Time's gregorian calendar.
#include "engine/values/calendar.hpp"

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <cstdio>

namespace entitle {
namespace {

namespace greg = boost::gregorian;

greg::date to_greg(Date d) {
  // Julian day number → y/m/d through the calendar's own conversion.
  auto ymd = greg::gregorian_calendar::from_day_number(d.day);
  return greg::date(ymd.year, ymd.month, ymd.day);
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
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", int(g.year()), int(g.month()), int(g.day()));
  return buf;
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
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year(), month());
  return buf;
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
