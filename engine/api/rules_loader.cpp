// rules_loader.cpp — directory walk, UTF-8 check, parse, check, hash.
#include "engine/api/rules_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/base/sha256.hpp"
#include "engine/check/check.hpp"
#include "engine/syntax/parse.hpp"

namespace entitle {

std::unique_ptr<LoadedRules> load_rules(const std::string& dir) { return load_rules(dir, {}); }

std::unique_ptr<LoadedRules> load_rules(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& extra) {
  namespace fs = std::filesystem;
  auto out = std::make_unique<LoadedRules>();
  out->root = dir;
  std::vector<std::pair<std::string, fs::path>> files;  // relative name, full path
  std::error_code ec;
  if (fs::is_regular_file(dir, ec)) {
    files.emplace_back(fs::path(dir).filename().string(), fs::path(dir));
  } else if (fs::is_directory(dir, ec)) {
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->is_regular_file() && it->path().extension() == ".rules")
        files.emplace_back(fs::relative(it->path(), dir).generic_string(), it->path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    out->diagnostics.report_unlocated(DiagKind::NoRuleFiles).message += " in '" + dir + "'";
    return out;
  }
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& [rel, full] : files) {
    std::ifstream in(full, std::ios::binary);
    std::stringstream ss;
    // At most one byte more than a rule file may hold is read: enough for load_rules_from_texts to refuse it.
    std::vector<char> buf(kMaxRuleFileBytes + 1);
    in.read(buf.data(), std::streamsize(buf.size()));
    ss.write(buf.data(), in.gcount());
    std::string shown = fs::is_regular_file(dir) ? dir : (fs::path(dir) / rel).generic_string();
    texts.emplace_back(shown, ss.str());
  }
  for (const auto& [rel, text] : extra) {
    files.emplace_back(rel, fs::path(rel));
    texts.emplace_back(rel, text);
  }
  auto loaded = load_rules_from_texts(texts);
  loaded->root = dir;
  if (loaded->rules) {
    // The hash names files relative to the rule-set root, so it does not depend on where the directory lives.
    std::string hash_input;
    for (std::size_t i = 0; i < files.size(); ++i) hash_input += files[i].first + '\0' + texts[i].second + '\0';
    loaded->rules->hash = "sha256:" + sha256_hex(hash_input);
    loaded->rules->files.clear();
    for (const auto& f : files) loaded->rules->files.push_back(f.first);
  }
  return loaded;
}

std::unique_ptr<LoadedRules> load_rules_from_texts(const std::vector<std::pair<std::string, std::string>>& files) {
  auto out = std::make_unique<LoadedRules>();
  std::string hash_input;
  std::vector<ast::RuleFile> parsed;
  std::size_t total = 0;
  for (const auto& [name, text] : files) {
    hash_input += name + '\0' + text + '\0';
    FileId id = out->sources.add(name, text);
    total += text.size();
    if (text.size() > kMaxRuleFileBytes || total > kMaxRuleSetBytes) {
      bool file = text.size() > kMaxRuleFileBytes;
      out->diagnostics.report(DiagKind::RuleFileTooLarge, {id, 0, 0},
                              {file ? "this rule file" : "the rule set, with this file,",
                               std::to_string(file ? kMaxRuleFileBytes : kMaxRuleSetBytes)});
      continue;
    }
    if (!is_valid_utf8(text)) {
      out->diagnostics.report(DiagKind::InvalidUtf8, {id, 0, 0});
      continue;
    }
    parsed.push_back(parse_rule_file(out->sources, id, out->diagnostics));
  }
  if (out->diagnostics.has_errors()) return out;  // a syntax error makes the checker's findings unreliable
  out->rules = check_rule_files(out->sources, parsed, out->diagnostics);
  if (out->rules) {
    out->rules->hash = "sha256:" + sha256_hex(hash_input);
    for (const auto& f : files) out->rules->files.push_back(f.first);
  }
  return out;
}

}  // namespace entitle
