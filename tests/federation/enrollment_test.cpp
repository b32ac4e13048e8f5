// Enrollment requests: a signed request verifies back to itself, and each rule of
// VerifyEnrollment rejects a request that breaks only that rule.
#include "federation/enrollment.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "tests/federation/directory_test_fixture.hpp"

namespace simpul::federation {
namespace {

using nlohmann::json;
using testing::KeyFromByte;

constexpr std::int64_t kNow = 1'760'000'000'000;
constexpr std::int64_t kMinute = 60 * 1000;
constexpr std::int64_t kDay = 24 * 60 * kMinute;

class EnrollmentTest : public ::testing::Test {
 protected:
  EnrollmentTest() : msg_(KeyFromByte(10)), log_(KeyFromByte(11)), next_(KeyFromByte(12)) {
    request_.id = "kab:32.04";
    request_.name = "Pemerintah Kabupaten Bandung";
    request_.node_class = NodeClass::kRegency;
    request_.parent = "prov:32";
    request_.jurisdiction = {{"32.04"}, {}};
    request_.endpoint = "https://simpul.bandungkab.go.id:9443";
    request_.tls_spki_sha256 = std::string(64, 'b');
    request_.keys = {Listed(msg_, KeyUse::kMessage), Listed(log_, KeyUse::kLog)};
    request_.created_at = kNow;
  }

  static EnrollmentKey Listed(const crypto::Ed25519KeyPair& pair, KeyUse use) {
    return {crypto::KeyId(pair.public_key()), use, pair.public_key()};
  }

  std::string Signed() const {
    const crypto::Ed25519KeyPair* keys[] = {&msg_, &log_};
    Result<std::string> bytes = SignEnrollment(request_, keys);
    EXPECT_TRUE(bytes) << bytes.error().message;
    return bytes.value_or("");
  }

  // The signed form of `request` with one valid proof by each of `signers`, bypassing the checks
  // of SignEnrollment so that verification meets the broken rule itself.
  static std::string SignRaw(const json& enrollment,
                             const std::vector<const crypto::Ed25519KeyPair*>& signers) {
    const std::string message =
        std::string(kEnrollmentSignaturePrefix) + crypto::Canonicalize(enrollment).value();
    json proofs = json::array();
    for (const crypto::Ed25519KeyPair* key : signers) {
      proofs.push_back({{"kid", crypto::KeyId(key->public_key())},
                        {"sig", crypto::Base64Encode(key->Sign(crypto::AsBytes(message)))}});
    }
    return crypto::Canonicalize({{"enrollment", enrollment}, {"proofs", proofs}}).value();
  }

  // The enrollment object of the signed request, to change one field and SignRaw it again.
  json Enrollment() const { return json::parse(Signed())["enrollment"]; }
  std::string Resigned(const json& enrollment) const { return SignRaw(enrollment, {&msg_, &log_}); }

  // Verifies `bytes` at kNow, expecting `code` and a message containing `fragment`.
  static void ExpectRejected(const std::string& bytes, ErrorCode code, const std::string& fragment,
                             std::int64_t now = kNow) {
    Result<EnrollmentRequest> verified = VerifyEnrollment(bytes, now);
    ASSERT_FALSE(verified) << "accepted; expected: " << fragment;
    EXPECT_EQ(verified.error().code, code) << verified.error().message;
    EXPECT_NE(verified.error().message.find(fragment), std::string::npos)
        << verified.error().message;
  }

  crypto::Ed25519KeyPair msg_, log_, next_;
  EnrollmentRequest request_;
};

TEST_F(EnrollmentTest, SignedRequestVerifiesToTheSameRequest) {
  const std::string bytes = Signed();
  Result<EnrollmentRequest> verified = VerifyEnrollment(bytes, kNow);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(*verified, request_);
  EXPECT_EQ(json::parse(bytes)["proofs"].size(), 2u);
}

TEST_F(EnrollmentTest, ThreeKeysForRotationVerify) {
  request_.keys.push_back(Listed(next_, KeyUse::kMessage));
  const crypto::Ed25519KeyPair* keys[] = {&next_, &log_, &msg_};
  Result<std::string> bytes = SignEnrollment(request_, keys);
  ASSERT_TRUE(bytes) << bytes.error().message;
  Result<EnrollmentRequest> verified = VerifyEnrollment(*bytes, kNow);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->keys.size(), 3u);
}

TEST_F(EnrollmentTest, SignRefusesKeysThatDoNotMatchTheList) {
  const crypto::Ed25519KeyPair* keys[] = {&msg_, &next_};
  Result<std::string> bytes = SignEnrollment(request_, keys);
  ASSERT_FALSE(bytes);
  EXPECT_NE(bytes.error().message.find(crypto::KeyId(log_.public_key())), std::string::npos);
}

TEST_F(EnrollmentTest, RejectsOversizedRequest) {
  ExpectRejected(std::string(kMaxEnrollmentBytes + 1, ' '), ErrorCode::kTooLarge, "over the limit");
}

TEST_F(EnrollmentTest, RejectsNonCanonicalBytes) {
  std::string bytes = Signed();
  bytes.insert(1, " ");
  ExpectRejected(bytes, ErrorCode::kInvalidArgument, "not canonical JSON");
}

TEST_F(EnrollmentTest, RejectsFieldAlteredAfterSigning) {
  json signed_form = json::parse(Signed());
  signed_form["enrollment"]["endpoint"] = "https://attacker.example:9443";
  ExpectRejected(crypto::Canonicalize(signed_form).value(), ErrorCode::kUnauthenticated,
                 "proof of possession failed for kid " + crypto::KeyId(msg_.public_key()));
}

TEST_F(EnrollmentTest, RejectsProofByAnotherKey) {
  json signed_form = json::parse(Signed());
  signed_form["proofs"][1]["sig"] = signed_form["proofs"][0]["sig"];
  ExpectRejected(crypto::Canonicalize(signed_form).value(), ErrorCode::kUnauthenticated,
                 "proof of possession failed for kid " + crypto::KeyId(log_.public_key()));
}

TEST_F(EnrollmentTest, RejectsMissingProof) {
  json signed_form = json::parse(Signed());
  signed_form["proofs"].erase(1);
  ExpectRejected(crypto::Canonicalize(signed_form).value(), ErrorCode::kInvalidArgument,
                 "enrollment.keys[1]: no proof of possession");
}

TEST_F(EnrollmentTest, RejectsProofForUnlistedKey) {
  ExpectRejected(SignRaw(Enrollment(), {&msg_, &log_, &next_}), ErrorCode::kInvalidArgument,
                 "proofs[2].kid: proof for kid");
}

TEST_F(EnrollmentTest, RejectsSecondProofForOneKey) {
  ExpectRejected(SignRaw(Enrollment(), {&msg_, &log_, &msg_}), ErrorCode::kInvalidArgument,
                 "proofs[2].kid: a second proof");
}

TEST_F(EnrollmentTest, RejectsKidThatIsNotTheKeyId) {
  json enrollment = Enrollment();
  enrollment["keys"][1]["kid"] = crypto::KeyId(next_.public_key());
  ExpectRejected(Resigned(enrollment), ErrorCode::kInvalidArgument,
                 "enrollment.keys[1].kid: must be the KeyId");
}

TEST_F(EnrollmentTest, RejectsDuplicateKid) {
  json enrollment = Enrollment();
  enrollment["keys"].push_back(enrollment["keys"][0]);
  ExpectRejected(Resigned(enrollment), ErrorCode::kInvalidArgument,
                 "enrollment.keys[2].kid: duplicate kid");
}

TEST_F(EnrollmentTest, RejectsRequestWithoutLogKey) {
  json enrollment = Enrollment();
  enrollment["keys"][1]["use"] = "msg";
  ExpectRejected(SignRaw(enrollment, {&msg_, &log_}), ErrorCode::kInvalidArgument,
                 "at least one msg key and one log key");
}

TEST_F(EnrollmentTest, RejectsMoreThanFourKeys) {
  json enrollment = Enrollment();
  std::vector<crypto::Ed25519KeyPair> extra;
  for (std::uint8_t b = 20; b < 23; ++b) extra.push_back(KeyFromByte(b));
  std::vector<const crypto::Ed25519KeyPair*> signers = {&msg_, &log_};
  for (const auto& key : extra) {
    enrollment["keys"].push_back({{"kid", crypto::KeyId(key.public_key())},
                                  {"public_key", crypto::Base64Encode(key.public_key().bytes)},
                                  {"use", "msg"}});
    signers.push_back(&key);
  }
  ExpectRejected(SignRaw(enrollment, signers), ErrorCode::kInvalidArgument,
                 "enrollment.keys: must list 1 to 4 keys");
}

TEST_F(EnrollmentTest, RejectsMalformedNodeId) {
  json enrollment = Enrollment();
  enrollment["id"] = "kab:3204";
  ExpectRejected(Resigned(enrollment), ErrorCode::kInvalidArgument,
                 "enrollment.id: must look like");
}

TEST_F(EnrollmentTest, RejectsClassThatDoesNotMatchTheIdPrefix) {
  json enrollment = Enrollment();
  enrollment["class"] = "city";
  ExpectRejected(Resigned(enrollment), ErrorCode::kInvalidArgument,
                 "enrollment.class: \"city\" does not match the id kab:32.04");
}

TEST_F(EnrollmentTest, RejectsRegionOutsideTheNodesOwn) {
  json enrollment = Enrollment();
  enrollment["regions"] = {"32.05"};
  ExpectRejected(Resigned(enrollment), ErrorCode::kInvalidArgument,
                 "enrollment.regions[0]: must lie within 32.04");
}

TEST_F(EnrollmentTest, RejectsPlainHttpEndpoint) {
  json enrollment = Enrollment();
  enrollment["endpoint"] = "http://simpul.bandungkab.go.id:9443";
  ExpectRejected(Resigned(enrollment), ErrorCode::kInvalidArgument, "enrollment.endpoint");
}

TEST_F(EnrollmentTest, RejectsUpperCaseSpki) {
  json enrollment = Enrollment();
  enrollment["tls_spki_sha256"] = std::string(64, 'B');
  ExpectRejected(Resigned(enrollment), ErrorCode::kInvalidArgument, "enrollment.tls_spki_sha256");
}

TEST_F(EnrollmentTest, RejectsWrongTypeAndUnknownField) {
  json enrollment = Enrollment();
  enrollment["created_at"] = "yesterday";
  ExpectRejected(Resigned(enrollment), ErrorCode::kInvalidArgument,
                 "enrollment.created_at: must be an integer");
  enrollment = Enrollment();
  enrollment["role"] = "coordinator";
  ExpectRejected(Resigned(enrollment), ErrorCode::kInvalidArgument,
                 "enrollment.role: unknown field");
}

TEST_F(EnrollmentTest, AcceptsCreatedAtAtTheEdgesOfTheWindowOnly) {
  const std::string bytes = Signed();
  EXPECT_TRUE(VerifyEnrollment(bytes, kNow + 30 * kDay));
  EXPECT_TRUE(VerifyEnrollment(bytes, kNow - 5 * kMinute));
  ExpectRejected(bytes, ErrorCode::kInvalidArgument, "older than 30 days", kNow + 30 * kDay + 1);
  ExpectRejected(bytes, ErrorCode::kInvalidArgument, "in the future", kNow - 5 * kMinute - 1);
}

}  // namespace
}  // namespace simpul::federation
