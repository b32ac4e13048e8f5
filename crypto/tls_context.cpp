#include "crypto/tls_context.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <utility>

#include "crypto/tls_identity.hpp"

namespace simpul::crypto {
namespace {

void FreeVerifier(void* /*ctx*/, void* verifier, CRYPTO_EX_DATA* /*ad*/, int /*slot*/,
                  long /*argl*/, void* /*argp*/) {
  delete static_cast<PeerVerifier*>(verifier);  // null for contexts made elsewhere
}

// The SSL_CTX ex-data slot that owns a context's PeerVerifier, so the verifier lives exactly as
// long as the context, whoever frees it (Asio included). OpenSSL hands out slots per process;
// this one is registered on first use and constant afterwards. Slot 0 (app data) is Asio's.
int VerifierSlot() {
  static const int slot = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, FreeVerifier);
  return slot;
}

// Replaces X509_verify_cert: accepts the peer iff its verifier accepts the leaf's SPKI pin.
int VerifyPinnedLeaf(X509_STORE_CTX* store, void* arg) {
  const PeerVerifier& accept_peer = *static_cast<const PeerVerifier*>(arg);
  X509* leaf = X509_STORE_CTX_get0_cert(store);
  Result<std::string> spki =
      leaf != nullptr ? SpkiSha256Hex(leaf) : Fail(ErrorCode::kUnauthenticated, "no certificate");
  bool accepted = false;
  if (spki) {
    // Fail closed: an exception must not unwind through OpenSSL's C frames.
    try {
      accepted = accept_peer(*spki);
    } catch (...) {
      accepted = false;
    }
  }
  X509_STORE_CTX_set_error(store, accepted ? X509_V_OK : X509_V_ERR_APPLICATION_VERIFICATION);
  return accepted ? 1 : 0;
}

Result<SslCtx> MakeContext(const SSL_METHOD* method, int verify_mode, const TlsIdentity& identity,
                           PeerVerifier accept_peer) {
  if (!accept_peer) return Fail(ErrorCode::kInvalidArgument, "a PeerVerifier is required");
  ERR_clear_error();
  SslCtx ctx(SSL_CTX_new(method));
  if (!ctx) return internal::OpenSslFail(ErrorCode::kInternal, "cannot create SSL_CTX");
  auto verifier = std::make_unique<PeerVerifier>(std::move(accept_peer));
  const int slot = VerifierSlot();
  if (slot < 0 || SSL_CTX_set_ex_data(ctx.get(), slot, verifier.get()) != 1) {
    return internal::OpenSslFail(ErrorCode::kInternal, "cannot attach the peer verifier");
  }
  void* verifier_arg = verifier.release();  // now freed with the context, by FreeVerifier

  const bool ok = SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION) == 1 &&
                  SSL_CTX_use_certificate(ctx.get(), identity.certificate()) == 1 &&
                  SSL_CTX_use_PrivateKey(ctx.get(), identity.private_key()) == 1 &&
                  SSL_CTX_check_private_key(ctx.get()) == 1 &&
                  SSL_CTX_set_num_tickets(ctx.get(), 0) == 1;
  if (!ok) return internal::OpenSslFail(ErrorCode::kInternal, "cannot configure SSL_CTX");
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  SSL_CTX_set_verify(ctx.get(), verify_mode, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx.get(), VerifyPinnedLeaf, verifier_arg);
  return ctx;
}

}  // namespace

void SslCtxFree::operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }

Result<SslCtx> MakeServerContext(const TlsIdentity& identity, PeerVerifier accept_peer) {
  return MakeContext(TLS_server_method(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                     identity, std::move(accept_peer));
}

Result<SslCtx> MakeClientContext(const TlsIdentity& identity, PeerVerifier accept_peer) {
  return MakeContext(TLS_client_method(), SSL_VERIFY_PEER, identity, std::move(accept_peer));
}

Result<std::string> PeerSpkiSha256Hex(const SSL* ssl) {
  if (ssl == nullptr || SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), VerifierSlot()) == nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                "connection does not use a context from MakeServerContext or MakeClientContext");
  }
  if (SSL_is_init_finished(ssl) != 1) {
    return Fail(ErrorCode::kUnauthenticated, "TLS handshake has not completed");
  }
  const X509* peer = SSL_get0_peer_certificate(ssl);
  if (peer == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) {
    return Fail(ErrorCode::kUnauthenticated, "TLS peer was not verified");
  }
  return SpkiSha256Hex(peer);
}

}  // namespace simpul::crypto
