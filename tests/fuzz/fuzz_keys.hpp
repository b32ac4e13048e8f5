#pragma once
// The fixed keys and names the fuzz targets verify against and the seed generator
// (make_seeds.cpp) signs with, so that committed seeds reach the code behind signature checks.
// Keys come from fixed seeds: they protect nothing.

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/checkpoint.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/merkle.hpp"
#include "crypto/signed_note.hpp"

namespace simpul::fuzz {

inline constexpr std::string_view kLogOrigin = "simpul/fuzz-log";
inline constexpr std::string_view kWitnessName = "witness.example/fuzz";

inline crypto::Ed25519KeyPair SeededKey(std::uint8_t b) {
  return crypto::Ed25519KeyPair::FromSeed(crypto::Bytes(32, b)).value();
}

// The log whose checkpoints and tlog proofs the signed-note target verifies.
inline crypto::NoteSigner LogSigner() {
  return crypto::NoteSigner::Create(std::string(kLogOrigin), SeededKey(0x61)).value();
}

// The witness whose cosignatures the signed-note target verifies.
inline crypto::Cosigner WitnessCosigner() {
  return crypto::Cosigner::Create(std::string(kWitnessName), SeededKey(0x62)).value();
}

// The hash of entry `index` of the fuzz log.
inline crypto::MerkleHash LogLeaf(std::uint64_t index) {
  return crypto::LeafHash(crypto::AsBytes("event " + std::to_string(index)));
}

}  // namespace simpul::fuzz
