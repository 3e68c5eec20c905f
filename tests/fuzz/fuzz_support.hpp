// fuzz_support.hpp — what the fuzz targets share: the standard rule library loaded once, input files on tmpfs, checks.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/api/rules_loader.hpp"

namespace entitle::fuzz {

/// The standard library in rules/ (ENTITLE_RULES_DIR), loaded and checked once per process; aborts if it has errors.
const LoadedRules& standard_library();

/// The text of one file of the standard library (e.g. "schema.rules"), read once.
const std::string& library_file(const std::string& name);

/// Writes the input to a file named `name` in this process's scratch directory (on /dev/shm when there is one, so no
/// disk I/O per input) and returns its path. The directory is removed when the process exits normally.
std::string write_scratch_file(const std::string& name, std::string_view data);

/// A property the target asserts was broken: prints what and aborts, so libFuzzer (or the replay driver) reports it.
[[noreturn]] void fail(const std::string& what);

/// A deterministic choice from the input's bytes (FNV-1a), for picking a month or a mode without consuming bytes.
std::uint64_t input_hash(std::string_view data);

}  // namespace entitle::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
