// json_lines.hpp — reads a JSON Lines stream line by line in large blocks: each line with its number, a line longer
// than a household record may be (kMaxRecordBytes) as its length only, so no line is ever held whole past the limit.
#pragma once
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace entitle {

class JsonLinesReader {
public:
  explicit JsonLinesReader(std::istream& in, std::size_t max_line_bytes);

  struct Line {
    std::size_t number = 0;           // 1-based
    std::string_view text;            // without its newline; valid until the next call
    std::uintmax_t too_long = 0;      // > 0: the line had this many bytes, more than allowed, and `text` is empty
  };
  /// The next line; false at the end of the stream (a last line without a newline is still a line).
  bool next(Line& line);
  /// Everything not yet returned: the rest of the buffer and of the stream (for a file that is one JSON document).
  std::string rest();

private:
  bool fill();  // reads more of the stream after what is buffered; false when nothing more came
  std::istream& in_;
  std::size_t max_;
  std::unique_ptr<char[]> buf_;  // not zeroed: only what was read is looked at
  std::size_t size_ = 0;
  std::size_t begin_ = 0, end_ = 0;
  std::size_t number_ = 0;
  bool eof_ = false;
};

}  // namespace entitle
