// source.hpp — rule-file buffers and byte-offset spans, turned into line:col (in code points) only when shown.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace entitle {

using FileId = std::uint32_t;

/// A half-open byte range [begin, end) in one source file.
struct SourceSpan {
  FileId file = 0;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
};

struct LineCol {
  std::uint32_t line = 1;    // 1-based
  std::uint32_t column = 1;  // 1-based, counted in Unicode code points
};

/// Owns every loaded rule file; the only place offsets become line:col.
class SourceManager {
public:
  FileId add(std::string path, std::string text);
  const std::string& path(FileId f) const { return files_[f].path; }
  const std::string& text(FileId f) const { return files_[f].text; }
  std::size_t file_count() const { return files_.size(); }
  LineCol line_col(FileId f, std::uint32_t offset) const;
  /// The text of the line holding `offset`, without its line break.
  std::string_view line_text(FileId f, std::uint32_t offset) const;
  /// The source text a span covers.
  std::string_view slice(const SourceSpan& s) const;

private:
  struct File {
    std::string path;
    std::string text;
    std::vector<std::uint32_t> line_starts;
  };
  std::vector<File> files_;
};

/// Number of code points in a UTF-8 byte range (continuation bytes are not counted).
std::uint32_t count_code_points(std::string_view s);
/// Display width in terminal columns: CJK ideographs and full-width forms count 2, others 1.
std::uint32_t display_width(std::string_view s);
/// True when `s` is well-formed UTF-8.
bool is_valid_utf8(std::string_view s);
/// The offset of the first byte that does not start well-formed UTF-8, or s.size() when all of `s` is.
std::size_t first_invalid_utf8(std::string_view s);

/// How much of a value someone wrote a message shows: kEchoBytes bytes, then "…" and the whole length.
constexpr std::size_t kEchoBytes = 80;
/// `text` for echoing in a message: whole when at most `max_bytes`, otherwise its first `max_bytes` (cut at a
/// character boundary) followed by "…（共 N 字节）" (`chinese`) or "… (N bytes)". A 5 MB value is shown once, short.
std::string clip_text(std::string_view text, std::size_t max_bytes = kEchoBytes, bool chinese = true);
/// The byte offset at or before `at` where a UTF-8 character starts.
std::size_t utf8_boundary(std::string_view s, std::size_t at);

}  // namespace entitle
