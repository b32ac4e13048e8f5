#include "crypto/tls_identity.hpp"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "crypto/bytes.hpp"
#include "crypto/durable_file.hpp"
#include "crypto/hash.hpp"
#include "crypto/key_file.hpp"
#include "crypto/random.hpp"
#include "crypto/secret_bytes.hpp"

namespace simpul::crypto {
namespace {

template <auto Free>
struct CFree {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using BioPtr = std::unique_ptr<BIO, CFree<BIO_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, CFree<BN_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, CFree<X509_EXTENSION_free>>;
using Pkcs8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, CFree<PKCS8_PRIV_KEY_INFO_free>>;

constexpr std::string_view kKeyFileHeader = "simpul-tls-pkcs8-v1";
// PKCS#8 (RFC 8410) of an Ed25519 key: a 16-byte prefix and the 32-byte seed.
constexpr std::size_t kEd25519Pkcs8Bytes = 48;
constexpr std::uintmax_t kMaxCertificateFileBytes = 64 * 1024;
constexpr std::size_t kMaxCommonNameChars = 64;  // ub-common-name, RFC 5280

Result<void> CheckNodeId(std::string_view node_id) {
  bool printable = !node_id.empty() && node_id.size() <= kMaxCommonNameChars;
  for (char c : node_id) printable = printable && c > ' ' && c < 0x7F;
  if (!printable) {
    return Fail(ErrorCode::kInvalidArgument,
                "TLS certificate node id must be 1 to 64 printable ASCII characters");
  }
  return {};
}

Result<void> AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX v3{};
  X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
  ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &v3, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return internal::OpenSslFail(ErrorCode::kInternal, "cannot add certificate extension");
  }
  return {};
}

// Fills `cert` as a self-signed leaf certificate for `key`, usable by both TLS client and server.
Result<void> BuildSelfSigned(X509* cert, EVP_PKEY* key, std::string_view node_id,
                             std::chrono::system_clock::time_point now) {
  Bytes serial = RandomBytes(16);
  serial[0] = (serial[0] & 0x7F) | 0x40;  // positive, and always 16 bytes long
  BignumPtr serial_bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  std::time_t start = std::chrono::system_clock::to_time_t(now);
  X509_NAME* name = X509_get_subject_name(cert);
  const bool ok =
      X509_set_version(cert, X509_VERSION_3) == 1 && serial_bn &&
      BN_to_ASN1_INTEGER(serial_bn.get(), X509_get_serialNumber(cert)) != nullptr &&
      X509_time_adj_ex(X509_getm_notBefore(cert), 0, 0, &start) != nullptr &&
      X509_time_adj_ex(X509_getm_notAfter(cert), static_cast<int>(kTlsCertificateValidity.count()),
                       0, &start) != nullptr &&
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(node_id.data()),
                                 static_cast<int>(node_id.size()), -1, 0) == 1 &&
      X509_set_issuer_name(cert, name) == 1 && X509_set_pubkey(cert, key) == 1;
  if (!ok) return internal::OpenSslFail(ErrorCode::kInternal, "cannot fill TLS certificate");
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                            std::pair{NID_key_usage, "critical,digitalSignature"},
                            std::pair{NID_ext_key_usage, "serverAuth,clientAuth"},
                            std::pair{NID_subject_key_identifier, "hash"}}) {
    if (Result<void> added = AddExtension(cert, nid, value); !added) return added;
  }
  // Ed25519 signs the message itself, so no digest is named.
  if (X509_sign(cert, key, nullptr) <= 0) {
    return internal::OpenSslFail(ErrorCode::kInternal, "cannot sign TLS certificate");
  }
  return {};
}

// Creates `path` (never overwriting) with `text` and permission bits `mode`, durably. On failure
// nothing is left at `path`.
Result<void> WriteNewFile(const std::filesystem::path& path, std::string_view text, mode_t mode) {
  return WriteNewFileDurably(path, AsBytes(text), mode, "TLS file");
}

Result<std::string> ReadCertificateFile(const std::filesystem::path& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    const ErrorCode code =
        ec == std::errc::no_such_file_or_directory ? ErrorCode::kNotFound : ErrorCode::kInternal;
    return Fail(code, "cannot read TLS certificate " + path.string() + ": " + ec.message());
  }
  if (size > kMaxCertificateFileBytes) {
    return Fail(ErrorCode::kInvalidArgument, "TLS certificate " + path.string() + " is too large");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in.good() && !in.eof()) {
    return Fail(ErrorCode::kInternal, "cannot read TLS certificate " + path.string());
  }
  return text;
}

Result<X509Ptr> ParseCertificate(std::string_view pem) {
  if (pem.size() > INT_MAX) return Fail(ErrorCode::kInvalidArgument, "certificate too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return internal::OpenSslFail(ErrorCode::kInvalidArgument, "not a PEM certificate");
  return cert;
}

Result<EvpPkeyPtr> ParsePrivateKey(const SecretBytes& der, const std::filesystem::path& path) {
  const unsigned char* p = der.data();
  Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  EvpPkeyPtr key(info && p == der.data() + der.size() ? EVP_PKCS82PKEY(info.get()) : nullptr);
  if (!key) {
    return internal::OpenSslFail(ErrorCode::kInvalidArgument,
                                 "TLS key file " + path.string() + " does not hold a PKCS#8 key");
  }
  return key;
}

}  // namespace

void X509Free::operator()(X509* p) const noexcept { X509_free(p); }
void EvpPkeyFree::operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }

TlsIdentity::TlsIdentity(X509Ptr certificate, EvpPkeyPtr private_key, std::string certificate_pem,
                         std::string spki_sha256_hex)
    : certificate_(std::move(certificate)),
      private_key_(std::move(private_key)),
      certificate_pem_(std::move(certificate_pem)),
      spki_sha256_hex_(std::move(spki_sha256_hex)) {}

TlsIdentity::~TlsIdentity() = default;
TlsIdentity::TlsIdentity(TlsIdentity&&) noexcept = default;
TlsIdentity& TlsIdentity::operator=(TlsIdentity&&) noexcept = default;

Result<TlsIdentity> TlsIdentity::FromParts(X509Ptr certificate, EvpPkeyPtr private_key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  char* pem = nullptr;
  long pem_len = 0;
  if (!bio || PEM_write_bio_X509(bio.get(), certificate.get()) != 1 ||
      (pem_len = BIO_get_mem_data(bio.get(), &pem)) <= 0) {
    return internal::OpenSslFail(ErrorCode::kInternal, "cannot encode TLS certificate");
  }
  Result<std::string> spki = SpkiSha256Hex(certificate.get());
  if (!spki) return tl::unexpected(spki.error());
  return TlsIdentity(std::move(certificate), std::move(private_key),
                     std::string(pem, static_cast<std::size_t>(pem_len)), std::move(*spki));
}

Result<TlsIdentity> TlsIdentity::Generate(std::string_view node_id,
                                          std::chrono::system_clock::time_point now) {
  if (Result<void> ok = CheckNodeId(node_id); !ok) return tl::unexpected(ok.error());
  ERR_clear_error();
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return internal::OpenSslFail(ErrorCode::kInternal, "cannot generate TLS key");
  X509Ptr cert(X509_new());
  if (!cert) return internal::OpenSslFail(ErrorCode::kInternal, "cannot allocate certificate");
  if (Result<void> built = BuildSelfSigned(cert.get(), key.get(), node_id, now); !built) {
    return tl::unexpected(built.error());
  }
  return FromParts(std::move(cert), std::move(key));
}

Result<TlsIdentity> TlsIdentity::ReadFiles(const std::filesystem::path& cert_path,
                                           const std::filesystem::path& key_path) {
  ERR_clear_error();
  Result<std::string> pem = ReadCertificateFile(cert_path);
  if (!pem) return tl::unexpected(pem.error());
  Result<X509Ptr> cert = ParseCertificate(*pem);
  if (!cert) {
    return Fail(ErrorCode::kInvalidArgument, cert_path.string() + ": " + cert.error().message);
  }
  Result<SecretBytes> der = internal::ReadSecretFile(key_path, kKeyFileHeader, kEd25519Pkcs8Bytes);
  if (!der) return tl::unexpected(der.error());
  Result<EvpPkeyPtr> key = ParsePrivateKey(*der, key_path);
  if (!key) return tl::unexpected(key.error());
  if (X509_check_private_key(cert->get(), key->get()) != 1) {
    return internal::OpenSslFail(
        ErrorCode::kInvalidArgument,
        "TLS key " + key_path.string() + " does not belong to certificate " + cert_path.string());
  }
  return FromParts(std::move(*cert), std::move(*key));
}

Result<void> TlsIdentity::WriteFiles(const std::filesystem::path& cert_path,
                                     const std::filesystem::path& key_path) const {
  ERR_clear_error();
  Pkcs8Ptr info(EVP_PKEY2PKCS8(private_key_.get()));
  const int der_len = info ? i2d_PKCS8_PRIV_KEY_INFO(info.get(), nullptr) : -1;
  if (der_len <= 0) return internal::OpenSslFail(ErrorCode::kInternal, "cannot encode TLS key");
  SecretBytes der(static_cast<std::size_t>(der_len));
  unsigned char* out = der.data();
  if (i2d_PKCS8_PRIV_KEY_INFO(info.get(), &out) != der_len || der.size() != kEd25519Pkcs8Bytes) {
    return internal::OpenSslFail(ErrorCode::kInternal, "TLS key is not a PKCS#8 Ed25519 key");
  }
  if (Result<void> ok = WriteNewFile(cert_path, certificate_pem_, 0644); !ok) return ok;
  Result<void> ok = internal::WriteSecretFile(key_path, kKeyFileHeader, der.view());
  if (!ok) ::unlink(cert_path.c_str());
  return ok;
}

Result<std::string> SpkiSha256Hex(const X509* certificate) {
  const EVP_PKEY* key = X509_get0_pubkey(certificate);
  const int len = key ? i2d_PUBKEY(key, nullptr) : -1;
  Bytes der(len > 0 ? static_cast<std::size_t>(len) : 0);
  unsigned char* out = der.data();
  if (len <= 0 || i2d_PUBKEY(key, &out) != len) {
    return internal::OpenSslFail(ErrorCode::kInvalidArgument,
                                 "cannot encode the certificate's public key");
  }
  return Sha256Hex(der);
}

Result<std::string> SpkiSha256Hex(std::string_view certificate_pem) {
  ERR_clear_error();
  Result<X509Ptr> cert = ParseCertificate(certificate_pem);
  if (!cert) return tl::unexpected(cert.error());
  return SpkiSha256Hex(cert->get());
}

namespace internal {

tl::unexpected<Error> OpenSslFail(ErrorCode code, std::string_view what) {
  std::string message(what);
  char buf[256];
  while (const unsigned long err = ERR_get_error()) {
    ERR_error_string_n(err, buf, sizeof buf);
    message += ": ";
    message += buf;
  }
  return Fail(code, std::move(message));
}

}  // namespace internal
}  // namespace simpul::crypto
