// arrears.hpp — `entitle arrears`: when standards change after payments were made (a retroactive raise), the
// arrears (补发) or overpayment per household and program over the months both runs cover.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "engine/storage/storage.hpp"
#include "engine/values/rational.hpp"

namespace entitle {

struct ArrearsLine {
  std::string household, township, program;
  Rational amount;      // positive: arrears to pay; negative: overpaid
  int months = 0;       // months with a difference
  std::string detail;   // "2026-01: 440.00 → 480.00; …"
};

struct ArrearsReport {
  std::int64_t paid_run = 0, recalculated_run = 0;
  std::string from, to;                     // months compared
  std::vector<ArrearsLine> lines;           // households × programs with a difference
  std::map<std::string, Rational> arrears_by_program, overpaid_by_program;
  std::int64_t undetermined = 0;            // month × household × program pairs left out: an amount is unknown
};

/// Monthly programs only: for every month both runs cover, recalculated − paid, summed per household and program.
ArrearsReport compute_arrears(Storage& db, std::int64_t paid_run, std::int64_t recalculated_run);
void write_arrears_csv(const ArrearsReport& report, const std::string& path);

}  // namespace entitle
