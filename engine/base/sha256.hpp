// sha256.hpp — SHA-256 (FIPS 180-4), for the content hash that identifies a rule set in every result.
#pragma once
#include <string>
#include <string_view>

namespace entitle {
/// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);
}
