// document.cpp — Markdown and HTML renderings of a Document.
#include "engine/explain/document.hpp"

#include <sstream>

namespace entitle {
namespace {

std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += "<br>";
    else out += c;
  }
  return out;
}

}  // namespace

void Document::heading(int level, std::string text, std::string anchor) {
  DocBlock b;
  b.kind = DocBlock::Kind::Heading;
  b.level = level;
  b.text = std::move(text);
  b.anchor = std::move(anchor);
  blocks_.push_back(std::move(b));
}
void Document::paragraph(std::string text) {
  DocBlock b;
  b.text = std::move(text);
  blocks_.push_back(std::move(b));
}
void Document::code(std::string text) {
  DocBlock b;
  b.kind = DocBlock::Kind::Code;
  b.text = std::move(text);
  blocks_.push_back(std::move(b));
}
void Document::list(std::vector<std::string> items) {
  DocBlock b;
  b.kind = DocBlock::Kind::List;
  for (auto& i : items) b.rows.push_back({std::move(i)});
  blocks_.push_back(std::move(b));
}
void Document::table(std::vector<std::string> headers, std::vector<std::vector<std::string>> rows) {
  DocBlock b;
  b.kind = DocBlock::Kind::Table;
  b.headers = std::move(headers);
  b.rows = std::move(rows);
  blocks_.push_back(std::move(b));
}

std::string Document::markdown() const {
  std::ostringstream out;
  for (const DocBlock& b : blocks_) {
    switch (b.kind) {
      case DocBlock::Kind::Heading:
        out << std::string(b.level, '#') << ' ' << b.text << "\n\n";
        break;
      case DocBlock::Kind::Paragraph: out << b.text << "\n\n"; break;
      case DocBlock::Kind::Code: out << "```\n" << b.text << "\n```\n\n"; break;
      case DocBlock::Kind::List:
        for (const auto& r : b.rows) out << "- " << r[0] << '\n';
        out << '\n';
        break;
      case DocBlock::Kind::Table:
        out << '|';
        for (const auto& h : b.headers) out << ' ' << escape_cell(h) << " |";
        out << "\n|";
        for (std::size_t i = 0; i < b.headers.size(); ++i) out << "---|";
        out << '\n';
        for (const auto& r : b.rows) {
          out << '|';
          for (const auto& c : r) out << ' ' << escape_cell(c) << " |";
          out << '\n';
        }
        out << '\n';
        break;
    }
  }
  return out.str();
}

std::string Document::html(const std::string& title) const {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" << escape_html(title)
      << "</title>\n<style>\n"
         "body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;max-width:70em;margin:2em auto;padding:0 1em;"
         "color:#222;line-height:1.55}\n"
         "h1{border-bottom:2px solid #345}h2{border-bottom:1px solid #ccc;margin-top:2em}h3{color:#234}\n"
         "table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}"
         "th,td{border:1px solid #bbb;padding:.25em .5em;vertical-align:top}th{background:#eef2f6}\n"
         "pre{background:#f6f8fa;border:1px solid #ddd;padding:.6em;overflow-x:auto;font-size:.88em}\n"
         "td.unsourced,.unsourced{color:#a33}\n"
         "</style></head><body>\n";
  for (const DocBlock& b : blocks_) {
    switch (b.kind) {
      case DocBlock::Kind::Heading:
        out << "<h" << b.level;
        if (!b.anchor.empty()) out << " id=\"" << escape_html(b.anchor) << "\"";
        out << '>' << escape_html(b.text) << "</h" << b.level << ">\n";
        break;
      case DocBlock::Kind::Paragraph: out << "<p>" << escape_html(b.text) << "</p>\n"; break;
      case DocBlock::Kind::Code: out << "<pre>" << escape_html(b.text) << "</pre>\n"; break;
      case DocBlock::Kind::List:
        out << "<ul>\n";
        for (const auto& r : b.rows) out << "<li>" << escape_html(r[0]) << "</li>\n";
        out << "</ul>\n";
        break;
      case DocBlock::Kind::Table:
        out << "<table><tr>";
        for (const auto& h : b.headers) out << "<th>" << escape_html(h) << "</th>";
        out << "</tr>\n";
        for (const auto& r : b.rows) {
          out << "<tr>";
          for (const auto& c : r) {
            bool flag = c.find("无来源") != std::string::npos || c.find("未找到") != std::string::npos;
            out << (flag ? "<td class=\"unsourced\">" : "<td>") << escape_html(c) << "</td>";
          }
          out << "</tr>\n";
        }
        out << "</table>\n";
        break;
    }
  }
  out << "</body></html>\n";
  return out.str();
}

}  // namespace entitle
