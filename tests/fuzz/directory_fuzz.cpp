// Fuzzes directory parsing and verification (federation/directory.hpp, directory_document.hpp,
// trust_anchor.hpp) as a node runs it against the sample federation's trust anchor. Three paths:
//   1. the input as a fetched signed directory: VerifyDirectory as a first directory and as the
//      successor of the sample directory, and ReopenDirectory;
//   2. the input as an unsigned document (the "directory" member of a signed form, or the whole
//      object): DirectoryDocumentFromJson, so the fuzzer reaches the rules behind the signature;
//   3. the input as a trust-anchor file.
// Invariants: an accepted document satisfies ValidateDirectoryDocument, survives ToJson/FromJson
// unchanged, and once signed by the coordinator verifies; a verified successor is version + 1; an
// accepted trust anchor serialises to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "crypto/canonical_json.hpp"
#include "federation/directory.hpp"
#include "federation/directory_document.hpp"
#include "federation/trust_anchor.hpp"
#include "tests/fuzz/federation_fixture.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

namespace federation = simpul::federation;
using simpul::fuzz::kNowMs;
using simpul::fuzz::Require;

struct Node {
  federation::TrustAnchor anchor = federation::testing::SampleAnchor();
  federation::Directory current = simpul::fuzz::SampleDirectory();
};

void CheckAcceptedDocument(const federation::DirectoryDocument& doc, const Node& node) {
  Require(federation::ValidateDirectoryDocument(doc).has_value(), "accepted an invalid document");
  const auto back = federation::DirectoryDocumentFromJson(federation::DirectoryDocumentToJson(doc));
  Require(back.has_value() && *back == doc, "a document does not survive ToJson/FromJson");
  const auto bytes = federation::SignDirectory(doc, federation::testing::CoordinatorKey());
  Require(bytes.has_value(), "a valid document cannot be signed");
  const auto verified =
      federation::VerifyDirectory(*bytes, node.anchor, std::nullopt, doc.issued_at);
  if (!verified) std::fprintf(stderr, "signed but refused: %s\n", verified.error().message.c_str());
  Require(verified.has_value() && verified->document() == doc,
          "a signed valid document does not verify as itself");
}

void CheckSigned(std::string_view bytes, const Node& node) {
  const auto first = federation::VerifyDirectory(bytes, node.anchor, std::nullopt, kNowMs);
  const auto reopened = federation::ReopenDirectory(bytes, node.anchor);
  if (first) {
    Require(reopened.has_value() && reopened->document() == first->document(),
            "a verified directory does not reopen as itself");
    CheckAcceptedDocument(first->document(), node);
  }
  const auto next = federation::VerifyDirectory(bytes, node.anchor, &node.current, kNowMs);
  if (next) {
    Require(next->version() == node.current.version() + 1, "accepted a version out of order");
    Require(next->document().prev_hash == node.current.Etag(), "accepted a broken chain");
  }
}

void CheckUnsigned(std::string_view text, const Node& node) {
  const auto parsed = simpul::crypto::ParseProfileJson(text, 64);
  if (!parsed || !parsed->is_object()) return;
  const auto inner = parsed->find("directory");
  const nlohmann::json& value = inner != parsed->end() ? *inner : *parsed;
  const auto doc = federation::DirectoryDocumentFromJson(value);
  if (doc) CheckAcceptedDocument(*doc, node);
}

void CheckTrustAnchor(std::string_view text) {
  const auto anchor = federation::ParseTrustAnchor(text);
  if (!anchor) return;
  const auto bytes = federation::SerializeTrustAnchor(*anchor);
  Require(bytes.has_value() && *bytes == text, "a trust anchor serialises to other bytes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Node node;
  const std::string_view text = simpul::fuzz::AsText(data, size);
  CheckSigned(text, node);
  CheckUnsigned(text, node);
  CheckTrustAnchor(text);
  return 0;
}
