// source_test.cpp — offsets to line:column in code points, CRLF, display width of Chinese text.
#include <gtest/gtest.h>

#include "engine/base/source.hpp"

using namespace entitle;

TEST(Source, LineAndColumnCountCodePoints) {
  SourceManager sm;
  FileId f = sm.add("a.rules", "标准 x\n  低保 = 1\n");
  std::string text = sm.text(f);
  auto pos = text.find('=');
  LineCol lc = sm.line_col(f, static_cast<std::uint32_t>(pos));
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 6u);  // two spaces, two ideographs, one space, then '='
  EXPECT_EQ(sm.line_text(f, static_cast<std::uint32_t>(pos)), "  低保 = 1");
}

TEST(Source, CrLfIsOneLineBreak) {
  SourceManager sm;
  FileId f = sm.add("b.rules", "a\r\nbc\r\n");
  EXPECT_EQ(sm.line_col(f, 4).line, 2u);
  EXPECT_EQ(sm.line_text(f, 4), "bc");
}

TEST(Source, Utf8ValidityAndWidth) {
  EXPECT_TRUE(is_valid_utf8("城乡最低生活保障"));
  EXPECT_FALSE(is_valid_utf8(std::string("\xe5\x9f", 2)));
  // Well-formed only: overlong forms, surrogates and code points above U+10FFFF are not UTF-8.
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \xED\x9F\xBF \xEE\x80\x80"));
  for (const char* bad : {"\xC0\xAF", "\xC1\xBF", "\xE0\x80\x80", "\xE0\x9F\xBF", "\xED\xA0\x80", "\xED\xBF\xBF",
                          "\xF0\x80\x80\x80", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\x80"})
    EXPECT_FALSE(is_valid_utf8(bad)) << bad;
  EXPECT_EQ(display_width("低保a"), 5u);
  EXPECT_EQ(count_code_points("低保a"), 3u);
}
