// audit_commands.cpp — `entitle audit verify` and `entitle audit key`.
#include "cli/audit_commands.hpp"

#include <iostream>

#include "engine/ledger/verify.hpp"
#include "engine/storage/storage.hpp"

namespace entitle::cli {

int run_audit_verify(const std::string& db_path, const std::vector<std::string>& public_keys, const std::string& head) {
  ledger::VerifyOptions o;
  o.trusted_keys = public_keys;
  if (!head.empty()) {
    auto colon = head.find(':');
    std::int64_t seq = 0;
    try {
      seq = colon == std::string::npos ? 0 : std::stoll(head.substr(0, colon));
    } catch (const std::exception&) {
      seq = 0;
    }
    if (seq <= 0 || head.size() - colon - 1 != 64 || head.find_first_not_of("0123456789abcdef", colon + 1) != std::string::npos) {
      std::cerr << "entitle: --head 应为 “序号:哈希”，如 12:3f5a…（64 位小写十六进制，照 verify 打印的抄） (expected SEQ:HASH as verify "
                   "printed it, e.g. 12:<64 lower-case hex digits>), "
                   "found '" << head.substr(0, 80) << "'\n";
      return 2;
    }
    o.head = std::make_pair(seq, head.substr(colon + 1));
  }
  for (const std::string& k : public_keys)
    if (k.size() != 64 || k.find_first_not_of("0123456789abcdef") != std::string::npos) {
      std::cerr << "entitle: --public-key 应为 64 位小写十六进制 (expected 64 lower-case hex digits), found '" << k.substr(0, 80) << "'\n";
      return 2;
    }
  auto db = open_storage_to_audit(db_path);  // read only: verify never creates, upgrades or signs anything
  ledger::VerifyReport r = ledger::verify(db->ledger(), o);
  std::cout << ledger::render_report(r, db->location());  // a PostgreSQL URI without its password
  return r.intact() ? 0 : 1;
}

int run_audit_key(const std::string& db_path) {
  auto db = open_storage_to_audit(db_path);  // reads the key file beside the database; never makes a new one
  std::string key = db->ledger().public_key();
  std::string last_signer;
  db->ledger().in_snapshot([&] { db->ledger().for_each_entry([&](const LedgerEntry& e) { last_signer = e.public_key; }); });
  std::cout << key << "\n";
  std::cerr << "签名密钥文件 (key file): " << db->ledger().key_file()
            << "\n请把上面的公钥另行保存（不要只存在这台机器上），核对时用 entitle audit verify --public-key 传入。\n"
               "(keep this public key somewhere else than this machine; pass it to entitle audit verify --public-key)\n";
  if (!last_signer.empty() && last_signer != key) {
    std::cerr << "entitle: 注意：账本最后一条是用另一个公钥 " << last_signer
              << " 签名的；密钥文件被替换过，或数据库搬动时没有带上它 (the last ledger entry was signed with another key: the key file "
                 "was replaced, or the database was moved without it)\n";
    return 1;
  }
  return 0;
}

}  // namespace entitle::cli
