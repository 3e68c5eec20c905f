// diagnostic.cpp — diagnostic registry lookups, sorting and the one source-snippet renderer.
#include "engine/diag/diagnostic.hpp"

#include <algorithm>
#include <sstream>

namespace entitle {
namespace {

struct KindInfo {
  const char* name;
  Severity severity;
  const char* format;
};

const KindInfo kKinds[] = {
#define ENTITLE_DIAGNOSTIC(kind, severity, format) {#kind, Severity::severity, format},
#include "engine/diag/diagnostic_kinds.def"
#undef ENTITLE_DIAGNOSTIC
};

const char* severity_word(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

/// Longest argument of a message shown whole (bytes).
constexpr std::size_t kDiagArgBytes = 200;
/// Longest source line shown whole (bytes); a longer one is shown as a window around the caret.
constexpr std::size_t kSnippetBytes = 160;

void render_snippet(std::ostringstream& out, const SourceManager& sm, const SourceSpan& span) {
  LineCol lc = sm.line_col(span.file, span.begin);
  std::string_view line = sm.line_text(span.file, span.begin);
  std::string number = std::to_string(lc.line);
  // Caret position: display width of the line up to the column, so it sits under CJK text correctly.
  std::size_t byte_in_line = 0;
  for (std::uint32_t cp = 1; cp < lc.column && byte_in_line < line.size();) {
    ++byte_in_line;
    while (byte_in_line < line.size() && (static_cast<unsigned char>(line[byte_in_line]) & 0xC0) == 0x80) ++byte_in_line;
    ++cp;
  }
  // A long line (a generated or hostile file) is shown as a window of kSnippetBytes around the caret, with "…" where
  // it is cut, so a 30,000-word line prints one short line and the caret still points at the column.
  std::size_t from = 0, to = line.size();
  if (line.size() > kSnippetBytes) {
    from = utf8_boundary(line, byte_in_line > kSnippetBytes / 3 ? byte_in_line - kSnippetBytes / 3 : 0);
    to = utf8_boundary(line, from + kSnippetBytes);
  }
  std::string_view lead = from > 0 ? "…" : "", tail = to < line.size() ? "…" : "";
  out << ' ' << number << " | " << lead << line.substr(from, to - from) << tail << '\n';
  out << std::string(number.size() + 1, ' ') << " | ";
  out << std::string(display_width(lead) + display_width(line.substr(from, byte_in_line - from)), ' ');
  std::size_t span_bytes = span.end > span.begin ? span.end - span.begin : 0;
  std::size_t caret_at = std::min(byte_in_line, to);
  std::string_view covered = line.substr(caret_at, std::min(span_bytes, to - caret_at));
  std::uint32_t width = std::max<std::uint32_t>(1, display_width(covered));
  out << '^' << std::string(width - 1, '~') << '\n';
}

}  // namespace

const char* diag_kind_name(DiagKind k) { return kKinds[static_cast<int>(k)].name; }
Severity diag_default_severity(DiagKind k) { return kKinds[static_cast<int>(k)].severity; }
const char* diag_format(DiagKind k) { return kKinds[static_cast<int>(k)].format; }

std::vector<DiagKind> all_diag_kinds() {
  std::vector<DiagKind> out;
  for (std::size_t i = 0; i < sizeof kKinds / sizeof kKinds[0]; ++i) out.push_back(static_cast<DiagKind>(i));
  return out;
}

std::string format_message(const std::string& format, const std::vector<std::string>& args) {
  std::string out;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '{' && i + 2 < format.size() && format[i + 2] == '}' && format[i + 1] >= '0' && format[i + 1] <= '9') {
      std::size_t idx = format[i + 1] - '0';
      out += idx < args.size() ? args[idx] : std::string();
      i += 2;
    } else {
      out += format[i];
    }
  }
  return out;
}

Diagnostic& DiagnosticSink::report(DiagKind kind, SourceSpan span, const std::vector<std::string>& args) {
  Diagnostic d;
  d.kind = kind;
  d.severity = diag_default_severity(kind);
  d.span = span;
  // What a rule file wrote (a name, a token) is shown at most kDiagArgBytes long: a hostile file's 5 MB name is not
  // echoed whole.
  std::vector<std::string> shown;
  for (const std::string& a : args) shown.push_back(a.size() > kDiagArgBytes ? clip_text(a, kDiagArgBytes, false) : a);
  d.message = format_message(diag_format(kind), shown);
  diags_.push_back(std::move(d));
  return diags_.back();
}

Diagnostic& DiagnosticSink::report_unlocated(DiagKind kind, const std::vector<std::string>& args) {
  Diagnostic& d = report(kind, {}, args);
  d.has_span = false;
  return d;
}

bool DiagnosticSink::has_errors() const { return error_count() > 0; }
std::size_t DiagnosticSink::error_count() const {
  return std::count_if(diags_.begin(), diags_.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
}
std::size_t DiagnosticSink::warning_count() const {
  return std::count_if(diags_.begin(), diags_.end(), [](const Diagnostic& d) { return d.severity == Severity::Warning; });
}

std::vector<Diagnostic> DiagnosticSink::sorted() const {
  std::vector<Diagnostic> out = diags_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.has_span != b.has_span) return !a.has_span;
    if (a.span.file != b.span.file) return a.span.file < b.span.file;
    if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
    if (a.severity != b.severity) return a.severity < b.severity;
    return a.message < b.message;
  });
  out.erase(std::unique(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
              return a.kind == b.kind && a.span.file == b.span.file && a.span.begin == b.span.begin && a.message == b.message;
            }), out.end());
  return out;
}

std::string render_diagnostic(const SourceManager& sm, const Diagnostic& d) {
  std::ostringstream out;
  if (d.has_span && d.span.file < sm.file_count()) {
    LineCol lc = sm.line_col(d.span.file, d.span.begin);
    out << sm.path(d.span.file) << ':' << lc.line << ':' << lc.column << ": ";
  }
  out << severity_word(d.severity) << ": " << d.message << " [" << diag_kind_name(d.kind) << "]\n";
  if (d.has_span && d.span.file < sm.file_count()) render_snippet(out, sm, d.span);
  for (const DiagNote& n : d.notes) {
    LineCol lc = sm.line_col(n.span.file, n.span.begin);
    out << sm.path(n.span.file) << ':' << lc.line << ':' << lc.column << ": note: " << n.message << '\n';
    render_snippet(out, sm, n.span);
  }
  return out.str();
}

std::string render_diagnostics(const SourceManager& sm, const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) out += render_diagnostic(sm, d);
  return out;
}

}  // namespace entitle
