#pragma once
// OpenSSL contexts for federation traffic (DESIGN.md §3, Transport): TLS 1.3 only, mutual TLS,
// and peers authenticated by the SPKI pin of their certificate instead of by a CA.
//
//   Result<SslCtx> ctx = MakeServerContext(identity, [&directory](std::string_view spki) {
//     return directory.HasNodeWithSpki(spki);  // must be thread-safe; must not throw
//   });
//   boost::asio::ssl::context asio_ctx(ctx->release());  // Asio takes ownership of the SSL_CTX
//   ...  // after stream.async_handshake(...) succeeds:
//   Result<std::string> spki = PeerSpkiSha256Hex(stream.native_handle());  // map to a node id
//
// Verification: OpenSSL's chain building is replaced as a whole (SSL_CTX_set_cert_verify_callback),
// so CAs, hostnames and validity dates play no part: the peer is accepted if and only if the
// verifier accepts the SHA-256 of the SubjectPublicKeyInfo of the leaf certificate it presented.
// TLS itself proves the peer holds that key (CertificateVerify). Session resumption is disabled,
// so every connection consults the verifier and a pin dropped from the directory stops working
// on the next handshake.
//
// With Boost.Asio: adopt the handle as above (boost::asio::ssl::context(native_handle_type) takes
// ownership; present in Boost 1.81). Then do not call set_verify_mode, set_verify_callback, use_*
// or set_options on it: the first can turn verification off, and the others change what is set
// here. Asio's verify callback (e.g. host_name_verification) would not run at all. Asio keeps its
// own state in the SSL_CTX's app-data slot; these contexts leave that slot alone.
//
// A client context accepts any server its verifier accepts. To talk to one particular node, make
// the verifier accept only that node's pin, or compare PeerSpkiSha256Hex with it after the
// handshake.
//
// The contexts are immutable once made, so, like any SSL_CTX, one may serve many connections on
// many threads at once; the verifier is then called concurrently.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/result.hpp"

// OpenSSL's own declarations (openssl/types.h), repeated so this header does not pull OpenSSL in.
typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace simpul::crypto {

class TlsIdentity;

// Decides whether a peer presenting a certificate with this SPKI pin (64 lower-case hex
// characters) may connect. Called during every handshake, on the thread running it. An exception
// it throws rejects the peer.
using PeerVerifier = std::function<bool(std::string_view spki_sha256_hex)>;

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const noexcept;
};
// Owns an SSL_CTX; release() hands it to boost::asio::ssl::context.
using SslCtx = std::unique_ptr<SSL_CTX, SslCtxFree>;

// A context for accepting connections: presents `identity`, requires a client certificate and
// accepts it only if `accept_peer` does. The context keeps its own references to the identity's
// certificate and key and owns `accept_peer`. Fails with kInvalidArgument if `accept_peer` is
// empty, kInternal if OpenSSL fails.
Result<SslCtx> MakeServerContext(const TlsIdentity& identity, PeerVerifier accept_peer);

// A context for connecting: presents `identity` as client certificate and accepts the server only
// if `accept_peer` does. Fails like MakeServerContext.
Result<SslCtx> MakeClientContext(const TlsIdentity& identity, PeerVerifier accept_peer);

// The SPKI pin of the peer of `ssl`, which the verifier accepted during its completed handshake.
// Fails with kUnauthenticated if the handshake has not completed or the peer was not verified;
// kInvalidArgument if `ssl` is null or does not use a context made by the functions above.
Result<std::string> PeerSpkiSha256Hex(const SSL* ssl);

}  // namespace simpul::crypto
