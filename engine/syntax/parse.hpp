// parse.hpp — the only door to the parser: text in, syntax tree and diagnostics out. No Spirit here.
#pragma once
#include "engine/base/source.hpp"
#include "engine/diag/diagnostic.hpp"
#include "engine/syntax/ast.hpp"

namespace entitle {

/// Parses one loaded file. Declarations that fail to parse are reported and skipped (parsing resumes at the
/// next line that starts a declaration), so one run reports as many syntax errors as it can.
ast::RuleFile parse_rule_file(const SourceManager& sm, FileId file, DiagnosticSink& sink);

}  // namespace entitle
