// docs_examples_test.cpp — every declaration example in docs/language.md parses without a syntax error.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "engine/syntax/parse.hpp"

using namespace entitle;

TEST(DocsExamples, LanguageReferenceExamplesParse) {
  std::ifstream in(ENTITLE_DOCS_DIR "/language.md");
  ASSERT_TRUE(in) << "docs/language.md not found";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  std::regex block("```\\n([\\s\\S]*?)```");
  std::regex declaration("^\\s*(#.*\\n\\s*)*(enum|entity|define|standard|program|table|test|regions|amend|exclusive|choice|compatible|top_up|supplement|定义)\\b");
  int checked = 0;
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), block); it != std::sregex_iterator(); ++it) {
    std::string code = (*it)[1];
    if (!std::regex_search(code, declaration, std::regex_constants::match_continuous)) continue;
    SourceManager sm;
    DiagnosticSink sink;
    FileId f = sm.add("example", code);
    parse_rule_file(sm, f, sink);
    EXPECT_FALSE(sink.has_errors()) << code << "\n" << render_diagnostics(sm, sink.sorted());
    ++checked;
  }
  EXPECT_GE(checked, 8);
}
