// Fuzzes the canonical JSON profile (crypto/canonical_json.hpp) that every signed federation
// document goes through. Invariants: whatever ParseProfileJson accepts canonicalises, the canonical
// bytes parse strictly back to the same value, and canonicalisation is a fixed point; whatever
// ParseCanonical accepts is already its own canonical form.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "crypto/canonical_json.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using simpul::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace crypto = simpul::crypto;
  const std::string_view text = simpul::fuzz::AsText(data, size);

  const auto parsed = crypto::ParseProfileJson(text);
  if (parsed) {
    const auto canonical = crypto::Canonicalize(*parsed);
    Require(canonical.has_value(), "a profile value does not canonicalise");
    const auto reparsed = crypto::ParseCanonical(*canonical);
    Require(reparsed.has_value(), "canonical bytes fail the strict parse");
    Require(*reparsed == *parsed, "parse(serialise(parse(x))) != parse(x)");
    const auto again = crypto::Canonicalize(*reparsed);
    Require(again.has_value() && *again == *canonical, "serialise is not a fixed point");
  }

  const auto strict = crypto::ParseCanonical(text);
  if (strict) {
    Require(parsed.has_value(), "ParseCanonical accepts what ParseProfileJson refuses");
    const auto canonical = crypto::Canonicalize(*strict);
    Require(canonical.has_value() && *canonical == text, "ParseCanonical accepted other bytes");
  }
  // A tighter depth limit may only refuse more, never accept something the default refuses.
  if (!parsed) Require(!crypto::ParseProfileJson(text, 4).has_value(), "depth limit widens");
  return 0;
}
