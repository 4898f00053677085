#include "store/postgres.h"

#include <poll.h>

#include <cerrno>
#include <charconv>

namespace pkgstats::store::pg {

std::string hex_of(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    hex += kHex[static_cast<unsigned char>(c) >> 4];
    hex += kHex[static_cast<unsigned char>(c) & 15];
  }
  return hex;
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  // scheme://user:PASSWORD@host...
  if (size_t start = out.find("://"); start != std::string::npos) {
    start += 3;
    const size_t at = out.find('@', start);
    const size_t slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // ...?password=PASSWORD&...
  for (size_t key = out.find("password="); key != std::string::npos;
       key = out.find("password=", key + 1)) {
    const size_t value = key + 9;
    const size_t end = out.find('&', value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

Params& Params::add(std::string_view text) {
  values_.emplace_back(text);
  lengths_.push_back(static_cast<int>(text.size()));
  formats_.push_back(0);
  return *this;
}

Params& Params::add_bytes(std::string_view bytes) {
  values_.emplace_back(bytes);
  lengths_.push_back(static_cast<int>(bytes.size()));
  formats_.push_back(1);
  return *this;
}

Params& Params::add_text_array(const std::vector<std::string>& items) {
  std::string literal = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) literal += ',';
    literal += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return add(std::string_view(literal));
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v.data());
  return out;
}

int64_t PgResult::integer(int row, int column) const {
  const std::string_view v = view(row, column);
  if (v == "t") return 1;
  if (v == "f") return 0;
  int64_t out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

std::string PgResult::bytes(int row, int column) const {
  size_t length = 0;
  unsigned char* raw = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, column)), &length);
  if (raw == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(raw), length);
  PQfreemem(raw);
  return out;
}

int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(result_.get());
  int64_t out = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), out);
  return out;
}

namespace {
void ignore_notice(void* /*arg*/, const char* /*message*/) {}
}  // namespace

Result<Connection> Connection::open(const std::string& url) {
  Connection c;
  c.label_ = redact_url(url);
  c.conn_.reset(PQconnectdb(url.c_str()));
  if (!c.conn_) return Status::storage(c.label_ + ": out of memory connecting to PostgreSQL");
  if (PQstatus(c.conn_.get()) != CONNECTION_OK) {
    std::string message = PQerrorMessage(c.conn_.get());
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    return Status::storage(c.label_ + ": cannot connect to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(c.conn_.get(), &ignore_notice, nullptr);
  if (PQsetClientEncoding(c.conn_.get(), "UTF8") != 0) return c.error("setting UTF8");
  return c;
}

Status Connection::error(const std::string& what) const {
  std::string message = conn_ ? PQerrorMessage(conn_.get()) : "not connected";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return Status::storage(label_ + ": " + what + ": " + message);
}

Status Connection::enable_reconnect(std::string session_sql) {
  session_sql_ = std::move(session_sql);
  reconnect_ = true;
  return exec(session_sql_);
}

Status Connection::reconnect_if_dropped() {
  if (!reconnect_ || PQstatus(conn_.get()) != CONNECTION_BAD) return Status::success();
  PQreset(conn_.get());
  prepared_.clear();  // they lived in the old session
  if (PQstatus(conn_.get()) != CONNECTION_OK) return error("reconnecting to PostgreSQL");
  PQsetNoticeProcessor(conn_.get(), &ignore_notice, nullptr);
  if (PQsetClientEncoding(conn_.get(), "UTF8") != 0) return error("setting UTF8");
  PgResult result(PQexec(conn_.get(), session_sql_.c_str()));
  if (PQresultStatus(result.result_.get()) != PGRES_COMMAND_OK)
    return error("restoring the session settings");
  return Status::success();
}

Result<bool> Connection::wait_for_notification(int timeout_ms) {
  if (!conn_) return Status::storage("PostgreSQL connection is closed");
  auto drain = [this] {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_.get())) {
      PQfreemem(n);
      any = true;
    }
    return any;
  };
  if (drain()) return true;
  pollfd watched{PQsocket(conn_.get()), POLLIN, 0};
  if (watched.fd < 0) return error("waiting for notifications");
  const int ready = ::poll(&watched, 1, timeout_ms);
  if (ready < 0 && errno != EINTR) return error("waiting for notifications");
  if (ready <= 0) return false;
  if (PQconsumeInput(conn_.get()) == 0) return error("waiting for notifications");
  return drain();
}

Result<PgResult> Connection::query(const std::string& sql, const Params& params) {
  return run(sql, params, 0);
}

Result<PgResult> Connection::query_binary(const std::string& sql, const Params& params) {
  return run(sql, params, 1);
}

Result<PgResult> Connection::run(const std::string& sql, const Params& params, int result_format) {
  if (!conn_) return Status::storage("PostgreSQL connection is closed");
  RETURN_IF_ERROR(reconnect_if_dropped());
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size());
    PgResult prepared(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr));
    if (PQresultStatus(prepared.result_.get()) != PGRES_COMMAND_OK)
      return error("preparing \"" + sql.substr(0, 60) + "...\"");
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  const auto values = params.pointers();
  PgResult result(PQexecPrepared(conn_.get(), it->second.c_str(), params.size(), values.data(),
                                 params.lengths(), params.formats(), result_format));
  const ExecStatusType status = PQresultStatus(result.result_.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return error("query failed");
  return result;
}

Status Connection::exec(const std::string& sql) {
  if (!conn_) return Status::storage("PostgreSQL connection is closed");
  RETURN_IF_ERROR(reconnect_if_dropped());
  PgResult result(PQexec(conn_.get(), sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.result_.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return error("statement failed");
  return Status::success();
}

}  // namespace pkgstats::store::pg
