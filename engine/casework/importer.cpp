// importer.cpp — file → validated households → case database.
#include "engine/casework/importer.hpp"

#include <optional>
#include <vector>

#include "engine/api/record_source.hpp"

namespace entitle {
namespace {

std::string enum_name(const ir::RuleSet& rs, const ir::EntityDef& e, int field, const Value& v) {
  return rs.enums[e.fields[field].type.ref].values[v.scalar];
}

}  // namespace

std::vector<MemberRow> member_rows(const ir::RuleSet& rs, const Household& hh) {
  std::vector<MemberRow> out;
  const ir::EntityDef& root = rs.entities[rs.root_entity];
  int members = root.find_field("members");
  if (members < 0) return out;
  const ir::EntityDef& m = rs.entities[root.fields[members].type.ref];
  int rel = m.find_field("relation"), birth = m.find_field("birth_date"), idn = m.find_field("id_number"), dis = m.find_field("disability"),
      name = m.find_field("name");
  for (const Instance* inst : hh.root().fields[members].list()) {
    MemberRow row;
    row.member_id = inst->id;
    if (rel >= 0 && inst->present[rel] && m.fields[rel].type.kind == ir::TypeKind::Enum) row.relation = enum_name(rs, m, rel, inst->fields[rel]);
    if (birth >= 0 && inst->present[birth]) row.birth_date = Date{inst->fields[birth].scalar}.to_string();
    if (idn >= 0 && inst->present[idn]) row.id_number = inst->fields[idn].text();
    if (name >= 0 && inst->present[name]) row.name = inst->fields[name].text();
    if (dis >= 0 && inst->present[dis]) {
      const Instance* d = inst->fields[dis].instance();
      int grade = rs.entities[d->entity].find_field("grade");
      if (grade >= 0 && d->present[grade]) row.disability_grade = static_cast<int>(d->fields[grade].num.num());
    }
    out.push_back(std::move(row));
  }
  return out;
}

/// import_file with the database's batch lock held.
static ImportSummary import_locked(Storage& db, const ir::RuleSet& rs, const std::string& path, const LoadOptions& options,
                                   const std::function<void(const InputError&)>& on_error, std::size_t chunk) {
  HouseholdRepository& store = db.households();
  ImportSummary sum;
  sum.import_id = store.begin_import(path);
  const ir::EntityDef& root = rs.entities[rs.root_entity];
  int area_field = root.find_field("area");
  // Valid households are stored `chunk` at a time, each chunk in one write transaction with the import's counts so
  // far, so a killed import's row says what it stored.
  std::vector<HouseholdPut> pending;
  auto store_pending = [&] {
    WriteTransaction tx = db.begin_write();
    if (!pending.empty()) {
      for (HouseholdRepository::Put put : store.put_many(pending, sum.import_id)) {
        switch (put) {
          case HouseholdRepository::Put::New: ++sum.stored_new; break;
          case HouseholdRepository::Put::Updated: ++sum.updated; break;
          case HouseholdRepository::Put::Unchanged: ++sum.unchanged; break;
        }
      }
    }
    store.finish_import(sum.import_id, sum.records, sum.stored_new + sum.updated, sum.unchanged, sum.rejected);
    tx.commit();
    pending.clear();
  };
  std::string error;
  bool ok = read_records(path, [&](RawRecord&& rec) {
    ++sum.records;
    if (!rec.json) {
      ++sum.rejected;
      on_error({rec.label, "", rec.error});
      return;
    }
    // Values written by their Chinese label are stored by their name, so the stored record does not depend on
    // the labels of this rule set.
    if (canonicalise_enum_labels(rs, *rec.json) > 0) rec.text.clear();
    Household hh;
    std::vector<InputError> errors;
    if (!load_household(rs, *rec.json, rec.label, hh, errors, options)) {
      ++sum.rejected;
      for (const auto& e : errors) on_error(e);
      return;
    }
    std::string area = area_field >= 0 && hh.root().present[area_field]
                           ? rs.enums[root.fields[area_field].type.ref].values[hh.root().fields[area_field].scalar]
                           : "";
    std::string text = rec.text.empty() ? to_json_text(*rec.json) : std::move(rec.text);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
    pending.push_back(HouseholdPut{hh.id, hh.region, std::move(area), std::move(text), member_rows(rs, hh), ""});
    if (pending.size() >= chunk) store_pending();
  }, error, &rs);
  if (!ok) {  // the file itself (a CSV header, an unreadable file): said, and the import fails
    sum.file_error = error;
    on_error({path, "", error});
  }
  store_pending();  // the last households, and the import's final counts
  return sum;
}

ImportSummary import_file(Storage& db, const ir::RuleSet& rs, const std::string& path, const LoadOptions& options,
                          const std::function<void(const InputError&)>& on_error, std::size_t chunk) {
  try {
    // An import and a batch never write at once, so a batch decides one state of the households (docs/design.md).
    BatchLock lock = db.lock_batch("", BatchLockHolder::this_process("import", path));
    return import_locked(db, rs, path, options, on_error, chunk);
  } catch (const StorageError&) {
    throw;
  } catch (const std::exception& e) {  // the disk full, an I/O error: said as such, naming the database
    if (auto failure = db.database_failure(e)) throw *failure;
    throw;
  }
}

}  // namespace entitle
