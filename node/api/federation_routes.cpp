#include "node/api/federation_routes.hpp"

#include <nlohmann/json.hpp>

#include "federation/envelope.hpp"
#include "federation/routing.hpp"
#include "node/fed/request_trace.hpp"
#include "node/http/metrics.hpp"
#include "node/store/case_store.hpp"
#include "node/store/federation_store.hpp"

namespace simpul::api {
namespace {

using http::Access;
using http::ApiRequest;
using http::ApiResponse;
using http::Method;
using nlohmann::json;
using Reply = boost::asio::awaitable<ApiResponse>;
using service::Role;

// Largest inbox POST: a full batch of the largest envelopes.
constexpr std::size_t kMaxInboxBody = 1000 * federation::kMaxEnvelopeBytes;

std::optional<std::int64_t> ParseVersion(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

Reply ServeDirectory(FederationApi& fed, ApiRequest& req, std::optional<std::int64_t> version) {
  auto row = co_await fed.db.Read<std::optional<store::DirectoryRow>>(
      [version](store::Connection& c) -> Result<std::optional<store::DirectoryRow>> {
        if (!version) return store::FederationStore::LatestDirectory(c);
        auto s = c.Prepare(
            "SELECT version, etag, bytes, stored_at FROM fed_directory WHERE version = ?");
        if (!s) return tl::unexpected(s.error());
        s->Bind(1, *version);
        auto r = s->Step();
        if (!r) return tl::unexpected(r.error());
        if (!*r) return std::optional<store::DirectoryRow>();
        return std::optional<store::DirectoryRow>(
            store::DirectoryRow{s->Int(0), s->Text(1), s->Text(2), s->Int(3)});
      });
  if (!row) co_return ApiResponse::FromError(row.error());
  if (!*row) {
    co_return ApiResponse::FromError(Error{ErrorCode::kNotFound, "no such directory version"});
  }
  if (!version && req.if_none_match == (*row)->etag) {
    ApiResponse not_modified = ApiResponse::Text(304, "", "");
    not_modified.headers.emplace_back("ETag", "\"" + (*row)->etag + "\"");
    co_return not_modified;
  }
  ApiResponse out = ApiResponse::Text(200, "application/json", std::move((*row)->bytes));
  out.headers.emplace_back("ETag", "\"" + (*row)->etag + "\"");
  co_return out;
}

}  // namespace

void AddFederationPeerRoutes(http::Router& router, FederationApi& fed) {
  router.Add({Method::kPost, "/federation/v1/inbox", Access::Peer(), "fed_inbox",
              [&fed](ApiRequest& req) -> Reply {
                auto peer = fed.state.NodeForSpki(req.peer_spki);
                if (!peer) {
                  co_return ApiResponse::FromError(
                      Error{ErrorCode::kPermissionDenied,
                            "the client certificate does not belong to any node in the directory"});
                }
                std::string sender = *peer;
                std::string body = std::move(req.body);
                fed::InboxTrace trace{req.request_id, fed::ParseRequestIds(req.origin_request_ids)};
                auto outcomes = co_await fed.inbox.Receive(std::move(sender), std::move(body),
                                                           std::move(trace));
                if (!outcomes) {
                  ApiResponse err = ApiResponse::FromError(outcomes.error());
                  if (outcomes.error().code == ErrorCode::kUnavailable) {
                    err.headers.emplace_back("Retry-After", "30");
                  }
                  co_return err;
                }
                std::string out;
                for (const auto& o : *outcomes) {
                  out += fed::OutcomeToJsonLine(o);
                  out += '\n';
                }
                co_return ApiResponse::Text(200, "application/x-ndjson", std::move(out));
              },
              kMaxInboxBody});
  router.Add({Method::kGet, "/federation/v1/directory", Access::Peer(), "fed_directory",
              [&fed](ApiRequest& req) -> Reply {
                std::optional<std::int64_t> latest;
                co_return co_await ServeDirectory(fed, req, latest);
              }});
  router.Add({Method::kGet, "/federation/v1/directory/versions/{version}", Access::Peer(),
              "fed_directory_version", [&fed](ApiRequest& req) -> Reply {
                auto version = ParseVersion(req.Param("version"));
                if (!version) {
                  co_return ApiResponse::FromError(
                      Error{ErrorCode::kInvalidArgument, "version: a positive integer"});
                }
                co_return co_await ServeDirectory(fed, req, version);
              }});
  // A receiver missing envelopes of this node's stream to it pulls them here; a peer only ever
  // sees its own stream.
  router.Add({Method::kGet, "/federation/v1/stream", Access::Peer(), "fed_stream",
              [&fed](ApiRequest& req) -> Reply {
                auto peer = fed.state.NodeForSpki(req.peer_spki);
                if (!peer) {
                  co_return ApiResponse::FromError(
                      Error{ErrorCode::kPermissionDenied,
                            "the client certificate does not belong to any node in the directory"});
                }
                auto from = ParseVersion(req.Query("from").value_or(""));
                auto to = ParseVersion(req.Query("to").value_or(""));
                if (!from || !to || *from < 1 || *to < *from) {
                  co_return ApiResponse::FromError(
                      Error{ErrorCode::kInvalidArgument, "from and to: seqs with 1 <= from <= to"});
                }
                const std::string dest = *peer;
                const std::int64_t lo = *from, hi = *to;
                auto rows = co_await fed.db.Read<std::vector<store::OutboxRow>>(
                    [&dest, lo, hi](store::Connection& c) {
                      return store::FederationStore::OutboxRange(c, dest, lo, hi, 1000);
                    });
                if (!rows) co_return ApiResponse::FromError(rows.error());
                std::string out;
                for (const auto& row : *rows) {
                  out += row.envelope;
                  out += '\n';
                }
                auto response = ApiResponse::Text(200, "application/x-ndjson", std::move(out));
                // As on a delivery (dispatcher.cpp), so pulled envelopes keep their request ids.
                if (std::string ids = fed::FormatRequestIds(*rows); !ids.empty()) {
                  response.headers.emplace_back(std::string(fed::kRequestIdsHeader),
                                                std::move(ids));
                }
                co_return response;
              }});
  router.Add({Method::kGet, "/healthz", Access::Public(), "fed_healthz", [](ApiRequest&) -> Reply {
                co_return ApiResponse::Json(200, {{"status", "ok"}});
              }});
}

void AddFederationStaffRoutes(http::Router& router, FederationApi& fed) {
  router.Add({Method::kGet, "/api/v1/federation/peers",
              Access::Roles({Role::kNodeAdmin, Role::kSupervisor, Role::kAuditor}), "fed_peers",
              [&fed](ApiRequest&) -> Reply {
                auto peers = co_await fed.dispatchers.Status();
                if (!peers) co_return ApiResponse::FromError(peers.error());
                const std::int64_t now = fed.clock().time_since_epoch().count();
                json items = json::array();
                for (const auto& p : *peers) {
                  items.push_back(
                      {{"dest", p.dest},
                       {"pending", p.pending},
                       {"oldest_pending_age_ms",
                        p.oldest_pending_at ? json(now - *p.oldest_pending_at) : json(nullptr)},
                       {"delivered", p.delivered},
                       {"breaker", p.breaker},
                       {"consecutive_failures", p.consecutive_failures},
                       {"last_error", p.last_error},
                       {"last_delivery_at",
                        p.last_delivery_at ? json(*p.last_delivery_at) : json(nullptr)}});
                }
                auto dir = fed.state.directory();
                const auto sync = fed.sync.counters();
                json directory = dir ? json{{"version", dir->version()},
                                            {"etag", dir->Etag()},
                                            {"expires_at", dir->document().expires_at},
                                            {"expired", dir->Expired(now)}}
                                     : json(nullptr);
                co_return ApiResponse::Json(200, {{"node_id", fed.state.self_id()},
                                                  {"directory", directory},
                                                  {"directory_last_error", sync.last_error},
                                                  {"peers", items}});
              }});
  router.Add(
      {Method::kGet, "/api/v1/cases/{id}/routes",
       Access::Roles({Role::kVerifier, Role::kSupervisor, Role::kNodeAdmin}), "case_routes",
       [&fed](ApiRequest& req) -> Reply {
         auto dir = fed.state.directory();
         if (dir == nullptr) {
           co_return ApiResponse::FromError(
               Error{ErrorCode::kUnavailable, "no federation directory yet"});
         }
         const std::string id = req.Param("id");
         auto rec = co_await fed.db.Read<store::CaseRecord>(
             [&id](store::Connection& c) { return store::CaseStore::FindByTrackingId(c, id); });
         if (!rec) co_return ApiResponse::FromError(rec.error());
         json items = json::array();
         for (const auto& s : federation::SuggestNodes(*dir, rec->region, rec->category)) {
           if (s.node_id == fed.state.self_id()) continue;
           items.push_back({{"node_id", s.node_id}, {"name", s.node_name}, {"reason", s.reason}});
         }
         co_return ApiResponse::Json(200, {{"tracking_id", id}, {"suggestions", items}});
       }});
}

boost::asio::awaitable<void> AppendFederationMetrics(FederationApi& fed, std::string& out) {
  using http::AppendFamily;
  using http::AppendSample;
  auto peers = co_await fed.dispatchers.Status();
  const std::int64_t now = fed.clock().time_since_epoch().count();
  if (peers) {
    AppendFamily(out, "simpul_fed_outbox_pending", "gauge", "Undelivered envelopes per peer.");
    for (const auto& p : *peers) {
      AppendSample(out, "simpul_fed_outbox_pending", "dest=\"" + http::LabelValue(p.dest) + "\"",
                   static_cast<double>(p.pending));
    }
    AppendFamily(out, "simpul_fed_outbox_oldest_age_seconds", "gauge",
                 "Age of the oldest undelivered envelope per peer.");
    for (const auto& p : *peers) {
      const double age = p.oldest_pending_at ? (now - *p.oldest_pending_at) / 1000.0 : 0.0;
      AppendSample(out, "simpul_fed_outbox_oldest_age_seconds",
                   "dest=\"" + http::LabelValue(p.dest) + "\"", age);
    }
    AppendFamily(out, "simpul_fed_breaker_open", "gauge",
                 "1 when the circuit breaker to the peer is open or half-open.");
    for (const auto& p : *peers) {
      AppendSample(out, "simpul_fed_breaker_open",
                   "dest=\"" + http::LabelValue(p.dest) + "\",state=\"" + p.breaker + "\"",
                   p.breaker == "closed" ? 0.0 : 1.0);
    }
    AppendFamily(out, "simpul_fed_delivery_failures", "gauge",
                 "Consecutive failed deliveries to the peer (last error in simpulctl peers).");
    for (const auto& p : *peers) {
      AppendSample(out, "simpul_fed_delivery_failures", "dest=\"" + http::LabelValue(p.dest) + "\"",
                   static_cast<double>(p.consecutive_failures));
    }
  }
  const auto in = fed.inbox.counters();
  AppendFamily(out, "simpul_fed_inbox_envelopes_total", "counter",
               "Envelopes received, by outcome.");
  for (const auto& [outcome, n] : std::initializer_list<std::pair<const char*, std::uint64_t>>{
           {"applied", in.applied},
           {"held", in.held},
           {"duplicate", in.duplicates},
           {"dead", in.dead},
           {"rejected", in.rejected},
           {"equivocation", in.equivocations}}) {
    AppendSample(out, "simpul_fed_inbox_envelopes_total",
                 std::string("outcome=\"") + outcome + "\"", static_cast<double>(n));
  }
  auto dir = fed.state.directory();
  AppendFamily(out, "simpul_fed_directory_version", "gauge", "Directory version in force.");
  AppendSample(out, "simpul_fed_directory_version", "",
               dir ? static_cast<double>(dir->version()) : 0.0);
  AppendFamily(out, "simpul_fed_directory_expired", "gauge",
               "1 when the directory is missing or expired (federation traffic stopped).");
  AppendSample(out, "simpul_fed_directory_expired", "", dir && !dir->Expired(now) ? 0.0 : 1.0);
}

}  // namespace simpul::api
