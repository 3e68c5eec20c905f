// household_repository.cpp — what households need besides SQL.
#include "engine/storage/household_repository.hpp"

namespace entitle {

std::string township_of(const std::string& region) { return region.size() > 9 ? region.substr(0, 9) : region; }

}  // namespace entitle
