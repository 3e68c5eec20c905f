// diagnostic.hpp — one diagnostic value, the sink that collects them, and the registry-generated kinds.
#pragma once
#include <string>
#include <vector>

#include "engine/base/source.hpp"

namespace entitle {

enum class Severity { Error, Warning, Note };

enum class DiagKind {
#define ENTITLE_DIAGNOSTIC(kind, severity, format) kind,
#include "engine/diag/diagnostic_kinds.def"
#undef ENTITLE_DIAGNOSTIC
};

const char* diag_kind_name(DiagKind k);
Severity diag_default_severity(DiagKind k);
const char* diag_format(DiagKind k);
/// Every registered kind, in registry order.
std::vector<DiagKind> all_diag_kinds();

struct DiagNote {
  SourceSpan span;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  DiagKind kind = DiagKind::ExpectedToken;
  bool has_span = true;
  SourceSpan span;
  std::string message;
  std::vector<DiagNote> notes;
};

/// Collects diagnostics from every phase; phases report here and return, they never throw for user error.
class DiagnosticSink {
public:
  /// Formats the kind's registry message with args {0}, {1}, …
  Diagnostic& report(DiagKind kind, SourceSpan span, const std::vector<std::string>& args = {});
  Diagnostic& report_unlocated(DiagKind kind, const std::vector<std::string>& args = {});
  bool has_errors() const;
  std::size_t error_count() const;
  std::size_t warning_count() const;
  /// Sorted by file, offset, severity, then text: output never depends on the order passes ran in.
  std::vector<Diagnostic> sorted() const;
  const std::vector<Diagnostic>& all() const { return diags_; }

private:
  std::vector<Diagnostic> diags_;
};

/// Replaces {0}, {1}, … in `format` by the arguments.
std::string format_message(const std::string& format, const std::vector<std::string>& args);

/// clang-style text: "file:line:col: error: message [Kind]", the source line, and a caret under the span.
std::string render_diagnostic(const SourceManager& sm, const Diagnostic& d);
std::string render_diagnostics(const SourceManager& sm, const std::vector<Diagnostic>& ds);

}  // namespace entitle
