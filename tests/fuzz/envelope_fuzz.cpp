// Fuzzes envelope verification (federation/envelope_verify.hpp) as a receiving node runs it:
// prov:32 receiving from kab:32.04 under the sample directory with its real keys. Two paths:
//   1. the input as received bytes: VerifyEnvelope, and for an envelope that verifies, its hash
//      and its body erasure (the erased envelope still verifies, with the same hash);
//   2. the input as a template: its type, body, refs and stream fields are sealed with the
//      sender's real key, so the fuzzer reaches the checks behind the signature (the body
//      schemas); whatever SealEnvelope accepts, VerifyEnvelope must accept with the same fields,
//      unless it claims a time beyond the receiver's clock and allowed skew.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "crypto/canonical_json.hpp"
#include "federation/envelope.hpp"
#include "federation/envelope_verify.hpp"
#include "federation/message_types.hpp"
#include "tests/fuzz/federation_fixture.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace federation = simpul::federation;
using nlohmann::json;
using simpul::fuzz::Require;

struct Receiver {
  federation::Directory directory = simpul::fuzz::SampleDirectory();
  simpul::crypto::Ed25519KeyPair sender_key = simpul::fuzz::SenderKey();

  federation::VerifyContext Context(bool require_body = true) const {
    return federation::VerifyContext{.keys = directory,
                                     .self_id = simpul::fuzz::kReceiver,
                                     .tls_peer_id = simpul::fuzz::kSender,
                                     .now = simpul::fuzz::Now(),
                                     .require_body = require_body};
  }
};

void CheckReceived(std::string_view bytes, const Receiver& receiver) {
  const auto verified = federation::VerifyEnvelope(bytes, receiver.Context());
  if (!verified) return;
  Require(verified->from == simpul::fuzz::kSender && verified->to == simpul::fuzz::kReceiver,
          "accepted an envelope between other nodes");
  const auto hash = federation::EnvelopeHash(bytes);
  Require(hash.has_value() && *hash == verified->hash, "the verified hash is not EnvelopeHash");
  const auto erased = federation::EraseEnvelopeBody(bytes);
  Require(erased.has_value(), "a verified envelope cannot be erased");
  const auto reverified = federation::VerifyEnvelope(*erased, receiver.Context(false));
  Require(reverified.has_value(), "an erased envelope no longer verifies");
  Require(reverified->hash == verified->hash, "erasure changed the envelope hash");
  Require(!reverified->body.has_value(), "the erased envelope still has a body");
}

template <class T>
std::optional<T> Member(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end()) return std::nullopt;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return std::nullopt;
  } else {
    if (!it->is_number_integer()) return std::nullopt;
  }
  return it->get<T>();
}

// The draft the template `j` describes, from kSender to kReceiver; nullopt without a known type.
std::optional<federation::EnvelopeDraft> DraftFrom(const json& j) {
  const auto type_name = Member<std::string>(j, "type");
  if (!type_name) return std::nullopt;
  const auto type = federation::ParseMessageType(*type_name);
  if (!type) return std::nullopt;
  federation::EnvelopeDraft draft;
  draft.type = *type;
  draft.from = simpul::fuzz::kSender;
  draft.to = simpul::fuzz::kReceiver;
  draft.msg_id = Member<std::string>(j, "msg_id").value_or("0190f3c4-5a6b-7c8d-9e0f-1a2b3c4d5e6f");
  draft.stream = Member<std::string>(j, "stream").value_or("kab:32.04>prov:32");
  draft.seq = Member<std::int64_t>(j, "seq").value_or(1);
  draft.prev = Member<std::string>(j, "prev").value_or("");
  draft.created_at = federation::EnvelopeTime(std::chrono::milliseconds(
      Member<std::int64_t>(j, "created_at").value_or(simpul::fuzz::kNowMs - 1000)));
  draft.dir_version = Member<std::int64_t>(j, "dir_version").value_or(1);
  const auto refs = j.find("refs");
  if (refs != j.end() && refs->is_object()) {
    draft.case_id = Member<std::string>(*refs, "case_id").value_or("");
  }
  const auto body = j.find("body");
  draft.body = body == j.end() ? "{}" : body->dump();
  return draft;
}

void CheckSealed(std::string_view text, const Receiver& receiver) {
  const auto parsed = simpul::crypto::ParseProfileJson(text, federation::kMaxEnvelopeDepth);
  if (!parsed || !parsed->is_object()) return;
  const auto draft = DraftFrom(*parsed);
  if (!draft) return;
  const auto sealed = federation::SealEnvelope(*draft, receiver.sender_key);
  if (!sealed) return;
  const auto context = receiver.Context();
  const auto verified = federation::VerifyEnvelope(*sealed, context);
  // The sender's clock is the one thing the receiver judges that sealing cannot check.
  if (draft->created_at > context.now + context.max_clock_skew) {
    Require(!verified && verified.error().message.starts_with("clock skew"),
            "accepted an envelope from too far in the future");
    return;
  }
  if (!verified) {
    std::fprintf(stderr, "sealed but refused: %s\n", verified.error().message.c_str());
  }
  Require(verified.has_value(), "SealEnvelope made an envelope VerifyEnvelope refuses");
  Require(verified->type == draft->type && verified->seq == draft->seq &&
              verified->case_id == draft->case_id && verified->stream == draft->stream &&
              verified->prev == draft->prev && verified->msg_id == draft->msg_id,
          "the verified envelope's fields differ from the draft's");
  const auto body = simpul::crypto::ParseProfileJson(draft->body);
  Require(body.has_value() && verified->body == simpul::crypto::Canonicalize(*body).value(),
          "the verified body is not the draft's body");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Receiver receiver;
  const std::string_view text = simpul::fuzz::AsText(data, size);
  CheckReceived(text, receiver);
  CheckSealed(text, receiver);
  return 0;
}
