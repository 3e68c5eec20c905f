// json_lines.cpp — JsonLinesReader: block reads, memchr for newlines, over-long lines skipped and measured.
#include "engine/api/json_lines.hpp"

#include <cstring>

namespace entitle {

namespace {
constexpr std::size_t kBlockBytes = std::size_t(4) << 20;
}

JsonLinesReader::JsonLinesReader(std::istream& in, std::size_t max_line_bytes)
    : in_(in), max_(max_line_bytes), size_(std::max(kBlockBytes, max_line_bytes + 2)) {
  buf_.reset(new char[size_]);
}

bool JsonLinesReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {  // keep the unread part at the front
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == size_) return false;
  in_.read(buf_.get() + end_, std::streamsize(size_ - end_));
  std::size_t got = std::size_t(in_.gcount());
  if (got == 0) eof_ = true;
  end_ += got;
  return got > 0;
}

bool JsonLinesReader::next(Line& line) {
  line = Line{};
  std::size_t scanned = 0;  // bytes of the current line already searched for a newline
  for (;;) {
    const char* start = buf_.get() + begin_;
    const void* nl = std::memchr(start + scanned, '\n', end_ - begin_ - scanned);
    if (nl) {
      std::size_t len = std::size_t(static_cast<const char*>(nl) - start);
      line.number = ++number_;
      if (len > max_) line.too_long = len;
      else line.text = std::string_view(start, len);
      begin_ += len + 1;
      return true;
    }
    scanned = end_ - begin_;
    if (scanned > max_) {
      // Longer than allowed: count the rest of the line without keeping it.
      std::uintmax_t bytes = scanned;
      begin_ = end_ = 0;
      for (;;) {
        if (!fill()) {
          line.number = ++number_;
          line.too_long = bytes;
          return true;
        }
        const void* end = std::memchr(buf_.get(), '\n', end_);
        if (end) {
          std::size_t len = std::size_t(static_cast<const char*>(end) - buf_.get());
          line.number = ++number_;
          line.too_long = bytes + len;
          begin_ = len + 1;
          return true;
        }
        bytes += end_;
        begin_ = end_ = 0;
      }
    }
    if (!fill()) {
      if (end_ == begin_) return false;
      // The last line, without a newline.
      std::size_t len = end_ - begin_;
      line.number = ++number_;
      line.text = std::string_view(buf_.get() + begin_, len);
      begin_ = end_;
      return true;
    }
  }
}

std::string JsonLinesReader::rest() {
  std::string out(buf_.get() + begin_, end_ - begin_);
  begin_ = end_ = 0;
  if (!eof_) {
    std::string more((std::istreambuf_iterator<char>(in_)), std::istreambuf_iterator<char>());
    out += more;
    eof_ = true;
  }
  return out;
}

}  // namespace entitle
