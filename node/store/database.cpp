#include "node/store/database.hpp"

#include <string>

#include <sqlite3.h>

namespace simpul::store {

// A closable FIFO of tasks shared by worker threads.
class Database::TaskQueue {
 public:
  void Push(Task task) {
    {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }
  // Waits for at least one task and moves up to `max` into `out`. Returns false once closed and
  // empty.
  bool PopGroup(std::vector<Task>& out, size_t max) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !tasks_.empty() || closed_; });
    if (tasks_.empty()) return false;
    while (!tasks_.empty() && out.size() < max) {
      out.push_back(std::move(tasks_.front()));
      tasks_.pop_front();
    }
    return true;
  }
  void Close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return tasks_.size();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
  bool closed_ = false;
};

namespace {

Result<int> UserVersion(Connection& conn) {
  auto stmt = conn.Prepare("PRAGMA user_version");
  if (!stmt) return tl::unexpected(stmt.error());
  auto row = stmt->Step();
  if (!row) return tl::unexpected(row.error());
  return static_cast<int>(stmt->Int(0));
}

Result<int> Migrate(Connection& conn, std::span<const Migration> migrations) {
  auto current = UserVersion(conn);
  if (!current) return current;
  const int target = static_cast<int>(migrations.size());
  if (*current > target) {
    return Fail(ErrorCode::kConflict, "database schema version " + std::to_string(*current) +
                                          " is newer than this build (" + std::to_string(target) +
                                          "); upgrade simpul before opening it");
  }
  if (*current == target) return target;
  if (auto r = conn.Exec("BEGIN IMMEDIATE"); !r) return tl::unexpected(r.error());
  for (int v = *current; v < target; ++v) {
    auto step = conn.Exec(migrations[static_cast<size_t>(v)]);
    if (!step) {
      (void)conn.Exec("ROLLBACK");
      return Fail(ErrorCode::kInternal, "migration to schema " + std::to_string(v + 1) +
                                            " failed: " + step.error().message);
    }
  }
  if (auto r = conn.Exec("PRAGMA user_version = " + std::to_string(target)); !r) {
    (void)conn.Exec("ROLLBACK");
    return tl::unexpected(r.error());
  }
  if (auto r = conn.Exec("COMMIT"); !r) return tl::unexpected(r.error());
  return target;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options,
                                                 std::span<const Migration> migrations) {
  auto writer = Connection::Open(options.path, OpenMode::kReadWrite);
  if (!writer) return tl::unexpected(writer.error());
  auto version = Migrate(*writer, migrations);
  if (!version) return tl::unexpected(version.error());

  // The checkpointer thread owns checkpoints; the writer never runs one.
  if (auto r = writer->Exec("PRAGMA wal_autocheckpoint=0"); !r) return tl::unexpected(r.error());
  auto checkpoint_conn = Connection::Open(options.path, OpenMode::kReadWrite);
  if (!checkpoint_conn) return tl::unexpected(checkpoint_conn.error());
  if (auto r = checkpoint_conn->Exec("PRAGMA wal_autocheckpoint=0"); !r) {
    return tl::unexpected(r.error());
  }

  std::unique_ptr<Database> db(new Database());
  db->path_ = options.path;
  db->max_group_ = options.max_group;
  db->wal_truncate_bytes_ = options.wal_truncate_bytes;
  db->schema_version_ = *version;
  db->writes_ = std::make_unique<TaskQueue>();
  db->reads_ = std::make_unique<TaskQueue>();
  std::vector<Connection> readers;
  for (int i = 0; i < std::max(1, options.readers); ++i) {
    auto reader = Connection::Open(options.path, OpenMode::kReadOnly);
    if (!reader) return tl::unexpected(reader.error());
    readers.push_back(std::move(*reader));
  }
  db->threads_.emplace_back(
      [raw = db.get(), conn = std::move(*writer)]() mutable { raw->WriterLoop(std::move(conn)); });
  for (auto& reader : readers) {
    db->threads_.emplace_back(
        [raw = db.get(), conn = std::move(reader)]() mutable { raw->ReaderLoop(std::move(conn)); });
  }
  db->checkpointer_ = std::thread([raw = db.get(), conn = std::move(*checkpoint_conn)]() mutable {
    raw->CheckpointLoop(std::move(conn));
  });
  return db;
}

Database::~Database() {
  writes_->Close();
  reads_->Close();
  for (auto& t : threads_) t.join();
  {
    std::lock_guard lock(checkpoint_mu_);
    stopping_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
}

void Database::CheckpointLoop(Connection conn) {
  // A TRUNCATE checkpoint holds off the writer while it waits for readers: keep that wait short.
  sqlite3_busy_timeout(conn.raw(), 250);
  const std::filesystem::path wal = path_.string() + "-wal";
  std::unique_lock lock(checkpoint_mu_);
  while (!stopping_) {
    checkpoint_cv_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_; });
    lock.unlock();
    // PASSIVE never blocks the writer or readers; what it cannot copy now it copies next time.
    (void)conn.Exec("PRAGMA wal_checkpoint(PASSIVE)");
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(wal, ec);
    bool truncated = false;
    if (!ec && size > wal_truncate_bytes_) {
      // The pragma reports SQLITE_BUSY as a row; the C call reports it as its result.
      truncated = sqlite3_wal_checkpoint_v2(conn.raw(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                            nullptr, nullptr) == SQLITE_OK;
    }
    {
      std::lock_guard stats_lock(stats_mu_);
      stats_.wal_bytes = ec ? 0 : (truncated ? 0 : size);
      if (truncated) ++stats_.wal_truncations;
    }
    lock.lock();
  }
  lock.unlock();
  // All other threads have stopped: fold the whole WAL back and truncate it.
  (void)conn.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void Database::Enqueue(Task task, bool write) { (write ? writes_ : reads_)->Push(std::move(task)); }

WriterStats Database::writer_stats() const {
  std::lock_guard lock(stats_mu_);
  WriterStats s = stats_;
  s.queue_depth = writes_->size();
  return s;
}

void Database::WriterLoop(Connection conn) {
  std::vector<Task> group;
  while (writes_->PopGroup(group, max_group_)) {
    RunGroup(conn, group);
    group.clear();
  }
}

void Database::RunGroup(Connection& conn, std::vector<Task>& group) {
  auto begin = conn.Exec("BEGIN IMMEDIATE");
  if (!begin) {
    for (auto& t : group) t.done(&begin.error());
    return;
  }
  // Prepared (and cached) rather than exec'd: these run once per job on the serial path.
  auto step = [&conn](std::string_view sql) {
    if (auto s = conn.Prepare(sql)) (void)s->Run();
  };
  for (auto& task : group) {
    step("SAVEPOINT job");
    bool ok = task.run(conn);
    if (!ok) step("ROLLBACK TO job");
    step("RELEASE job");
  }
  auto commit = conn.Exec("COMMIT");
  if (!commit) (void)conn.Exec("ROLLBACK");
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.commits;
    stats_.jobs += group.size();
    stats_.max_group = std::max<std::uint64_t>(stats_.max_group, group.size());
    if (!commit) ++stats_.failed_commits;
  }
  if (commit && commit_listener_) commit_listener_();
  const Error* error = commit ? nullptr : &commit.error();
  for (auto& t : group) t.done(error);
}

void Database::ReaderLoop(Connection conn) {
  std::vector<Task> one;
  while (reads_->PopGroup(one, 1)) {
    auto begin = conn.Exec("BEGIN");
    if (!begin) {
      one.front().done(&begin.error());
    } else {
      one.front().run(conn);
      (void)conn.Exec("COMMIT");
      one.front().done(nullptr);
    }
    one.clear();
  }
}

}  // namespace simpul::store
