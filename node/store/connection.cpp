#include "node/store/connection.hpp"

#include <chrono>

namespace simpul::store {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  const char* detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = std::string(what) + ": " + detail;
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return Error{ErrorCode::kConflict, std::move(message)};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return Error{ErrorCode::kUnavailable, std::move(message)};
    default:
      return Error{ErrorCode::kInternal, std::move(message)};
  }
}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::Bind(int index, std::int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value));
}

Statement& Statement::Bind(int index, double value) {
  return Check(sqlite3_bind_double(stmt_, index, value));
}

Statement& Statement::Bind(int index, std::string_view value) {
  return Check(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Statement& Statement::Bind(int index, std::span<const std::uint8_t> blob) {
  return Check(sqlite3_bind_blob64(stmt_, index, blob.data(), blob.size(), SQLITE_TRANSIENT));
}

Statement& Statement::Bind(int index, std::nullopt_t) {
  return Check(sqlite3_bind_null(stmt_, index));
}

Statement& Statement::Check(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Result<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) {
    return tl::unexpected(SqliteError(sqlite3_db_handle(stmt_), bind_rc_, "sqlite bind"));
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return tl::unexpected(SqliteError(sqlite3_db_handle(stmt_), rc, "sqlite step"));
}

Result<void> Statement::Run() {
  for (;;) {
    auto row = Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) {
      // Ready for new bindings: SQLite refuses to bind a finished statement until it is reset.
      sqlite3_reset(stmt_);
      return {};
    }
  }
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::Real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::vector<std::uint8_t> Statement::Blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  if (data == nullptr) return {};
  return {data, data + sqlite3_column_bytes(stmt_, column)};
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

Connection::Connection(DbHandle db) : db_(std::move(db)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() {
  cache_.clear();  // statements must be finalized before the connection closes
}

Result<Connection> Connection::Open(const std::filesystem::path& path, OpenMode mode) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX |
              (mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                           : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) {
    return tl::unexpected(SqliteError(db.get(), rc, "cannot open database " + path.string()));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), 5000);
  Connection conn(std::move(db));
  // WAL with FULL sync: a committed transaction survives power loss. secure_delete overwrites
  // freed content, so an erased reporter key does not linger in free pages.
  const char* pragmas =
      mode == OpenMode::kReadOnly
          ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"
          : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA secure_delete=ON; PRAGMA wal_autocheckpoint=4000;";
  if (auto r = conn.Exec(pragmas); !r) return tl::unexpected(r.error());
  return conn;
}

Result<void> Connection::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err);
  std::unique_ptr<char, CFree<&::sqlite3_free>> err_holder(err);
  if (rc != SQLITE_OK) return tl::unexpected(SqliteError(db_.get(), rc, "sqlite exec"));
  return {};
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    StmtHandle stmt(raw);
    if (rc != SQLITE_OK) return tl::unexpected(SqliteError(db_.get(), rc, "sqlite prepare"));
    it = cache_.emplace(std::string(sql), std::move(stmt)).first;
  }
  return Statement(it->second.get());
}

std::int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_.get()); }

int Connection::Changes() const { return sqlite3_changes(db_.get()); }

}  // namespace simpul::store
