#pragma once
// The node's SQLite database: one writer thread that group-commits, and a pool of readers.
//
//   Result<CaseId> id = co_await db.Write<CaseId>([&](Connection& c) { return store.Insert(c, x);
//   });
//
// Write jobs are queued to the single writer thread, which takes every job waiting, runs each in
// its own savepoint inside one transaction, commits once (one fsync for the whole group), and
// only then completes each job. A job's result therefore reaches its caller only after its
// change is durable; a failed job rolls back its own savepoint and nothing else. If the commit
// itself fails, every job of the group fails with that error and none of them is applied.
//
// WAL checkpoints run on their own thread and connection (PASSIVE, a few times a second), never
// on the writer: a checkpoint copies the WAL back into the database file and fsyncs it, which on
// the writer would stall every request waiting for the next commit. PASSIVE alone never lets the
// WAL file start over while readers keep overlapping (it grew to 13 GB in the federation
// simulation), so once the file passes `wal_truncate_bytes` the checkpointer runs a TRUNCATE
// checkpoint, waiting at most a quarter second for readers; if they do not clear, it gives up and
// tries again on the next round. The writer waits for it at most that long.
//
// Read jobs run on a pool of read-only connections, each in its own read transaction (a
// consistent snapshot). Blocking SQLite work never runs on the caller's (I/O) thread: the
// awaitable forms resume the coroutine on its own executor when the job is done.
//
// Thread safety: Write, Read and their Sync forms may be called from any thread. The Sync forms
// block the caller and must not be used on an I/O thread.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "node/store/connection.hpp"

namespace simpul::store {

// A schema step: migration i (0-based) moves the database to user_version i+1.
using Migration = std::string_view;

struct DatabaseOptions {
  std::filesystem::path path;
  int readers = 2;
  size_t max_group = 1024;                        // most jobs in one commit
  std::uintmax_t wal_truncate_bytes = 64u << 20;  // WAL size that asks for a TRUNCATE checkpoint
};

// Counters read by /metrics. Monotonic except queue_depth.
struct WriterStats {
  std::uint64_t commits = 0;
  std::uint64_t jobs = 0;
  std::uint64_t failed_commits = 0;
  std::uint64_t queue_depth = 0;
  std::uint64_t max_group = 0;
  std::uint64_t wal_truncations = 0;  // TRUNCATE checkpoints that reset the WAL file
  std::uint64_t wal_bytes = 0;        // WAL file size at the checkpointer's last look
};

class Database {
 public:
  // Opens the database, applies any migrations beyond its user_version in one transaction, and
  // starts the writer and reader threads. Fails kUnavailable if the file cannot be opened and
  // kInternal if a migration fails (the database is then left at its old version), or
  // kConflict if the file's schema is newer than this build knows.
  static Result<std::unique_ptr<Database>> Open(const DatabaseOptions& options,
                                                std::span<const Migration> migrations);
  ~Database();  // finishes every queued job, then stops the threads
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  template <class T>
  using Job = std::function<Result<T>(Connection&)>;

  template <class T>
  boost::asio::awaitable<Result<T>> Write(Job<T> job) {
    return Await<T>(std::move(job), /*write=*/true);
  }
  template <class T>
  boost::asio::awaitable<Result<T>> Read(Job<T> job) {
    return Await<T>(std::move(job), /*write=*/false);
  }
  template <class T>
  Result<T> WriteSync(Job<T> job) {
    return Block<T>(std::move(job), /*write=*/true);
  }
  template <class T>
  Result<T> ReadSync(Job<T> job) {
    return Block<T>(std::move(job), /*write=*/false);
  }

  WriterStats writer_stats() const;
  const std::filesystem::path& path() const { return path_; }
  // Schema version after migrations.
  int schema_version() const { return schema_version_; }

  // Registers `listener`, called on the writer thread after every successful commit (before the
  // group's callers hear back). The federation outbox uses it to wake its dispatchers only once
  // what they will read is durable. Set it before the first write; it must be quick and must
  // not throw.
  void SetCommitListener(std::function<void()> listener) { commit_listener_ = std::move(listener); }

 private:
  // A type-erased job: `run` executes on a worker thread and reports success; `done` is called
  // once afterwards with the commit error, if the group's commit failed.
  struct Task {
    std::function<bool(Connection&)> run;
    std::function<void(const Error*)> done;
  };
  class TaskQueue;

  Database() = default;
  void Enqueue(Task task, bool write);
  void WriterLoop(Connection conn);
  void ReaderLoop(Connection conn);
  void CheckpointLoop(Connection conn);
  void RunGroup(Connection& conn, std::vector<Task>& group);

  template <class T>
  static Task MakeTask(Job<T> job, std::function<void(Result<T>)> deliver) {
    auto slot = std::make_shared<std::optional<Result<T>>>();
    return Task{[job = std::move(job), slot](Connection& c) {
                  // A job that throws fails alone (its savepoint is rolled back); uncaught, the
                  // exception would end the database thread and with it the whole process.
                  try {
                    slot->emplace(job(c));
                  } catch (const std::exception& e) {
                    slot->emplace(tl::unexpected(Error{
                        ErrorCode::kInternal, std::string("database job failed: ") + e.what()}));
                  }
                  return slot->value().has_value();
                },
                [slot, deliver = std::move(deliver)](const Error* commit_error) {
                  if (commit_error != nullptr) {
                    deliver(tl::unexpected(*commit_error));
                  } else {
                    deliver(std::move(slot->value()));
                  }
                }};
  }

  // Deliberately not a coroutine: GCC 12 destroys a capturing lambda that appears inside a
  // co_await expression twice, which freed the job while the writer still ran it.
  // Not a coroutine on purpose: GCC 12 mishandles by-value std::function parameters kept in a
  // coroutine frame, so the job lives in a shared_ptr owned by the initiation instead.
  template <class T>
  boost::asio::awaitable<Result<T>> Await(Job<T> job, bool write) {
    namespace net = boost::asio;
    auto shared_job = std::make_shared<Job<T>>(std::move(job));
    return net::async_initiate<decltype(net::use_awaitable), void(Result<T>)>(
        [this, write, shared_job](auto handler) {
          // The handler is move-only and must be invoked exactly once, on its own executor. It
          // waits in a shared slot (Task is copyable) and is moved out when the job is done.
          using Handler = decltype(handler);
          auto slot = std::make_shared<std::optional<Handler>>(std::move(handler));
          auto deliver = [slot](Result<T> r) {
            Handler h = std::move(**slot);
            slot->reset();
            auto executor = net::get_associated_executor(h);
            net::post(executor, [h = std::move(h), r = std::move(r)]() mutable {
              std::move(h)(std::move(r));
            });
          };
          Enqueue(MakeTask<T>([shared_job](Connection& c) { return (*shared_job)(c); },
                              std::move(deliver)),
                  write);
        },
        net::use_awaitable);
  }

  template <class T>
  Result<T> Block(Job<T> job, bool write) {
    auto promise = std::make_shared<std::promise<Result<T>>>();
    auto future = promise->get_future();
    Enqueue(
        MakeTask<T>(std::move(job), [promise](Result<T> r) { promise->set_value(std::move(r)); }),
        write);
    return future.get();
  }

  std::filesystem::path path_;
  size_t max_group_ = 1024;
  std::uintmax_t wal_truncate_bytes_ = 64u << 20;
  std::function<void()> commit_listener_;
  int schema_version_ = 0;
  std::unique_ptr<TaskQueue> writes_;
  std::unique_ptr<TaskQueue> reads_;
  std::vector<std::thread> threads_;
  std::thread checkpointer_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool stopping_ = false;
  mutable std::mutex stats_mu_;
  WriterStats stats_;
};

}  // namespace simpul::store
