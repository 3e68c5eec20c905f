// verify.cpp — walking the ledger: the chain of hashes, the signatures, each entry's items, and the stored state.
#include "engine/ledger/verify.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "engine/ledger/signing.hpp"

namespace entitle::ledger {
namespace {

std::string short_hash(const std::string& h) { return h.size() > 16 ? h.substr(0, 16) + "…" : h; }

struct Latest {
  std::string digest;
  std::int64_t seq = 0;
};

VerifyReport verify_snapshot(Ledger& ledger, const VerifyOptions& o);

}  // namespace

VerifyReport verify(Ledger& ledger, const VerifyOptions& o) {
  VerifyReport r;
  ledger.in_snapshot([&] { r = verify_snapshot(ledger, o); });
  return r;
}

namespace {

VerifyReport verify_snapshot(Ledger& ledger, const VerifyOptions& o) {
  VerifyReport r;
  std::map<std::string, Latest> latest;
  std::int64_t expected = 1;
  std::string prev = kGenesisHash, key;
  std::set<std::string> trusted(o.trusted_keys.begin(), o.trusted_keys.end());
  bool head_seen = false;
  ledger.for_each_entry([&](const LedgerEntry& e) {
    ++r.entries;
    auto add = [&](const std::string& message) { r.findings.push_back({e.seq, "", message}); };
    if (e.seq != expected) {
      if (e.seq > expected)
        add("第 " + std::to_string(expected) + "–" + std::to_string(e.seq - 1) + " 条账本记录缺失 (entries " + std::to_string(expected) +
            "–" + std::to_string(e.seq - 1) + " are missing: deleted)");
      else
        add("账本记录顺序错乱：第 " + std::to_string(e.seq) + " 条出现在第 " + std::to_string(expected - 1) +
            " 条之后 (entries out of order)");
    }
    expected = e.seq + 1;
    if (e.prev_hash != prev)
      add("与前一条的哈希链接断开：前面的记录被删除、插入、改动或调换了顺序 (the link to the previous entry is broken: an entry "
          "before it was removed, inserted, changed or reordered)");
    if (items_digest(e.items) != e.items_digest)
      add("记录的条目与其摘要不符：账本条目被改动 (the entry's items do not match its digest: ledger_items were edited)");
    if (entry_hash(e.seq, e.at, e.actor, e.items_digest, e.prev_hash) != e.entry_hash)
      add("记录内容与其哈希不符：账本记录被改动 (the entry does not match its hash: it was edited)");
    if (!signature_valid(e.public_key, e.entry_hash, e.signature))
      add("签名无效 (the signature does not verify under the key stored with the entry)");
    if (!trusted.empty() && !trusted.count(e.public_key))
      add("签名密钥 " + short_hash(e.public_key) + " 不是审计方保存的公钥 (signed by a key the auditor does not hold)");
    if (e.public_key != key) {
      if (std::find(r.keys.begin(), r.keys.end(), e.public_key) == r.keys.end()) r.keys.push_back(e.public_key);
      if (!key.empty())
        r.notices.push_back("自第 " + std::to_string(e.seq) + " 条起使用另一个签名密钥 " + short_hash(e.public_key) +
                            " (from entry " + std::to_string(e.seq) + " on, another signing key: the key file was replaced, or the "
                            "database was moved without it)");
      key = e.public_key;
    }
    if (o.head && o.head->first == e.seq) {
      head_seen = true;
      if (o.head->second != e.entry_hash)
        add("审计方记下的第 " + std::to_string(e.seq) + " 条哈希是 " + short_hash(o.head->second) + "，现为 " + short_hash(e.entry_hash) +
            " (the entry the auditor wrote down has changed)");
    }
    if (e.actor == kGenesisActor)
      r.notices.push_back("第 " + std::to_string(e.seq) + " 条（" + e.at + "）是账本的起点，记录了当时已存储的全部内容；此前的改动账本无法证明 (entry " +
                          std::to_string(e.seq) + ", at " + e.at + ", began the ledger of a database that already held content: "
                          "it records everything stored then; what happened before it is beyond the ledger)");
    for (const LedgerItem& i : e.items) latest[i.subject] = {i.digest, e.seq};
    prev = e.entry_hash;
    r.head_seq = e.seq;
  });
  r.head_hash = prev == kGenesisHash ? "" : prev;
  if (o.head && !head_seen)
    r.findings.push_back({o.head->first, "", "审计方记下的第 " + std::to_string(o.head->first) + " 条已不存在 (the entry the auditor wrote "
                                                "down is gone: the ledger was cut back)"});
  std::set<std::string> seen;
  ledger.for_each_state(
      [&](const LedgerState& s) {
        ++r.subjects;
        seen.insert(s.subject);
        auto it = latest.find(s.subject);
        if (it == latest.end()) {
          r.findings.push_back({0, s.subject, s.where + "：账本中没有这些内容的记录，是在账本之外写入的 (stored, but never recorded in the "
                                                        "ledger: inserted outside entitle)"});
        } else if (it->second.digest != s.digest) {
          r.findings.push_back({it->second.seq, s.subject,
                                s.where + "：存储的内容与第 " + std::to_string(it->second.seq) +
                                    " 条账本记录不符 (the stored content differs from what the entry recorded: edited)"});
        }
      },
      [&](const LedgerAnomaly& a) {
        auto it = latest.find(a.subject);
        r.findings.push_back({it == latest.end() ? 0 : it->second.seq, a.subject, a.message});
      });
  for (const auto& [subject, l] : latest)
    if (!seen.count(subject) && l.digest != "absent")
      r.findings.push_back({l.seq, subject, "第 " + std::to_string(l.seq) + " 条账本记录的内容已不在数据库中 (recorded by the entry, "
                                                "but no longer stored: deleted)"});
  if (o.trusted_keys.empty() && r.entries > 0)
    r.notices.push_back("未提供审计方保存的公钥 (--public-key)：签名只用数据库中记载的公钥核对，无法发现用新密钥整体重签的伪造 (no "
                        "public key given: signatures were checked against the keys stored with the entries only)");
  std::stable_sort(r.findings.begin(), r.findings.end(), [](const Finding& a, const Finding& b) {
    if ((a.seq == 0) != (b.seq == 0)) return b.seq == 0;  // rows never recorded come after the entries
    return a.seq < b.seq;
  });
  return r;
}

}  // namespace

std::string render_report(const VerifyReport& r, const std::string& location) {
  std::string out = "账本校验 (ledger verification): " + location + "\n";
  out += "  记录 (entries): " + std::to_string(r.entries) + "，受保护的内容 (subjects checked): " + std::to_string(r.subjects) + "\n";
  for (const std::string& k : r.keys) out += "  签名公钥 (signing key): " + k + "\n";
  if (!r.head_hash.empty())
    out += "  最后一条 (last entry): #" + std::to_string(r.head_seq) + " " + r.head_hash + "\n";
  for (const std::string& n : r.notices) out += "  注意 (notice): " + n + "\n";
  if (r.intact()) {
    out += "✔ 账本完整，数据库内容与账本一致 (intact: every stored subject matches its latest entry)\n";
    return out;
  }
  const Finding& first = r.findings.front();
  out += "✘ 发现 " + std::to_string(r.findings.size()) + " 处不一致 (" + std::to_string(r.findings.size()) + " finding(s))";
  out += first.seq ? "，第一处在第 " + std::to_string(first.seq) + " 条 (the first at entry " + std::to_string(first.seq) + ")\n"
                   : "\n";
  std::size_t shown = 0;
  for (const Finding& f : r.findings) {
    if (++shown > 50) {
      out += "  … 另有 " + std::to_string(r.findings.size() - 50) + " 处 (and " + std::to_string(r.findings.size() - 50) + " more)\n";
      break;
    }
    out += "  " + (f.seq ? "第 " + std::to_string(f.seq) + " 条" : std::string("账本外")) + (f.subject.empty() ? "" : " [" + f.subject + "]") +
           ": " + f.message + "\n";
  }
  return out;
}

}  // namespace entitle::ledger
