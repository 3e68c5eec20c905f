// pg_admin.cpp — creating and dropping databases on a PostgreSQL server, and naming another database in a URI.
#include "engine/storage/postgres/pg_admin.hpp"

#include <cctype>

#include "engine/storage/postgres/pg_connection.hpp"
#include "engine/storage/storage_error.hpp"

namespace entitle {
namespace {

// Where the database name sits in `uri`: after the authority's '/', up to '?' or the end. npos when there is no '/'.
std::pair<std::size_t, std::size_t> database_span(const std::string& uri) {
  std::size_t start = uri.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  std::size_t query = uri.find('?', start);
  std::size_t slash = uri.find('/', start);
  if (slash == std::string::npos || (query != std::string::npos && slash > query)) return {std::string::npos, query};
  return {slash + 1, query == std::string::npos ? uri.size() : query};
}

void require_plain_name(const std::string& database) {
  bool plain = !database.empty() && database.size() <= 63;
  for (char c : database) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!plain)
    throw StorageError("数据库名 '" + database + "' 只能由字母、数字和下划线组成 (the database name '" + database +
                       "' may hold only letters, digits and _)");
}

void run_on_server(const std::string& server_uri, const std::string& sql) {
  try {
    PgConnection c(server_uri);
    c.exec(sql);
  } catch (const PgError& e) {
    throw StorageError("PostgreSQL 服务器 '" + pg_redacted(server_uri) + "' 拒绝了 " + sql + " (the server refused it: " + e.what() + ")");
  }
}

}  // namespace

std::string pg_uri_with_database(const std::string& uri, const std::string& database) {
  auto [from, to] = database_span(uri);
  if (from == std::string::npos) {
    std::size_t at = to == std::string::npos ? uri.size() : to;
    return uri.substr(0, at) + "/" + database + uri.substr(at);
  }
  return uri.substr(0, from) + database + uri.substr(to);
}

std::string pg_database_of(const std::string& uri) {
  auto [from, to] = database_span(uri);
  return from == std::string::npos ? "" : uri.substr(from, to - from);
}

void pg_create_database(const std::string& server_uri, const std::string& database) {
  require_plain_name(database);
  run_on_server(server_uri, "CREATE DATABASE " + database + " ENCODING 'UTF8' TEMPLATE template0");
}

void pg_drop_database(const std::string& server_uri, const std::string& database) {
  require_plain_name(database);
  run_on_server(server_uri, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
}

}  // namespace entitle
