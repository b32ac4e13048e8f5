#include "node/config.hpp"

#include <toml++/toml.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace simpul {
namespace {

constexpr std::array<std::pair<NodeClass, std::string_view>, 6> kClasses = {{
    {NodeClass::kMinistry, "ministry"},
    {NodeClass::kAgency, "agency"},
    {NodeClass::kProvince, "province"},
    {NodeClass::kRegency, "regency"},
    {NodeClass::kCity, "city"},
    {NodeClass::kCoordinator, "coordinator"},
}};

Error Bad(std::string_view key, std::string_view what) {
  return Error{ErrorCode::kInvalidArgument,
               "config " + std::string(key) + ": " + std::string(what)};
}

Result<std::chrono::minutes> ParseOffsetImpl(std::string_view s) {
  // "+07:00" / "+08:00" / "+09:00" and any other whole-minute offset within ±14 h.
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') {
    return tl::unexpected(Bad("node.utc_offset", "use the form +07:00"));
  }
  int h = 0, m = 0;
  auto r1 = std::from_chars(s.data() + 1, s.data() + 3, h);
  auto r2 = std::from_chars(s.data() + 4, s.data() + 6, m);
  if (r1.ec != std::errc() || r2.ec != std::errc() || h > 14 || m > 59) {
    return tl::unexpected(Bad("node.utc_offset", "use the form +07:00"));
  }
  std::chrono::minutes total(h * 60 + m);
  return s[0] == '-' ? -total : total;
}

Result<std::pair<std::string, std::uint16_t>> ParseHostPort(std::string_view s,
                                                            std::string_view key) {
  const auto bad = [&] {
    return tl::unexpected(Bad(key, "use host:port, e.g. 127.0.0.1:8080 or [::1]:8080"));
  };
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return bad();
  std::string host(s.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto p = s.substr(colon + 1);
  auto r = std::from_chars(p.data(), p.data() + p.size(), port);
  if (r.ec != std::errc() || r.ptr != p.data() + p.size() || port > 65535 || host.empty()) {
    return bad();
  }
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

Result<void> ParseListenImpl(std::string_view s, NodeConfig& c) {
  auto hp = ParseHostPort(s, "http.listen");
  if (!hp) return tl::unexpected(hp.error());
  c.listen_address = hp->first;
  c.listen_port = hp->second;
  return {};
}

template <class T>
Result<void> ReadInt(const toml::table& t, std::string_view key, T& out, std::int64_t min,
                     std::int64_t max) {
  auto node = t.at_path(key);
  if (!node) return {};
  auto v = node.value<std::int64_t>();
  if (!v || *v < min || *v > max) {
    return tl::unexpected(
        Bad(key, "an integer from " + std::to_string(min) + " to " + std::to_string(max)));
  }
  out = static_cast<T>(*v);
  return {};
}

Result<void> ReadString(const toml::table& t, std::string_view key, std::string& out) {
  auto node = t.at_path(key);
  if (!node) return {};
  auto v = node.value<std::string>();
  if (!v) return tl::unexpected(Bad(key, "must be a string"));
  out = *v;
  return {};
}

Result<void> ReadNode(const toml::table& t, NodeConfig& c) {
  std::string node_class = "regency", offset = "+07:00", role = "node";
  for (auto r : {ReadString(t, "node.id", c.node_id), ReadString(t, "node.name", c.name),
                 ReadString(t, "node.class", node_class), ReadString(t, "node.region", c.region),
                 ReadString(t, "node.utc_offset", offset), ReadString(t, "node.role", role)}) {
    if (!r) return r;
  }
  if (auto r = ValidateNodeId(c.node_id); !r) return r;
  if (c.name.empty() || c.name.size() > 200) return tl::unexpected(Bad("node.name", "1–200 bytes"));
  auto cls = ParseNodeClass(node_class);
  if (!cls) return tl::unexpected(cls.error());
  c.node_class = *cls;
  if (role != "node" && role != "coordinator") {
    return tl::unexpected(Bad("node.role", "\"node\" or \"coordinator\""));
  }
  c.role = role == "coordinator" ? NodeRole::kCoordinator : NodeRole::kNode;
  auto off = ParseOffsetImpl(offset);
  if (!off) return tl::unexpected(off.error());
  c.utc_offset = *off;
  return {};
}

Result<void> ReadLimits(const toml::table& t, NodeConfig& c) {
  std::int64_t header = c.limits.header_timeout.count(), body = c.limits.body_timeout.count(),
               idle = c.limits.idle_timeout.count(), sweep = c.sweep_interval.count(),
               ttl = c.session_ttl.count(), settle = c.sla.settle.count();
  for (auto r :
       {ReadInt(t, "limits.max_body_bytes", c.limits.max_body_bytes, 1024, 64 << 20),
        ReadInt(t, "limits.max_upload_bytes", c.max_upload_bytes, 1024, 256 << 20),
        ReadInt(t, "limits.max_connections", c.limits.max_connections, 1, 100000),
        ReadInt(t, "limits.max_connections_per_client", c.limits.max_connections_per_client, 1,
                100000),
        ReadInt(t, "limits.header_timeout_s", header, 1, 3600),
        ReadInt(t, "limits.body_timeout_s", body, 1, 3600),
        ReadInt(t, "limits.idle_timeout_s", idle, 1, 3600),
        ReadInt(t, "http.threads", c.io_threads, 1, 64),
        ReadInt(t, "storage.readers", c.db_readers, 1, 64),
        ReadInt(t, "sla.verify_working_days", c.sla.verify_working_days, 1, 60),
        ReadInt(t, "sla.first_response_working_days", c.sla.first_response_working_days, 1, 60),
        ReadInt(t, "sla.autoclose_working_days", c.sla.autoclose_working_days, 1, 60),
        ReadInt(t, "sla.settle_days", settle, 1, 365),
        ReadInt(t, "sla.sweep_interval_s", sweep, 1, 86400),
        ReadInt(t, "auth.session_ttl_minutes", ttl, 5, 7 * 24 * 60)}) {
    if (!r) return r;
  }
  c.limits.header_timeout = std::chrono::seconds(header);
  c.limits.body_timeout = std::chrono::seconds(body);
  c.limits.idle_timeout = std::chrono::seconds(idle);
  c.sweep_interval = std::chrono::seconds(sweep);
  c.session_ttl = std::chrono::minutes(ttl);
  c.sla.settle = std::chrono::days(settle);
  if (auto node = t.at_path("sla.builtin_holidays")) {
    auto v = node.value<bool>();
    if (!v) return tl::unexpected(Bad("sla.builtin_holidays", "true or false"));
    c.builtin_holidays = *v;
  }
  if (auto* arr = t.at_path("sla.extra_holidays").as_array()) {
    for (const auto& item : *arr) {
      auto v = item.value<std::string>();
      if (!v) return tl::unexpected(Bad("sla.extra_holidays", "a list of \"YYYY-MM-DD\" strings"));
      c.extra_holidays.push_back(*v);
    }
  }
  return {};
}

// [transparency]: how often the node signs a checkpoint of its log (DESIGN §4).
Result<void> ReadTransparency(const toml::table& t, NodeConfig& c) {
  std::int64_t interval = c.checkpoint_interval.count();
  for (auto r : {ReadInt(t, "transparency.checkpoint_interval_s", interval, 1, 86400),
                 ReadInt(t, "transparency.checkpoint_leaves", c.checkpoint_leaves, 1, 1000000)}) {
    if (!r) return r;
  }
  c.checkpoint_interval = std::chrono::seconds(interval);
  return {};
}

Result<void> ReadStringList(const toml::table& t, std::string_view key,
                            std::vector<std::string>& out) {
  auto node = t.at_path(key);
  if (!node) return {};
  auto* arr = node.as_array();
  if (arr == nullptr) return tl::unexpected(Bad(key, "a list of strings"));
  out.clear();
  for (const auto& item : *arr) {
    auto v = item.value<std::string>();
    if (!v || v->empty()) return tl::unexpected(Bad(key, "a list of non-empty strings"));
    out.push_back(*v);
  }
  return {};
}

// [escalation]: working days past a missed deadline before the sweeper raises it beyond the node.
// Unknown keys are refused: a misspelt threshold would otherwise silently keep its default.
Result<void> ReadEscalation(const toml::table& t, NodeConfig& c) {
  auto node = t.get("escalation");
  if (node == nullptr) return {};
  const toml::table* table = node->as_table();
  if (table == nullptr) return tl::unexpected(Bad("escalation", "must be a table"));
  for (const auto& [key, value] : *table) {
    if (key.str() != "parent_after_days" && key.str() != "coordinator_after_days") {
      return tl::unexpected(Bad("escalation." + std::string(key.str()),
                                "unknown key; use parent_after_days or coordinator_after_days"));
    }
  }
  auto& e = c.escalation;
  for (auto r : {ReadInt(t, "escalation.parent_after_days", e.parent_after_working_days, 0, 250),
                 ReadInt(t, "escalation.coordinator_after_days", e.coordinator_after_working_days,
                         0, 250)}) {
    if (!r) return r;
  }
  if (e.coordinator_after_working_days < e.parent_after_working_days) {
    return tl::unexpected(Bad("escalation.coordinator_after_days",
                              "must not be below escalation.parent_after_days (" +
                                  std::to_string(e.parent_after_working_days) + ")"));
  }
  return {};
}

// [open311]: the GeoReport v2 facade. Unknown keys are refused, as in [escalation].
Result<void> ReadOpen311(const toml::table& t, NodeConfig& c) {
  auto node = t.get("open311");
  if (node == nullptr) return {};
  const toml::table* table = node->as_table();
  if (table == nullptr) return tl::unexpected(Bad("open311", "must be a table"));
  for (const auto& [key, value] : *table) {
    if (key.str() != "public_url" && key.str() != "contact" && key.str() != "key_service" &&
        key.str() != "requests_per_minute") {
      return tl::unexpected(Bad("open311." + std::string(key.str()),
                                "unknown key; use public_url, contact, key_service or "
                                "requests_per_minute"));
    }
  }
  auto& o = c.open311;
  for (auto r : {ReadString(t, "open311.public_url", o.public_url),
                 ReadString(t, "open311.contact", o.contact),
                 ReadString(t, "open311.key_service", o.key_service)}) {
    if (!r) return r;
  }
  if (auto r = ReadInt(t, "open311.requests_per_minute", o.requests_per_minute, 1, 100000); !r) {
    return r;
  }
  if (!o.public_url.empty() && !o.public_url.starts_with("http://") &&
      !o.public_url.starts_with("https://")) {
    return tl::unexpected(Bad("open311.public_url", "an http:// or https:// URL"));
  }
  while (o.public_url.ends_with('/')) o.public_url.pop_back();
  return {};
}

Result<void> ReadFederation(const toml::table& t, NodeConfig& c) {
  auto& f = c.federation;
  std::string listen;
  std::int64_t poll = f.poll_interval.count(), base = f.retry_base.count(),
               cap = f.retry_cap.count(), lifetime = f.directory_lifetime.count(),
               report = f.report_interval.count();
  for (auto r : {ReadString(t, "federation.listen", listen),
                 ReadString(t, "federation.endpoint", f.endpoint),
                 ReadString(t, "federation.parent", f.parent),
                 ReadStringList(t, "federation.regions", f.regions),
                 ReadStringList(t, "federation.categories", f.categories),
                 ReadInt(t, "federation.poll_interval_s", poll, 1, 86400),
                 ReadInt(t, "federation.retry_base_ms", base, 10, 3600 * 1000),
                 ReadInt(t, "federation.retry_cap_ms", cap, 10, 24 * 3600 * 1000),
                 ReadInt(t, "federation.breaker_failures", f.breaker_failures, 1, 1000),
                 ReadInt(t, "federation.directory_lifetime_h", lifetime, 1, 24 * 30),
                 ReadInt(t, "federation.report_interval_s", report, 1, 86400)}) {
    if (!r) return r;
  }
  f.poll_interval = std::chrono::seconds(poll);
  f.retry_base = std::chrono::milliseconds(base);
  f.retry_cap = std::chrono::milliseconds(cap);
  f.directory_lifetime = std::chrono::hours(lifetime);
  f.report_interval = std::chrono::seconds(report);
  if (f.retry_cap < f.retry_base) {
    return tl::unexpected(Bad("federation.retry_cap_ms", "must not be below retry_base_ms"));
  }
  if (!f.parent.empty()) {
    if (auto r = ValidateNodeId(f.parent); !r) {
      return tl::unexpected(Bad("federation.parent", "must be a node id such as prov:32"));
    }
  }
  if (f.regions.empty() && !c.region.empty()) f.regions = {c.region};
  if (listen.empty()) {
    if (!f.endpoint.empty()) {
      return tl::unexpected(Bad("federation.endpoint", "needs federation.listen as well"));
    }
    return {};
  }
  auto hp = ParseHostPort(listen, "federation.listen");
  if (!hp) return tl::unexpected(hp.error());
  f.listen_address = hp->first;
  f.listen_port = hp->second;
  if (f.endpoint.empty()) {
    const bool v6 = f.listen_address.find(':') != std::string::npos;
    f.endpoint = "https://" + (v6 ? "[" + f.listen_address + "]" : f.listen_address) + ":" +
                 std::to_string(hp->second);
  }
  if (!f.endpoint.starts_with("https://")) {
    return tl::unexpected(Bad("federation.endpoint", "must be an https:// URL"));
  }
  return {};
}

}  // namespace

std::string_view Name(NodeRole role) {
  return role == NodeRole::kCoordinator ? "coordinator" : "node";
}

std::string_view Name(NodeClass node_class) {
  for (const auto& [k, name] : kClasses) {
    if (k == node_class) return name;
  }
  return "regency";
}

Result<std::chrono::minutes> ParseUtcOffset(std::string_view text) { return ParseOffsetImpl(text); }

Result<NodeClass> ParseNodeClass(std::string_view text) {
  for (const auto& [k, name] : kClasses) {
    if (name == text) return k;
  }
  return tl::unexpected(
      Bad("node.class", "one of ministry, agency, province, regency, city, coordinator"));
}

Result<void> ParseListenAddress(std::string_view text, NodeConfig& config) {
  return ParseListenImpl(text, config);
}

Result<void> ValidateNodeId(std::string_view id) {
  auto colon = id.find(':');
  const auto bad = [&] {
    return tl::unexpected(Bad("node.id",
                              "must look like kab:32.04, kota:32.73, prov:32, "
                              "kl:kemenkes, lem:ombudsman or coord:panrb"));
  };
  if (colon == std::string_view::npos || id.size() > 64) return bad();
  auto kind = id.substr(0, colon);
  auto code = id.substr(colon + 1);
  if (kind != "prov" && kind != "kab" && kind != "kota" && kind != "kl" && kind != "lem" &&
      kind != "coord") {
    return bad();
  }
  if (code.empty()) return bad();
  for (char ch : code) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-')) {
      return bad();
    }
  }
  return {};
}

Result<NodeConfig> ParseConfig(std::string_view text, const std::filesystem::path& base_dir) {
  toml::table t;
  try {
    t = toml::parse(text);
  } catch (const toml::parse_error& err) {
    std::ostringstream msg;
    msg << "config syntax error at line " << err.source().begin.line << ": " << err.description();
    return Fail(ErrorCode::kInvalidArgument, msg.str());
  }
  NodeConfig c;
  if (auto r = ReadNode(t, c); !r) return tl::unexpected(r.error());
  std::string data_dir, listen = "127.0.0.1:8080", cert, key, web_root;
  for (auto r : {ReadString(t, "storage.data_dir", data_dir), ReadString(t, "http.listen", listen),
                 ReadString(t, "http.tls_cert", cert), ReadString(t, "http.tls_key", key),
                 ReadString(t, "http.web_root", web_root), ReadString(t, "log.level", c.log_level),
                 ReadString(t, "log.format", c.log_format)}) {
    if (!r) return tl::unexpected(r.error());
  }
  if (data_dir.empty()) return tl::unexpected(Bad("storage.data_dir", "required"));
  c.data_dir = std::filesystem::path(data_dir).is_absolute() ? std::filesystem::path(data_dir)
                                                             : base_dir / data_dir;
  if (auto r = ParseListenImpl(listen, c); !r) return tl::unexpected(r.error());
  if (cert.empty() != key.empty()) {
    return tl::unexpected(Bad("http.tls_cert", "set both tls_cert and tls_key, or neither"));
  }
  if (!cert.empty()) {
    c.tls_cert =
        std::filesystem::path(cert).is_absolute() ? std::filesystem::path(cert) : base_dir / cert;
    c.tls_key =
        std::filesystem::path(key).is_absolute() ? std::filesystem::path(key) : base_dir / key;
  }
  if (!web_root.empty()) {
    c.web_root = std::filesystem::path(web_root).is_absolute() ? std::filesystem::path(web_root)
                                                               : base_dir / web_root;
  }
  if (c.log_format != "text" && c.log_format != "json") {
    return tl::unexpected(Bad("log.format", "\"text\" or \"json\""));
  }
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
      c.log_level != "error") {
    return tl::unexpected(Bad("log.level", "debug, info, warn or error"));
  }
  if (auto r = ReadLimits(t, c); !r) return tl::unexpected(r.error());
  if (auto r = ReadEscalation(t, c); !r) return tl::unexpected(r.error());
  if (auto r = ReadOpen311(t, c); !r) return tl::unexpected(r.error());
  if (auto r = ReadTransparency(t, c); !r) return tl::unexpected(r.error());
  if (auto r = ReadFederation(t, c); !r) return tl::unexpected(r.error());
  return c;
}

Result<NodeConfig> LoadConfig(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Fail(ErrorCode::kNotFound,
                "config file " + path.string() + " not found; create one with `simpulctl init`");
  }
  std::ostringstream buffer;
  buffer << std::ifstream(path).rdbuf();
  auto base = std::filesystem::absolute(path, ec).parent_path();
  return ParseConfig(buffer.str(), base);
}

std::string RenderConfig(const NodeConfig& c) {
  std::ostringstream o;
  auto q = [](std::string_view s) {
    std::string out = "\"";
    for (char ch : s) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    return out + "\"";
  };
  const int off = static_cast<int>(c.utc_offset.count());
  char offset[16];
  std::snprintf(offset, sizeof offset, "%c%02d:%02d", off < 0 ? '-' : '+', std::abs(off) / 60,
                std::abs(off) % 60);
  o << "# Simpul node configuration. See deploy/config/simpul.example.toml for every key.\n\n"
    << "[node]\nid = " << q(c.node_id) << "\nname = " << q(c.name)
    << "\nclass = " << q(Name(c.node_class)) << "\nregion = " << q(c.region)
    << "\nutc_offset = " << q(offset) << "\nrole = " << q(Name(c.role))
    << "\n\n[storage]\ndata_dir = " << q(c.data_dir.string()) << "\n\n[http]\nlisten = "
    << q((c.listen_address.find(':') != std::string::npos ? "[" + c.listen_address + "]"
                                                          : c.listen_address) +
         ":" + std::to_string(c.listen_port))
    << "\ntls_cert = " << q(c.tls_cert.string()) << "\ntls_key = " << q(c.tls_key.string())
    << "\nthreads = " << c.io_threads << "\n\n[log]\nlevel = " << q(c.log_level)
    << "\nformat = " << q(c.log_format) << "\n";
  const auto& f = c.federation;
  auto list = [&q](const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + q(items[i]);
    return out + "]";
  };
  if (f.enabled()) {
    const bool v6 = f.listen_address.find(':') != std::string::npos;
    o << "\n[federation]\nlisten = "
      << q((v6 ? "[" + f.listen_address + "]" : f.listen_address) + ":" +
           std::to_string(*f.listen_port))
      << "\nendpoint = " << q(f.endpoint) << "\nparent = " << q(f.parent)
      << "\nregions = " << list(f.regions) << "\ncategories = " << list(f.categories)
      << "\npoll_interval_s = " << f.poll_interval.count()
      << "\nreport_interval_s = " << f.report_interval.count() << "\n";
  }
  return o.str();
}

}  // namespace simpul
