#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"
#include "crypto/tls_context.hpp"
#include "crypto/tls_identity.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::crypto {
namespace {

template <auto Free>
struct CFree {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using SslPtr = std::unique_ptr<SSL, CFree<SSL_free>>;
using RawCtx = std::unique_ptr<SSL_CTX, CFree<SSL_CTX_free>>;

TlsIdentity NewIdentity(std::string_view node_id) {
  return TlsIdentity::Generate(node_id, std::chrono::system_clock::now()).value();
}

// Accepts only `pin`, and records every pin it is asked about in `*asked`.
PeerVerifier AcceptOnly(std::string pin, std::vector<std::string>* asked) {
  return [pin = std::move(pin), asked](std::string_view spki) {
    asked->emplace_back(spki);
    return spki == pin;
  };
}

PeerVerifier AcceptAny() {
  return [](std::string_view) { return true; };
}

// One end of an in-memory handshake.
struct End {
  SslPtr ssl;
  bool done = false;
  bool failed = false;
  std::string error;  // the last OpenSSL error, once failed
};

struct Handshake {
  End client;
  End server;
};

void Step(End& end) {
  if (end.done || end.failed) return;
  ERR_clear_error();
  const int rc = SSL_do_handshake(end.ssl.get());
  if (rc == 1) {
    end.done = true;
    return;
  }
  const int reason = SSL_get_error(end.ssl.get(), rc);
  if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) return;
  end.failed = true;
  std::array<char, 256> text{};
  ERR_error_string_n(ERR_peek_last_error(), text.data(), text.size());
  end.error = text.data();
}

// A real TLS handshake between two contexts over a memory BIO pair: hermetic, no sockets. Each
// end is driven until both have finished or failed, or neither can make progress.
Handshake RunHandshake(SslPtr client, SSL_CTX* server_ctx) {
  Handshake h;
  h.client.ssl = std::move(client);
  h.server.ssl.reset(SSL_new(server_ctx));
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  EXPECT_EQ(BIO_new_bio_pair(&client_bio, 0, &server_bio, 0), 1);
  SSL_set_bio(h.client.ssl.get(), client_bio, client_bio);  // each SSL now owns its BIO
  SSL_set_bio(h.server.ssl.get(), server_bio, server_bio);
  SSL_set_connect_state(h.client.ssl.get());
  SSL_set_accept_state(h.server.ssl.get());
  for (int round = 0; round < 16; ++round) {
    Step(h.client);
    Step(h.server);
  }
  return h;
}

Handshake RunHandshake(SSL_CTX* client_ctx, SSL_CTX* server_ctx) {
  return RunHandshake(SslPtr(SSL_new(client_ctx)), server_ctx);
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class TlsTest : public ::testing::Test {
 protected:
  TlsIdentity server_id_ = NewIdentity("kab:32.04");
  TlsIdentity client_id_ = NewIdentity("prov:32");
  std::vector<std::string> server_asked_;
  std::vector<std::string> client_asked_;
};

TEST_F(TlsTest, MutualTlsSucceedsWhenBothPinsMatchAndUsesTls13) {
  SslCtx server =
      MakeServerContext(server_id_, AcceptOnly(client_id_.spki_sha256_hex(), &server_asked_))
          .value();
  SslCtx client =
      MakeClientContext(client_id_, AcceptOnly(server_id_.spki_sha256_hex(), &client_asked_))
          .value();
  Handshake h = RunHandshake(client.get(), server.get());
  ASSERT_TRUE(h.client.done) << h.client.error;
  ASSERT_TRUE(h.server.done) << h.server.error;
  EXPECT_EQ(SSL_version(h.client.ssl.get()), TLS1_3_VERSION);
  EXPECT_EQ(SSL_version(h.server.ssl.get()), TLS1_3_VERSION);
  EXPECT_EQ(server_asked_, std::vector{client_id_.spki_sha256_hex()});
  EXPECT_EQ(client_asked_, std::vector{server_id_.spki_sha256_hex()});
  EXPECT_EQ(PeerSpkiSha256Hex(h.server.ssl.get()).value(), client_id_.spki_sha256_hex());
  EXPECT_EQ(PeerSpkiSha256Hex(h.client.ssl.get()).value(), server_id_.spki_sha256_hex());
}

TEST_F(TlsTest, ServerRejectsClientWhosePinIsNotAccepted) {
  const TlsIdentity enrolled = NewIdentity("kota:32.73");
  SslCtx server =
      MakeServerContext(server_id_, AcceptOnly(enrolled.spki_sha256_hex(), &server_asked_)).value();
  SslCtx client = MakeClientContext(client_id_, AcceptAny()).value();
  Handshake h = RunHandshake(client.get(), server.get());
  EXPECT_TRUE(h.server.failed);
  EXPECT_EQ(SSL_get_verify_result(h.server.ssl.get()), X509_V_ERR_APPLICATION_VERIFICATION);
  EXPECT_EQ(server_asked_, std::vector{client_id_.spki_sha256_hex()});
  Result<std::string> peer = PeerSpkiSha256Hex(h.server.ssl.get());
  ASSERT_FALSE(peer);
  EXPECT_EQ(peer.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(TlsTest, ClientRejectsServerWhosePinIsNotAccepted) {
  const TlsIdentity enrolled = NewIdentity("kota:32.73");
  SslCtx server = MakeServerContext(server_id_, AcceptAny()).value();
  SslCtx client =
      MakeClientContext(client_id_, AcceptOnly(enrolled.spki_sha256_hex(), &client_asked_)).value();
  Handshake h = RunHandshake(client.get(), server.get());
  EXPECT_TRUE(h.client.failed);
  EXPECT_FALSE(h.server.done);
  EXPECT_EQ(SSL_get_verify_result(h.client.ssl.get()), X509_V_ERR_APPLICATION_VERIFICATION);
  EXPECT_EQ(client_asked_, std::vector{server_id_.spki_sha256_hex()});
}

TEST_F(TlsTest, ServerRejectsClientWithoutCertificate) {
  SslCtx server = MakeServerContext(server_id_, AcceptAny()).value();
  RawCtx anonymous(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_verify(anonymous.get(), SSL_VERIFY_NONE, nullptr);
  Handshake h = RunHandshake(anonymous.get(), server.get());
  EXPECT_TRUE(h.server.failed);
  EXPECT_TRUE(Contains(h.server.error, "did not return a certificate")) << h.server.error;
  // A connection on a context not made here cannot vouch for its peer.
  Result<std::string> peer = PeerSpkiSha256Hex(h.client.ssl.get());
  ASSERT_FALSE(peer);
  EXPECT_EQ(peer.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(TlsTest, ServerRejectsTls12OnlyClient) {
  SslCtx server = MakeServerContext(server_id_, AcceptAny()).value();
  RawCtx tls12(SSL_CTX_new(TLS_client_method()));
  ASSERT_EQ(SSL_CTX_set_max_proto_version(tls12.get(), TLS1_2_VERSION), 1);
  ASSERT_EQ(SSL_CTX_use_certificate(tls12.get(), client_id_.certificate()), 1);
  ASSERT_EQ(SSL_CTX_use_PrivateKey(tls12.get(), client_id_.private_key()), 1);
  SSL_CTX_set_verify(tls12.get(), SSL_VERIFY_NONE, nullptr);
  Handshake h = RunHandshake(tls12.get(), server.get());
  EXPECT_TRUE(h.server.failed);
  EXPECT_TRUE(h.client.failed);
  EXPECT_TRUE(Contains(h.server.error, "unsupported protocol")) << h.server.error;
}

TEST_F(TlsTest, VerifierThatThrowsRejectsThePeer) {
  SslCtx server = MakeServerContext(server_id_, [](std::string_view) -> bool {
                    throw std::runtime_error("directory unavailable");
                  }).value();
  SslCtx client = MakeClientContext(client_id_, AcceptAny()).value();
  Handshake h = RunHandshake(client.get(), server.get());
  EXPECT_TRUE(h.server.failed);
  EXPECT_EQ(SSL_get_verify_result(h.server.ssl.get()), X509_V_ERR_APPLICATION_VERIFICATION);
}

// Without resumption every connection goes through the verifier, so a pin removed from the
// directory takes effect on the next connection.
TEST_F(TlsTest, ServerIssuesNoSessionTickets) {
  SslCtx server = MakeServerContext(server_id_, AcceptAny()).value();
  SslCtx client = MakeClientContext(client_id_, AcceptAny()).value();
  Handshake h = RunHandshake(client.get(), server.get());
  ASSERT_TRUE(h.client.done && h.server.done) << h.client.error << h.server.error;
  // TLS 1.3 tickets follow the handshake; application data makes the client process them.
  ASSERT_EQ(SSL_write(h.server.ssl.get(), "x", 1), 1);
  char byte = 0;
  ASSERT_EQ(SSL_read(h.client.ssl.get(), &byte, 1), 1);
  EXPECT_EQ(SSL_SESSION_is_resumable(SSL_get0_session(h.client.ssl.get())), 0);
}

// As if node code had called Asio's set_verify_mode(verify_none) on the stream: the handshake
// completes, but the unverified peer must not be reported as authenticated.
TEST_F(TlsTest, PeerSpkiIsRefusedWhenVerificationWasSwitchedOff) {
  const TlsIdentity enrolled = NewIdentity("kota:32.73");
  SslCtx server = MakeServerContext(server_id_, AcceptAny()).value();
  SslCtx client =
      MakeClientContext(client_id_, AcceptOnly(enrolled.spki_sha256_hex(), &client_asked_)).value();
  SslPtr unverified(SSL_new(client.get()));
  SSL_set_verify(unverified.get(), SSL_VERIFY_NONE, nullptr);
  Handshake h = RunHandshake(std::move(unverified), server.get());
  ASSERT_TRUE(h.client.done) << h.client.error;
  Result<std::string> peer = PeerSpkiSha256Hex(h.client.ssl.get());
  ASSERT_FALSE(peer);
  EXPECT_EQ(peer.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(TlsTest, ContextsRequireAVerifier) {
  EXPECT_EQ(MakeServerContext(server_id_, nullptr).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(MakeClientContext(client_id_, nullptr).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(TlsTest, SpkiSha256HexIsStableAndDiffersBetweenIdentities) {
  const std::string& pem = server_id_.certificate_pem();
  EXPECT_EQ(SpkiSha256Hex(pem).value(), SpkiSha256Hex(pem).value());
  EXPECT_EQ(SpkiSha256Hex(pem).value(), server_id_.spki_sha256_hex());
  EXPECT_NE(SpkiSha256Hex(client_id_.certificate_pem()).value(), server_id_.spki_sha256_hex());
  // The pin is over the DER SubjectPublicKeyInfo (RFC 8410), not the certificate or raw key.
  Bytes spki = HexDecode("302a300506032b6570032100").value();
  std::array<std::uint8_t, 32> raw{};
  std::size_t raw_len = raw.size();
  ASSERT_EQ(
      EVP_PKEY_get_raw_public_key(X509_get0_pubkey(server_id_.certificate()), raw.data(), &raw_len),
      1);
  spki.insert(spki.end(), raw.begin(), raw.end());
  EXPECT_EQ(server_id_.spki_sha256_hex(), Sha256Hex(spki));
}

TEST_F(TlsTest, SpkiSha256HexRejectsWhatIsNotACertificate) {
  EXPECT_EQ(SpkiSha256Hex("not a certificate").error().code, ErrorCode::kInvalidArgument);
  std::string truncated = server_id_.certificate_pem();
  truncated.resize(truncated.size() / 2);
  EXPECT_EQ(SpkiSha256Hex(truncated).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(TlsTest, GeneratedCertificateIsSelfSignedForTheNodeId) {
  X509* cert = server_id_.certificate();
  std::array<char, 128> cn{};
  ASSERT_GT(X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn.data(),
                                      static_cast<int>(cn.size())),
            0);
  EXPECT_STREQ(cn.data(), "kab:32.04");
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(cert)), 0);
  EXPECT_EQ(X509_verify(cert, X509_get0_pubkey(cert)), 1);
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert), X509_get0_notAfter(cert)),
            1);
  EXPECT_EQ(days, kTlsCertificateValidity.count());
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(cert),
                             X509_get0_serialNumber(client_id_.certificate())),
            0);
}

TEST_F(TlsTest, GenerateRejectsBadNodeIds) {
  const auto now = std::chrono::system_clock::now();
  const std::string too_long(65, 'a');
  for (std::string_view bad : {std::string_view(), std::string_view("kab 32.04"),
                               std::string_view("kab:\n"), std::string_view(too_long)}) {
    Result<TlsIdentity> id = TlsIdentity::Generate(bad, now);
    ASSERT_FALSE(id) << bad;
    EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST_F(TlsTest, FilesRoundTripWithOwnerOnlyKey) {
  testing::TempDir dir;
  const auto cert_path = dir.path() / "tls.crt";
  const auto key_path = dir.path() / "tls.key";
  ASSERT_TRUE(server_id_.WriteFiles(cert_path, key_path));
  EXPECT_EQ(testing::ModeOf(key_path), 0600u);
  EXPECT_EQ(testing::ModeOf(cert_path), 0644u);
  EXPECT_EQ(testing::ReadAll(cert_path), server_id_.certificate_pem());
  EXPECT_TRUE(testing::ReadAll(key_path).starts_with("simpul-tls-pkcs8-v1\n"));

  TlsIdentity loaded = TlsIdentity::ReadFiles(cert_path, key_path).value();
  EXPECT_EQ(loaded.spki_sha256_hex(), server_id_.spki_sha256_hex());
  // The loaded key is the one that was saved: it can complete a pinned handshake.
  SslCtx server = MakeServerContext(loaded, AcceptAny()).value();
  SslCtx client =
      MakeClientContext(client_id_, AcceptOnly(server_id_.spki_sha256_hex(), &client_asked_))
          .value();
  Handshake h = RunHandshake(client.get(), server.get());
  EXPECT_TRUE(h.client.done && h.server.done) << h.client.error << h.server.error;

  EXPECT_EQ(server_id_.WriteFiles(cert_path, dir.path() / "other.key").error().code,
            ErrorCode::kConflict);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "other.key"));
  EXPECT_EQ(server_id_.WriteFiles(dir.path() / "other.crt", key_path).error().code,
            ErrorCode::kConflict);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "other.crt"));
}

TEST_F(TlsTest, ReadFilesRejectsExposedOrForeignKey) {
  testing::TempDir dir;
  const auto cert_path = dir.path() / "tls.crt";
  const auto key_path = dir.path() / "tls.key";
  ASSERT_TRUE(server_id_.WriteFiles(cert_path, key_path));
  ASSERT_TRUE(client_id_.WriteFiles(dir.path() / "c.crt", dir.path() / "c.key"));

  Result<TlsIdentity> foreign = TlsIdentity::ReadFiles(cert_path, dir.path() / "c.key");
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, ErrorCode::kInvalidArgument);

  std::filesystem::permissions(key_path, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  Result<TlsIdentity> exposed = TlsIdentity::ReadFiles(cert_path, key_path);
  ASSERT_FALSE(exposed);
  EXPECT_EQ(exposed.error().code, ErrorCode::kPermissionDenied);

  EXPECT_EQ(TlsIdentity::ReadFiles(dir.path() / "missing.crt", key_path).error().code,
            ErrorCode::kNotFound);
}

// The wiring node code uses: Asio adopts the SSL_CTX, handshakes run over real loopback TCP.
TEST_F(TlsTest, AsioContextAdoptsHandleForLoopbackHandshake) {
  namespace net = boost::asio;
  using tcp = net::ip::tcp;
  net::ssl::context server_ctx(
      MakeServerContext(server_id_, AcceptOnly(client_id_.spki_sha256_hex(), &server_asked_))
          .value()
          .release());
  net::ssl::context client_ctx(
      MakeClientContext(client_id_, AcceptOnly(server_id_.spki_sha256_hex(), &client_asked_))
          .value()
          .release());
  net::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::address_v4::loopback(), 0));

  boost::system::error_code server_ec;
  std::string server_saw;
  std::thread server([&] {
    net::ssl::stream<tcp::socket> stream(io, server_ctx);
    acceptor.accept(stream.lowest_layer(), server_ec);
    if (!server_ec) stream.handshake(net::ssl::stream_base::server, server_ec);
    if (!server_ec) server_saw = PeerSpkiSha256Hex(stream.native_handle()).value_or("");
  });
  net::ssl::stream<tcp::socket> client(io, client_ctx);
  boost::system::error_code client_ec;
  client.lowest_layer().connect(acceptor.local_endpoint(), client_ec);
  if (!client_ec) client.handshake(net::ssl::stream_base::client, client_ec);
  server.join();

  ASSERT_FALSE(client_ec) << client_ec.message();
  ASSERT_FALSE(server_ec) << server_ec.message();
  EXPECT_EQ(server_saw, client_id_.spki_sha256_hex());
  EXPECT_EQ(PeerSpkiSha256Hex(client.native_handle()).value(), server_id_.spki_sha256_hex());
}

}  // namespace
}  // namespace simpul::crypto
