// audit_commands.hpp — `entitle audit verify` and `entitle audit key`: the tamper-evident ledger for auditors.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace entitle::cli {

/// Exit 0 when the ledger is intact, 1 with findings, 2 when the database cannot be read.
int run_audit_verify(const std::string& db, const std::vector<std::string>& public_keys, const std::string& head);
/// Prints the public key this database signs its ledger with, for the auditor to keep elsewhere.
int run_audit_key(const std::string& db);

}  // namespace entitle::cli
