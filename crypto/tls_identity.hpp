#pragma once
// A node's TLS identity: an Ed25519 key pair and a self-signed X.509 certificate whose subject CN
// is the node id. Peers do not trust the certificate through any CA; they pin the SHA-256 of its
// SubjectPublicKeyInfo (the "SPKI pin"), which the directory publishes for every node.
//
//   Result<TlsIdentity> id = TlsIdentity::Generate("kab:32.04", std::chrono::system_clock::now());
//   id->WriteFiles("tls.crt", "tls.key");     // certificate 0644, private key 0600
//   std::string pin = id->spki_sha256_hex();  // goes into the enrollment request
//
// Ed25519 because every peer is a Simpul node on OpenSSL 3, where TLS 1.3 supports it natively.
// A TlsIdentity is immutable after construction, so it may be shared between threads; it is
// move-only. The private key is freed by OpenSSL, which clears it; every intermediate copy made
// here lives in SecretBytes and is wiped.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/result.hpp"

// OpenSSL's own declarations (openssl/types.h), repeated so this header does not pull OpenSSL in.
typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

namespace simpul::crypto {

// How long a generated certificate is valid. Validity is informational: peers accept a
// certificate because its key is pinned in the directory, which is also how a key is revoked.
inline constexpr std::chrono::days kTlsCertificateValidity{730};

// Deleters so that std::unique_ptr can own OpenSSL handles without OpenSSL in this header.
struct X509Free {
  void operator()(X509* p) const noexcept;
};
struct EvpPkeyFree {
  void operator()(EVP_PKEY* p) const noexcept;
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

class TlsIdentity {
 public:
  // A fresh Ed25519 key and a certificate with CN = `node_id`, a random 127-bit serial and a
  // validity of kTlsCertificateValidity from `now`. Fails with kInvalidArgument if `node_id` is
  // empty, longer than 64 characters or not printable ASCII; kInternal if OpenSSL fails.
  static Result<TlsIdentity> Generate(std::string_view node_id,
                                      std::chrono::system_clock::time_point now);

  // Reads files written by WriteFiles. Fails with kNotFound if one is missing; kPermissionDenied
  // if the key file is accessible to group or others; kInvalidArgument if the certificate is not
  // PEM, the key file has a bad format, or the key does not belong to the certificate.
  static Result<TlsIdentity> ReadFiles(const std::filesystem::path& cert_path,
                                       const std::filesystem::path& key_path);

  ~TlsIdentity();
  TlsIdentity(TlsIdentity&&) noexcept;
  TlsIdentity& operator=(TlsIdentity&&) noexcept;

  // Writes the certificate as PEM (mode 0644) and the private key (mode 0600), both fsynced,
  // never overwriting. The key file is "simpul-tls-pkcs8-v1\n<base64 of PKCS#8 DER>\n": line 2 is
  // the body of the equivalent "BEGIN PRIVATE KEY" PEM. Fails with kConflict if either path
  // exists, kNotFound if a directory is missing, kPermissionDenied or kInternal on other I/O
  // errors; on failure neither file is left behind by this call.
  Result<void> WriteFiles(const std::filesystem::path& cert_path,
                          const std::filesystem::path& key_path) const;

  const std::string& certificate_pem() const { return certificate_pem_; }
  // SpkiSha256Hex of the certificate: the pin peers compare against.
  const std::string& spki_sha256_hex() const { return spki_sha256_hex_; }

  // Borrowed OpenSSL handles for building SSL contexts; valid while this identity lives.
  // SSL_CTX_use_certificate and SSL_CTX_use_PrivateKey take their own references.
  X509* certificate() const { return certificate_.get(); }
  EVP_PKEY* private_key() const { return private_key_.get(); }

 private:
  static Result<TlsIdentity> FromParts(X509Ptr certificate, EvpPkeyPtr private_key);
  TlsIdentity(X509Ptr certificate, EvpPkeyPtr private_key, std::string certificate_pem,
              std::string spki_sha256_hex);

  X509Ptr certificate_;
  EvpPkeyPtr private_key_;
  std::string certificate_pem_;
  std::string spki_sha256_hex_;
};

// Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo (i2d_PUBKEY) of the first certificate in
// `certificate_pem`; what the directory pins. Fails with kInvalidArgument if there is no
// parsable PEM certificate.
Result<std::string> SpkiSha256Hex(std::string_view certificate_pem);

// The same pin for a parsed certificate. Fails with kInvalidArgument if its key cannot be encoded.
Result<std::string> SpkiSha256Hex(const X509* certificate);

namespace internal {

// Fail(code, "<what>: <each error on this thread's OpenSSL error queue>"), emptying the queue.
tl::unexpected<Error> OpenSslFail(ErrorCode code, std::string_view what);

}  // namespace internal
}  // namespace simpul::crypto
