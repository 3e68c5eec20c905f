// migrate_command.cpp — `entitle migrate-db --from cases.db --to postgresql://…` (or back to a new file): the source's ledger verified first
// (a damaged database is not moved), every row copied, then the target's ledger verified: intact, and ending in the
// same entry as the source's.
#include "cli/migrate_command.hpp"

#include <filesystem>
#include <iostream>

#include "engine/ledger/verify.hpp"
#include "engine/storage/storage.hpp"

namespace entitle::cli {

int run_migrate_db(const std::string& from, const std::string& to) {
  if (!is_server_location(from) && !std::filesystem::is_regular_file(from)) {
    std::cerr << "entitle: --from 应为已有的案件数据库，'" << from << "' 不存在 (--from is an existing case database; there is no file '" << from << "')\n";
    return 2;
  }
  open_storage(from);  // an older schema is upgraded first, as any command does
  ledger::VerifyReport before;
  std::string shown_to;
  std::string before_location;
  {
    auto source = open_storage_to_audit(from);
    before_location = source->location();
    before = ledger::verify(source->ledger(), {});
    if (!before.intact()) {
      std::cout << ledger::render_report(before, source->location());
      std::cerr << "entitle: 源数据库 '" << from << "' 的账本校验未通过，未迁移 (the source's ledger does not verify: nothing was moved)\n";
      return 1;
    }
  }
  std::cout << "迁移 (moving) " << before_location << " →";
  MoveResult moved = move_case_database(from, to, [](const std::string& table, std::int64_t rows) {
    std::cout << (table == "rulesets" ? "\n" : "") << "  " << table << ": " << rows << " 行 (rows)\n";
  });
  auto target = open_storage_to_audit(to);
  std::cout << "  " << moved.key_note << '\n';
  ledger::VerifyReport after = ledger::verify(target->ledger(), {});
  std::cout << ledger::render_report(after, target->location());
  bool same_head = after.head_seq == before.head_seq && after.head_hash == before.head_hash && after.entries == before.entries;
  if (!after.intact() || !same_head) {
    std::cerr << "entitle: 迁移后的数据库 '" << target->location() << "' 校验未通过或账本与源不同 (the moved database does not verify, or its "
              << "ledger does not end where the source's does: source #" << before.head_seq << ", target #" << after.head_seq << ")\n";
    return 1;
  }
  std::cout << "✔ 迁移完成：" << before.entries << " 条账本记录，最后一条 #" << after.head_seq << " 与源数据库相同 (moved: the ledger ends in the "
            << "same entry as the source's, and every stored subject matches it)\n";
  return 0;
}

}  // namespace entitle::cli
