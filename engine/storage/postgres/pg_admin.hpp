// pg_admin.hpp — databases on a PostgreSQL server: the URI of another database on the same server, and creating or
// dropping one (for the tests' throw-away databases and for `migrate-db`'s target).
#pragma once
#include <string>

namespace entitle {

/// `uri` with its database name replaced by `database` (host, port, user and query options kept).
std::string pg_uri_with_database(const std::string& uri, const std::string& database);
/// The database name a URI names ("" when it names none: libpq then uses the user's name).
std::string pg_database_of(const std::string& uri);
/// CREATE DATABASE `database` on the server of `server_uri` (connecting to the database that URI names); a
/// StorageError naming the server when it cannot. `database` must be a plain name (letters, digits, _).
void pg_create_database(const std::string& server_uri, const std::string& database);
/// DROP DATABASE IF EXISTS `database` (WITH FORCE: its connections are closed); a StorageError when it cannot.
void pg_drop_database(const std::string& server_uri, const std::string& database);

}  // namespace entitle
