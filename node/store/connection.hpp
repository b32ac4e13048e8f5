#pragma once
// A SQLite connection with a statement cache, and the bound statement it lends out.
//
//   auto stmt = conn.Prepare("SELECT state FROM cases WHERE tracking_id = ?");
//   if (!stmt) return tl::unexpected(stmt.error());
//   stmt->Bind(1, tracking_id);
//   auto row = stmt->Step();   // Result<bool>: true while a row is ready
//
// A Connection is used by one thread at a time (the writer thread or one reader thread).
// Prepared statements are cached by SQL text; a Statement resets and clears its bindings when it
// goes out of scope, so the cached statement is ready for the next caller.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sqlite3.h>

#include "crypto/result.hpp"

namespace simpul::store {

template <auto Free>
struct CFree {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(Statement&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)), bind_rc_(other.bind_rc_) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Binds parameter `index` (1-based). Text and blobs are copied by SQLite.
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Statement& Bind(int index, bool value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, std::span<const std::uint8_t> blob);
  Statement& Bind(int index, std::nullopt_t);
  template <class T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : Bind(index, std::nullopt);
  }
  // Binds each argument in order starting at parameter 1.
  template <class... Args>
  Statement& BindAll(const Args&... args) {
    int index = 0;
    (Bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row. Returns true when a row is ready, false when done.
  // Fails with kConflict on a constraint violation, kUnavailable when the database is busy or the
  // disk is full, kInternal otherwise.
  [[nodiscard]] Result<bool> Step();
  // Steps until done; for statements that return no rows.
  [[nodiscard]] Result<void> Run();

  std::int64_t Int(int column) const;
  double Real(int column) const;
  std::string Text(int column) const;
  std::vector<std::uint8_t> Blob(int column) const;
  bool IsNull(int column) const;
  std::optional<std::int64_t> OptionalInt(int column) const;

 private:
  Statement& Check(int rc);

  sqlite3_stmt* stmt_;
  int bind_rc_ = SQLITE_OK;  // the first failed bind, reported by the next Step
};

enum class OpenMode { kReadWrite, kReadOnly };

class Connection {
 public:
  // Opens (creating if kReadWrite) the database at `path` in WAL mode with synchronous=FULL,
  // foreign keys on, secure_delete on and a busy timeout. Fails with kUnavailable if the file
  // cannot be opened.
  static Result<Connection> Open(const std::filesystem::path& path, OpenMode mode);

  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  // Runs one or more statements without parameters.
  [[nodiscard]] Result<void> Exec(std::string_view sql);
  // Returns the cached prepared statement for `sql`, preparing it on first use.
  [[nodiscard]] Result<Statement> Prepare(std::string_view sql);
  std::int64_t LastInsertRowId() const;
  int Changes() const;
  sqlite3* raw() const { return db_.get(); }

 private:
  using DbHandle = std::unique_ptr<sqlite3, CFree<&::sqlite3_close_v2>>;
  using StmtHandle = std::unique_ptr<sqlite3_stmt, CFree<&::sqlite3_finalize>>;
  explicit Connection(DbHandle db);

  DbHandle db_;
  std::unordered_map<std::string, StmtHandle> cache_;
};

// Steps `s` to its end and returns `read(s)` of every row, in order; fails with Step's error.
template <class Row, class Reader>
Result<std::vector<Row>> CollectRows(Statement& s, Reader read) {
  std::vector<Row> out;
  for (;;) {
    auto row = s.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return out;
    out.push_back(read(s));
  }
}

// Maps the SQLite result code `rc` of `db` to an Error whose message starts with `what`.
Error SqliteError(sqlite3* db, int rc, std::string_view what);

// Runs `body` inside a savepoint: released when it succeeds, rolled back when it fails, so a
// failed step leaves no partial change behind.
template <class F>
auto WithSavepoint(Connection& conn, F&& body) -> decltype(body()) {
  if (auto r = conn.Exec("SAVEPOINT step"); !r) return tl::unexpected(r.error());
  auto result = body();
  if (result) {
    if (auto r = conn.Exec("RELEASE step"); !r) return tl::unexpected(r.error());
  } else {
    (void)conn.Exec("ROLLBACK TO step");
    (void)conn.Exec("RELEASE step");
  }
  return result;
}

}  // namespace simpul::store
