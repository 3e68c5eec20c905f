// document.hpp — a small document model (headings, paragraphs, tables, code, lists) rendered as Markdown or as
// one self-contained HTML page, so the catalogue is written once and shown two ways.
#pragma once
#include <string>
#include <vector>

namespace entitle {

struct DocBlock {
  enum class Kind { Heading, Paragraph, Table, Code, List } kind = Kind::Paragraph;
  int level = 1;                                 // headings
  std::string text;                              // heading, paragraph, code
  std::string anchor;                            // headings: id for links
  std::vector<std::string> headers;              // tables
  std::vector<std::vector<std::string>> rows;    // tables; lists use rows[i][0]
};

class Document {
public:
  void heading(int level, std::string text, std::string anchor = "");
  void paragraph(std::string text);
  void code(std::string text);
  void list(std::vector<std::string> items);
  void table(std::vector<std::string> headers, std::vector<std::vector<std::string>> rows);
  std::string markdown() const;
  std::string html(const std::string& title) const;

private:
  std::vector<DocBlock> blocks_;
};

}  // namespace entitle
