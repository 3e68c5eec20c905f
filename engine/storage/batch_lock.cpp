// batch_lock.cpp — who holds a batch lock (recorded as text by the holder, read back by whoever is refused), and the
// refusal's wording shared by every storage implementation.
#include "engine/storage/batch_lock.hpp"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

namespace entitle {
namespace {

/// "entitle batch": the program's file name and the first argument that is not an option, from /proc/self/cmdline.
std::string command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string program, sub;
  std::size_t i = 0;
  for (int arg = 0; i < all.size(); ++arg) {
    std::size_t end = all.find('\0', i);
    if (end == std::string::npos) end = all.size();
    std::string a = all.substr(i, end - i);
    i = end + 1;
    if (arg == 0) program = a.substr(a.rfind('/') == std::string::npos ? 0 : a.rfind('/') + 1);
    else if (!a.empty() && a[0] != '-') {
      sub = a;
      break;
    }
  }
  return sub.empty() ? program : program + " " + sub;
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace

BatchLockHolder BatchLockHolder::this_process(std::string kind, std::string detail, std::string user) {
  BatchLockHolder h;
  h.kind = std::move(kind);
  h.detail = std::move(detail);
  h.user = std::move(user);
  h.command = command_line();
  h.pid = static_cast<std::int64_t>(getpid());
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) h.host = host;
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  h.started = when;
  return h;
}

std::string BatchLockHolder::to_text() const {
  std::ostringstream out;
  out << "pid " << pid << "\nhost " << one_line(host) << "\nstarted " << started << "\nkind " << one_line(kind) << "\ndetail "
      << one_line(detail) << "\nuser " << one_line(user) << "\ncommand " << one_line(command) << "\nrun " << run << "\nscope "
      << one_line(scope) << "\n";
  return out.str();
}

BatchLockHolder BatchLockHolder::parse(const std::string& text) {
  BatchLockHolder h;
  std::istringstream in(text);
  std::set<std::string> seen;  // the first value of a key counts (a stale tail read mid-rewrite never overrides it)
  for (std::string line; std::getline(in, line);) {
    std::size_t sp = line.find(' ');
    std::string key = line.substr(0, sp), value = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (!seen.insert(key).second) continue;
    auto number = [&](std::int64_t& into) {
      try {
        into = std::stoll(value);
      } catch (const std::exception&) {
        into = 0;
      }
    };
    if (key == "pid") number(h.pid);
    else if (key == "run") number(h.run);
    else if (key == "host") h.host = value;
    else if (key == "started") h.started = value;
    else if (key == "kind") h.kind = value;
    else if (key == "detail") h.detail = value;
    else if (key == "user") h.user = value;
    else if (key == "command") h.command = value;
    else if (key == "scope") h.scope = value;
  }
  return h;
}

namespace {

std::string busy_message(const std::string& location, const BatchLockHolder& h) {
  std::string zh, en;
  if (h.kind == "batch") zh = "另一个批量计算正在进行", en = "another batch is running";
  else if (h.kind == "preview") zh = "另一个标准调整的影响预览正在进行", en = "another impact preview is running";
  else if (h.kind == "import") zh = "另一个导入正在进行", en = "another import is running";
  else zh = "另一个批量写入正在进行", en = "another bulk write is running";
  zh += "：案件数据库 '" + location + "'";
  en += " on the case database '" + location + "'";
  if (!h.detail.empty()) {
    bool file = h.kind == "import";
    zh += std::string(file ? "，文件 " : "，月份 ") + h.detail;
    en += std::string(file ? ": file " : ": months ") + h.detail;
  }
  if (h.run > 0) {
    zh += "，第 " + std::to_string(h.run) + " 次运行";
    en += ", run " + std::to_string(h.run);
  }
  if (!h.user.empty()) {
    zh += "，用户 " + h.user;
    en += ", user " + h.user;
  }
  if (!h.command.empty()) {
    zh += "，" + h.command;
    en += ", " + h.command;
  }
  if (h.pid > 0) {
    zh += " (进程 " + std::to_string(h.pid) + (h.host.empty() ? "" : "，主机 " + h.host) + "，开始于 " + h.started + ")";
    en += " (process " + std::to_string(h.pid) + (h.host.empty() ? "" : " on host " + h.host) + ", started " + h.started + ")";
  } else {
    zh += " (持有者尚未登记)";
    en += " (its holder has not recorded itself yet)";
  }
  return zh + "；请待其结束后再运行 (" + en + "; run this again when it has finished)";
}

}  // namespace

BatchBusy::BatchBusy(const std::string& location, BatchLockHolder h) : StorageError(busy_message(location, h)), holder(std::move(h)) {}

}  // namespace entitle
