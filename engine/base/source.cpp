// source.cpp — line tables and UTF-8 counting for diagnostics.
#include "engine/base/source.hpp"

#include <algorithm>

namespace entitle {

FileId SourceManager::add(std::string path, std::string text) {
  File f{std::move(path), std::move(text), {0}};
  for (std::uint32_t i = 0; i < f.text.size(); ++i)
    if (f.text[i] == '\n') f.line_starts.push_back(i + 1);
  files_.push_back(std::move(f));
  return static_cast<FileId>(files_.size() - 1);
}

LineCol SourceManager::line_col(FileId f, std::uint32_t offset) const {
  const File& file = files_[f];
  offset = std::min<std::uint32_t>(offset, file.text.size());
  auto it = std::upper_bound(file.line_starts.begin(), file.line_starts.end(), offset);
  std::uint32_t line = static_cast<std::uint32_t>(it - file.line_starts.begin());
  std::uint32_t start = file.line_starts[line - 1];
  return {line, count_code_points(std::string_view(file.text).substr(start, offset - start)) + 1};
}

std::string_view SourceManager::line_text(FileId f, std::uint32_t offset) const {
  const File& file = files_[f];
  offset = std::min<std::uint32_t>(offset, file.text.size());
  auto it = std::upper_bound(file.line_starts.begin(), file.line_starts.end(), offset);
  std::uint32_t start = *(it - 1);
  std::uint32_t end = start;
  while (end < file.text.size() && file.text[end] != '\n') ++end;
  if (end > start && file.text[end - 1] == '\r') --end;  // CRLF counts as one line break
  return std::string_view(file.text).substr(start, end - start);
}

std::string_view SourceManager::slice(const SourceSpan& s) const {
  const std::string& t = files_[s.file].text;
  std::uint32_t b = std::min<std::uint32_t>(s.begin, t.size());
  std::uint32_t e = std::min<std::uint32_t>(std::max(s.end, b), t.size());
  return std::string_view(t).substr(b, e - b);
}

std::uint32_t count_code_points(std::string_view s) {
  std::uint32_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::uint32_t display_width(std::string_view s) {
  std::uint32_t width = 0;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    std::uint32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xF0 && i + 3 < s.size() + 0) { cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F); len = 4; }
    else if (c >= 0xE0 && i + 2 < s.size()) { cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F); len = 3; }
    else if (c >= 0xC0 && i + 1 < s.size()) { cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F); len = 2; }
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

std::size_t first_invalid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    i += len;
  }
  return s.size();
}

bool is_valid_utf8(std::string_view s) {
  // Well-formed UTF-8 as Unicode defines it (Table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF —
  // what the JSON readers and writers accept, so a text that passes here is written back byte for byte.
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return false;
    if (i + len > s.size()) return false;
    unsigned char second = s[i + 1];
    if (second < lo || second > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

std::size_t utf8_boundary(std::string_view s, std::size_t at) {
  if (at >= s.size()) return s.size();
  while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
  return at;
}

std::string clip_text(std::string_view text, std::size_t max_bytes, bool chinese) {
  if (text.size() <= max_bytes) return std::string(text);
  std::string out(text.substr(0, utf8_boundary(text, max_bytes)));
  out += chinese ? "…（共 " + std::to_string(text.size()) + " 字节）" : "… (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace entitle
