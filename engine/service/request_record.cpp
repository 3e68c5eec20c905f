// request_record.cpp — request bodies: located JSON errors, months, household records.
#include "engine/service/request_record.hpp"

#include <ctime>

#include "engine/service/service.hpp"

namespace entitle {

Date today_utc() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return *Date::from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

JsonNode parse_request_json(const std::string& body) {
  std::string error;
  auto node = parse_json(body, error);
  if (node) return std::move(*node);
  // "at byte N: …" → line and column, counted in characters as an editor shows them.
  std::size_t at = error.find("at byte ");
  std::string where;
  if (at != std::string::npos) {
    std::size_t byte = std::strtoull(error.c_str() + at + 8, nullptr, 10);
    if (byte > 0) --byte;  // the parser reports one past the offending byte
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < byte && i < body.size(); ++i) {
      if (body[i] == '\n') ++line, col = 1;
      else if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80) ++col;
    }
    where = "第 " + std::to_string(line) + " 行第 " + std::to_string(col) + " 列: ";
  }
  std::string detail = error.size() > 200 ? error.substr(0, 200) + "…" : error;
  throw ServiceError(400, "bad_json", "请求内容不是有效的 JSON: " + where + detail);
}

Month request_month(const JsonNode& object, const char* key) {
  const JsonNode* v = object.find(key);
  if (!v || v->kind != JsonNode::Kind::String) throw ServiceError(400, "bad_request", std::string("缺少月份 ") + key + " (格式 YYYY-MM)", key);
  auto m = Month::parse(v->text);
  if (!m) throw ServiceError(400, "bad_request", std::string("月份 ") + key + " 应为 YYYY-MM，收到 '" + v->text.substr(0, 40) + "'", key);
  return *m;
}

void load_request_household(const ir::RuleSet& rs, const JsonNode& record, const LoadOptions& options, Household& out) {
  std::vector<InputError> errors;
  if (record.kind != JsonNode::Kind::Object)
    throw ServiceError(400, "invalid_record", "家庭记录应为 JSON 对象", "household");
  JsonNode canonical = record;
  canonicalise_enum_labels(rs, canonical);
  if (load_household(rs, canonical, "household", out, errors, options)) return;
  ServiceError e(400, "invalid_record", "家庭记录有 " + std::to_string(errors.size()) + " 处问题: " + errors.front().message,
                 errors.front().field);
  for (const InputError& ie : errors) e.errors.push_back(Json{{"field", ie.field}, {"message", ie.message}});
  throw e;
}

}  // namespace entitle
