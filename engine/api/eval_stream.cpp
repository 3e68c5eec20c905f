// eval_stream.cpp — eval_household_file: a reading thread cuts JSON Lines into chunks, worker threads (each with its
// own parser, record tree and evaluation scratch) turn a chunk into rendered results and errors, and the reading
// thread writes finished chunks strictly in order.
#include "engine/api/eval_stream.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

#include "engine/api/json_lines.hpp"
#include "engine/api/record_source.hpp"
#include "engine/base/json_fast.hpp"
#include "engine/explain/render.hpp"

namespace entitle {

namespace {

/// Lines per chunk, and bytes at which a chunk is cut sooner: enough work to amortise a hand-over, small enough to
/// keep every thread busy and memory flat.
constexpr std::size_t kChunkLines = 2048;
constexpr std::size_t kChunkBytes = std::size_t(1) << 20;

struct ChunkLine {
  std::size_t number = 0;
  std::uintmax_t too_long = 0;  // > 0: the line's length, over the limit; no text kept
  std::size_t offset = 0, length = 0;
};

struct Chunk {
  std::string text;  // the lines' bytes, back to back
  std::vector<ChunkLine> lines;
  std::string out;
  std::vector<InputError> errors;
  EvalStreamCounts counts;
  std::exception_ptr failure;  // what a worker threw: rethrown on the reading thread, in file order
  bool done = false;
};

/// What one thread keeps from one record to the next.
struct WorkerState {
  FastJsonParser parser;
  JsonNode record;
  Household household;
  EvalScratch scratch;
};

bool blank(std::string_view t) { return t.find_first_not_of(" \t\r") == std::string_view::npos; }

class Session {
public:
  Session(const std::string& path, const LoadedRules& rules, const Evaluator& ev, const EvalStreamOptions& o)
      : path_(path), rules_(rules), ev_(ev), o_(o), json_(*rules.rules, rules.sources) {}

  /// One household's result as the chosen format renders it, then a newline.
  void render(const Household& hh, const HouseholdResult& r, std::string& out, EvalStreamCounts& counts) const {
    const ir::RuleSet& rs = *rules_.rules;
    if (!r.errors.empty()) ++counts.with_errors;
    ++counts.households;
    if (o_.format == ResultFormat::Json) json_.append(out, r, o_.explain, &hh);
    else out += render_result_text(rs, rules_.sources, r, o_.explain, &hh);
    out += '\n';
  }

  void process(Chunk& c, WorkerState& w) const {
    const ir::RuleSet& rs = *rules_.rules;
    std::string error;
    for (const ChunkLine& line : c.lines) {
      std::string label = path_ + ":" + std::to_string(line.number);
      if (line.too_long) {
        c.errors.push_back({label, "", record_too_long_message(line.too_long)});
        ++c.counts.problems;
        continue;
      }
      std::string_view text(c.text.data() + line.offset, line.length);
      if (!w.parser.parse(text, w.record, error)) {
        c.errors.push_back({label, "", "not valid JSON: " + error});
        ++c.counts.problems;
        continue;
      }
      Household& hh = w.household;
      std::vector<InputError> errors;
      if (!load_household(rs, w.record, label, hh, errors, o_.load)) {
        c.counts.problems += errors.size();
        for (auto& e : errors) c.errors.push_back(std::move(e));
        continue;
      }
      render(hh, ev_.evaluate(hh, o_.month, o_.explain, nullptr, w.scratch), c.out, c.counts);
    }
  }

  std::string path_;
  const LoadedRules& rules_;
  const Evaluator& ev_;
  const EvalStreamOptions& o_;
  ResultJsonWriter json_;
};

/// The chunks in flight, oldest first, and the workers that fill them.
class Pipeline {
public:
  Pipeline(const Session& session, unsigned threads) : session_(session) {
    try {
      for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
    } catch (...) {  // a thread could not be started: stop the ones that were, then say why
      stop();
      throw;
    }
  }
  ~Pipeline() { stop(); }
  /// Hands a chunk to the workers; first writes out finished chunks while too many are in flight.
  void submit(std::unique_ptr<Chunk> chunk, const std::function<void(std::unique_ptr<Chunk>)>& flush) {
    std::unique_lock<std::mutex> lock(mu_);
    while (in_flight_.size() >= 4 * workers_.size()) flush_front(lock, flush);
    in_flight_.push_back(std::move(chunk));
    todo_.push_back(in_flight_.back().get());
    ready_.notify_one();
  }
  void finish(const std::function<void(std::unique_ptr<Chunk>)>& flush) {
    std::unique_lock<std::mutex> lock(mu_);
    while (!in_flight_.empty()) flush_front(lock, flush);
  }

private:
  void flush_front(std::unique_lock<std::mutex>& lock, const std::function<void(std::unique_ptr<Chunk>)>& flush) {
    done_.wait(lock, [&] { return in_flight_.front()->done; });
    std::unique_ptr<Chunk> c = std::move(in_flight_.front());
    in_flight_.pop_front();
    lock.unlock();
    flush(std::move(c));
    lock.lock();
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }
  void work() {
    std::unique_ptr<WorkerState> state;
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      ready_.wait(lock, [&] { return stopping_ || !todo_.empty(); });
      if (todo_.empty()) return;
      Chunk* c = todo_.front();
      todo_.pop_front();
      lock.unlock();
      try {
        if (!state) state = std::make_unique<WorkerState>();
        session_.process(*c, *state);
      } catch (...) {
        c->failure = std::current_exception();
        state.reset();  // whatever it held may be half-built
      }
      lock.lock();
      c->done = true;
      done_.notify_all();
    }
  }
  const Session& session_;
  std::mutex mu_;
  std::condition_variable ready_, done_;
  std::deque<std::unique_ptr<Chunk>> in_flight_;
  std::deque<Chunk*> todo_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

bool ends_with(const std::string& s, const char* suffix) {
  std::size_t n = std::char_traits<char>::length(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

}  // namespace

bool eval_household_file(const std::string& path, const LoadedRules& rules, const Evaluator& evaluator,
                         const EvalStreamOptions& options, std::ostream& out,
                         const std::function<void(const InputError&)>& on_error, EvalStreamCounts& counts) {
  Session session(path, rules, evaluator, options);
  // CSV, and a file that is one (pretty-printed) JSON document, are read a record at a time by read_records.
  auto one_at_a_time = [&] {
    EvalScratch scratch;
    std::string text;
    return load_household_file(
        path, *rules.rules, options.load,
        [&](const Household& hh) {
          text.clear();
          session.render(hh, evaluator.evaluate(hh, options.month, options.explain, nullptr, scratch), text, counts);
          out << text;
        },
        [&](const InputError& e) {
          ++counts.problems;
          on_error(e);
        });
  };
  if (ends_with(path, ".csv")) return one_at_a_time();
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  JsonLinesReader reader(in, kMaxRecordBytes);
  JsonLinesReader::Line line;
  bool first = true;

  // Written chunks go back to a free list with their buffers, so a steady run allocates no new chunk memory.
  std::mutex spare_mu;
  std::vector<std::unique_ptr<Chunk>> spare;
  auto flush = [&](std::unique_ptr<Chunk> c) {
    if (c->failure) std::rethrow_exception(c->failure);  // the chunks before it are written; the caller says why
    out.write(c->out.data(), std::streamsize(c->out.size()));
    for (const InputError& e : c->errors) on_error(e);
    counts.households += c->counts.households;
    counts.with_errors += c->counts.with_errors;
    counts.problems += c->counts.problems;
    c->text.clear();
    c->lines.clear();
    c->out.clear();
    c->errors.clear();
    c->counts = {};
    c->done = false;
    std::lock_guard<std::mutex> lock(spare_mu);
    spare.push_back(std::move(c));
  };
  auto fresh_chunk = [&] {
    std::lock_guard<std::mutex> lock(spare_mu);
    if (spare.empty()) return std::make_unique<Chunk>();
    std::unique_ptr<Chunk> c = std::move(spare.back());
    spare.pop_back();
    return c;
  };
  std::unique_ptr<Pipeline> pipeline;
  if (options.threads > 1) pipeline = std::make_unique<Pipeline>(session, options.threads);
  WorkerState inline_state;  // threads == 1: chunks are processed here
  auto chunk = fresh_chunk();
  auto hand_over = [&] {
    if (chunk->lines.empty()) return;
    if (pipeline) {
      pipeline->submit(std::move(chunk), flush);
    } else {
      session.process(*chunk, inline_state);
      flush(std::move(chunk));
    }
    chunk = fresh_chunk();
  };
  while (reader.next(line)) {
    if (first && !line.too_long) {
      first = false;
      std::string error;
      if (blank(line.text) || !parse_json(line.text, error)) {
        // One pretty-printed household: read from what is already in hand (FILE may be a pipe, read only once).
        std::error_code ec;
        std::uintmax_t file_bytes = std::filesystem::file_size(path, ec);
        if (ec) file_bytes = 0;
        EvalScratch scratch;
        std::string text;
        read_one_document(path, std::string(line.text) + "\n" + reader.rest(), file_bytes, [&](RawRecord&& rec) {
          load_raw_record(std::move(rec), *rules.rules, options.load, [&](const Household& hh) {
            text.clear();
            session.render(hh, evaluator.evaluate(hh, options.month, options.explain, nullptr, scratch), text, counts);
            out << text;
          }, [&](const InputError& e) {
            ++counts.problems;
            on_error(e);
          });
        });
        return true;
      }
    }
    first = false;
    if (!line.too_long && blank(line.text)) continue;
    ChunkLine cl;
    cl.number = line.number;
    cl.too_long = line.too_long;
    if (!line.too_long) {
      cl.offset = chunk->text.size();
      cl.length = line.text.size();
      chunk->text.append(line.text);
    }
    chunk->lines.push_back(cl);
    if (chunk->lines.size() >= kChunkLines || chunk->text.size() >= kChunkBytes) hand_over();
  }
  hand_over();
  if (pipeline) pipeline->finish(flush);
  return true;
}

}  // namespace entitle
