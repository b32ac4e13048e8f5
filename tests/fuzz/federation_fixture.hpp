#pragma once
// The federation the envelope and directory targets run against: the sample directory of the
// federation tests (tests/federation/directory_test_fixture.hpp), signed by its coordinator key and
// verified once, and the moment the targets take as "now". The seed generator uses the same.

#include <cstdint>

#include "federation/directory.hpp"
#include "federation/envelope.hpp"
#include "tests/federation/directory_test_fixture.hpp"

namespace simpul::fuzz {

// An hour after the sample directory was issued: it is current.
inline constexpr std::int64_t kNowMs = federation::testing::kIssuedAt + federation::testing::kHour;

inline federation::EnvelopeTime Now() {
  return federation::EnvelopeTime(std::chrono::milliseconds(kNowMs));
}

// Envelopes travel from this node to kReceiver over a TLS connection that authenticated kSender.
inline constexpr std::string_view kSender = "kab:32.04";
inline constexpr std::string_view kReceiver = "prov:32";

// The message key of kSender in the sample directory (MakeNode seeds it with 30).
inline crypto::Ed25519KeyPair SenderKey() { return federation::testing::KeyFromByte(30); }

inline federation::Directory SampleDirectory() {
  using namespace federation::testing;
  const auto bytes = federation::SignDirectory(SampleDocument(), CoordinatorKey()).value();
  return federation::VerifyDirectory(bytes, SampleAnchor(), std::nullopt, kNowMs).value();
}

}  // namespace simpul::fuzz
