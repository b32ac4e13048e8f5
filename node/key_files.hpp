#pragma once
// The start-up check of a node's secret key files: each must be a regular file owned by the user
// running simpuld and readable by nobody else (mode 0600 or stricter), or the node refuses to
// start. The readers of each key check the mode too; this check covers every file at once,
// before anything is loaded, including the HTTPS key that OpenSSL reads and keys that are read
// only later (the directory key, a pending next message key).

#include <filesystem>
#include <vector>

#include "crypto/result.hpp"
#include "node/config.hpp"

namespace simpul {

// Every secret key file of `config` that exists: each `*.key` file in the keys directory (message,
// next message, data, log, federation TLS and, on a coordinator, directory keys) and the HTTPS key
// `[http] tls_key` when set. A missing file is left to its reader, which names what creates it.
std::vector<std::filesystem::path> SecretKeyFiles(const NodeConfig& config);

// Fails kPermissionDenied naming the first file of SecretKeyFiles(config) that is not a regular
// file, is owned by another user, or grants any group or other permission, with the command that
// fixes it (`chmod 600 <path>`, or chown for the owner); kInternal if a file cannot be examined.
Result<void> CheckSecretKeyFiles(const NodeConfig& config);

}  // namespace simpul
