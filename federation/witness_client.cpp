#include "federation/witness_client.hpp"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "crypto/checkpoint.hpp"

namespace simpul::federation {
namespace {

constexpr std::size_t kMaxMessageBytes = 512;

// The media type of `content_type` without parameters, e.g. "text/x.tlog.size".
std::string_view MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  return content_type;
}

// The refusal a non-200 answer describes: the JSON error's code and message when the body is
// one, else the start of the body as text.
WitnessRefused Refusal(const PeerResponse& response) {
  WitnessRefused out{response.status, "", ""};
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const nlohmann::json& error = body["error"];
    if (error.contains("code") && error["code"].is_string()) out.code = error["code"];
    if (error.contains("message") && error["message"].is_string()) out.message = error["message"];
  } else {
    out.message = response.body;
  }
  if (out.message.size() > kMaxMessageBytes) out.message.resize(kMaxMessageBytes);
  return out;
}

// The checkpoint note with `added` appended after its own signature lines (each line once).
Result<std::string> AppendCosignatures(std::string_view checkpoint_note,
                                       const std::vector<crypto::NoteSignature>& added) {
  Result<crypto::Note> note = crypto::ParseNote(checkpoint_note);
  if (!note) return tl::unexpected(note.error());
  for (const crypto::NoteSignature& sig : added) {
    if (std::find(note->signatures.begin(), note->signatures.end(), sig) ==
        note->signatures.end()) {
      note->signatures.push_back(sig);
    }
  }
  return crypto::FormatNote(*note);
}

// A 200 answer: the lines by `witness_key`, each verified over the checkpoint text.
Result<WitnessReply> Cosigned(const PeerResponse& response, std::string_view checkpoint_note,
                              const crypto::NoteVerifierKey& witness_key) {
  Result<crypto::Note> note = crypto::ParseNote(checkpoint_note);
  if (!note) return tl::unexpected(note.error());
  Result<std::vector<crypto::NoteSignature>> lines = ParseCosignatureLines(response.body);
  if (!lines) {
    return Fail(ErrorCode::kInvalidArgument, "witness answered 200 but " + lines.error().message);
  }
  WitnessCosigned out;
  for (const crypto::NoteSignature& line : *lines) {
    if (line.key_name != witness_key.name || line.key_id != witness_key.key_id) continue;
    Result<std::chrono::sys_seconds> time =
        crypto::VerifyCosignature(witness_key, note->text, line);
    if (!time) {
      return Fail(ErrorCode::kUnauthenticated,
                  "witness answered 200 with a bad cosignature: " + time.error().message);
    }
    if (out.cosignatures.empty()) out.time = *time;
    out.cosignatures.push_back(line);
  }
  if (out.cosignatures.empty()) {
    return Fail(ErrorCode::kUnauthenticated,
                "witness answered 200 without a cosignature by " + witness_key.name);
  }
  Result<std::string> cosigned = AppendCosignatures(checkpoint_note, out.cosignatures);
  if (!cosigned) return tl::unexpected(cosigned.error());
  out.cosigned_note = std::move(*cosigned);
  return WitnessReply(std::move(out));
}

}  // namespace

Result<WitnessReply> InterpretAddCheckpointResponse(const PeerResponse& response,
                                                    std::string_view checkpoint_note,
                                                    const crypto::NoteVerifierKey& witness_key) {
  if (response.status == 200) return Cosigned(response, checkpoint_note, witness_key);
  if (response.status == 409 && MediaType(response.content_type) == kTlogSizeContentType) {
    Result<std::uint64_t> size = ParseTlogSize(response.body);
    if (!size) {
      return Fail(ErrorCode::kInvalidArgument, "witness answered 409 but " + size.error().message);
    }
    return WitnessReply(WitnessConflict{*size});
  }
  if (response.status >= 500) {
    const WitnessRefused refused = Refusal(response);
    return Fail(ErrorCode::kUnavailable, "witness answered " + std::to_string(response.status) +
                                             ": " + refused.message + " (retry later)");
  }
  if (response.status < 400) {
    return Fail(ErrorCode::kInvalidArgument,
                "witness answered an unexpected status " + std::to_string(response.status));
  }
  return WitnessReply(Refusal(response));
}

boost::asio::awaitable<Result<WitnessReply>> AddCheckpoint(PeerClient& client,
                                                           AddCheckpointRequest request,
                                                           crypto::NoteVerifierKey witness_key,
                                                           std::chrono::milliseconds timeout) {
  Result<std::string> body = FormatAddCheckpointRequest(request);
  if (!body) co_return tl::unexpected(body.error());
  std::string target(kWitnessAddCheckpointPath);
  std::string payload = std::move(*body);
  std::string content_type = "text/plain; charset=utf-8";
  Result<PeerResponse> response = co_await client.Request(
      PeerMethod::kPost, std::move(target), std::move(payload), std::move(content_type), timeout);
  if (!response) co_return tl::unexpected(response.error());
  co_return InterpretAddCheckpointResponse(*response, request.checkpoint_note, witness_key);
}

}  // namespace simpul::federation
