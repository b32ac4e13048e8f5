#include "node/api/log_routes.hpp"

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"

namespace simpul::api {
namespace {

using http::Access;
using http::ApiRequest;
using http::ApiResponse;
using http::Method;
using nlohmann::json;
using Reply = boost::asio::awaitable<ApiResponse>;

constexpr int kMaxLeavesPerPage = 1000;

// A non-negative decimal query parameter; `fallback` when absent.
Result<std::int64_t> Number(const ApiRequest& req, const std::string& name,
                            std::optional<std::int64_t> fallback = std::nullopt) {
  auto text = req.Query(name);
  if (!text) {
    if (fallback) return *fallback;
    return Fail(ErrorCode::kInvalidArgument, name + ": required, a non-negative integer");
  }
  if (text->empty() || text->size() > 18 ||
      text->find_first_not_of("0123456789") != std::string::npos) {
    return Fail(ErrorCode::kInvalidArgument, name + ": must be a non-negative integer");
  }
  return std::stoll(*text);
}

json Hashes(const crypto::MerkleProof& proof) {
  json out = json::array();
  for (const auto& h : proof) out.push_back(crypto::Base64Encode(h));
  return out;
}

Reply Checkpoint(tlog::LogService& log, ApiRequest& req) {
  const bool witnessed = req.Query("witnessed").value_or("") == "1";
  auto note = co_await log.Checkpoint(witnessed);
  if (!note) co_return ApiResponse::FromError(note.error());
  co_return ApiResponse::Text(200, "text/plain; charset=utf-8", std::move(*note));
}

Reply Inclusion(tlog::LogService& log, ApiRequest& req) {
  auto index = Number(req, "index");
  auto size = Number(req, "size");
  if (!index) co_return ApiResponse::FromError(index.error());
  if (!size) co_return ApiResponse::FromError(size.error());
  auto proof = co_await log.Inclusion(*index, *size);
  if (!proof) co_return ApiResponse::FromError(proof.error());
  co_return ApiResponse::Json(200,
                              {{"index", *index}, {"size", *size}, {"hashes", Hashes(*proof)}});
}

Reply Consistency(tlog::LogService& log, ApiRequest& req) {
  auto from = Number(req, "from");
  auto to = Number(req, "to");
  if (!from) co_return ApiResponse::FromError(from.error());
  if (!to) co_return ApiResponse::FromError(to.error());
  auto proof = co_await log.Consistency(*from, *to);
  if (!proof) co_return ApiResponse::FromError(proof.error());
  co_return ApiResponse::Json(200, {{"from", *from}, {"to", *to}, {"hashes", Hashes(*proof)}});
}

Reply Leaves(tlog::LogService& log, ApiRequest& req) {
  auto from = Number(req, "from", 0);
  auto limit = Number(req, "limit", 100);
  if (!from) co_return ApiResponse::FromError(from.error());
  if (!limit) co_return ApiResponse::FromError(limit.error());
  const int page = static_cast<int>(std::min<std::int64_t>(*limit, kMaxLeavesPerPage));
  auto rows = co_await log.Leaves(*from, page);
  if (!rows) co_return ApiResponse::FromError(rows.error());
  json items = json::array();
  for (const auto& r : *rows) {
    items.push_back({{"index", r.index}, {"kind", r.kind}, {"ref", r.ref}, {"data", r.data}});
  }
  co_return ApiResponse::Json(200, {{"leaves", std::move(items)}});
}

Reply ReceiptProof(tlog::LogService& log, ApiRequest& req) {
  std::string tracking_id = req.Param("tracking_id");
  auto proof = co_await log.ProveIntake(std::move(tracking_id));
  if (!proof) {
    ApiResponse err = ApiResponse::FromError(proof.error());
    if (proof.error().code == ErrorCode::kUnavailable)
      err.headers.emplace_back("Retry-After", "30");
    co_return err;
  }
  co_return ApiResponse::Json(
      200, {{"tracking_id", proof->tracking_id},
            {"leaf_index", proof->leaf_index},
            {"leaf", proof->leaf},
            {"tlog_proof", proof->tlog_proof},
            {"witnessed", proof->witnessed},
            {"directory", proof->directory.empty() ? json(nullptr) : json(proof->directory)}});
}

}  // namespace

void AddLogRoutes(http::Router& router, tlog::LogService& log) {
  router.Add({Method::kGet, "/api/v1/log/checkpoint", Access::Public(), "log_checkpoint",
              [&log](ApiRequest& req) { return Checkpoint(log, req); }});
  router.Add({Method::kGet, "/api/v1/log/proof/inclusion", Access::Public(), "log_inclusion",
              [&log](ApiRequest& req) { return Inclusion(log, req); }});
  router.Add({Method::kGet, "/api/v1/log/proof/consistency", Access::Public(), "log_consistency",
              [&log](ApiRequest& req) { return Consistency(log, req); }});
  router.Add({Method::kGet, "/api/v1/log/leaves", Access::Public(), "log_leaves",
              [&log](ApiRequest& req) { return Leaves(log, req); }});
  router.Add({Method::kGet, "/api/v1/receipts/{tracking_id}/proof", Access::Public(),
              "receipt_proof", [&log](ApiRequest& req) { return ReceiptProof(log, req); }});
}

}  // namespace simpul::api
