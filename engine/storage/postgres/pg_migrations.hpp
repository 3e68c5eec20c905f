// pg_migrations.hpp — the case database's schema for PostgreSQL: the same versions as SQLite's (sqlite_storage.cpp),
// each written in PostgreSQL's SQL. Migration i takes the schema from version i to i + 1.
#pragma once
#include <vector>

namespace entitle {

const std::vector<const char*>& pg_migrations();

}  // namespace entitle
