#pragma once
// Indonesian administrative regions by Kemendagri code: province "32", regency or city "32.04",
// district (kecamatan) "32.04.05".
//
// The shipped data (idn-area-data 3.1.2, ODbL 1.0) holds the 38 provinces and 514 regencies and
// cities, embedded in the library at build time. Districts are NOT in the shipped data: Find
// accepts any well-formed "NN.NN.NN" whose regency exists and returns it with level kDistrict and
// an empty name; Children never lists districts.
//
// A RegionRegistry is an immutable value once built; const methods are safe from any thread.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.hpp"

namespace simpul::domain {

enum class RegionLevel { kProvince, kRegency, kDistrict };

std::string_view Name(RegionLevel level);  // "province", "regency", "district"
std::optional<RegionLevel> ParseRegionLevel(std::string_view name);

struct Region {
  std::string code;           // "32", "32.04" or "32.04.05"
  std::string name;           // as in the data, e.g. "KABUPATEN BANDUNG"; empty for districts
  std::string province_code;  // "32" for all three examples above (its own code for a province)
  RegionLevel level = RegionLevel::kProvince;
};

class RegionRegistry {
 public:
  // The embedded 38 provinces and 514 regencies/cities.
  static RegionRegistry Builtin();

  // Parses `provinces_csv` (header "code,name") and `regencies_csv` (header
  // "code,province_code,name"); LF or CRLF line ends. Fails with kInvalidArgument naming the file
  // and line on a wrong header, a malformed code, a regency whose code does not start with its
  // province's code or whose province is missing, an empty name, or a duplicate code.
  static Result<RegionRegistry> FromCsv(std::string_view provinces_csv,
                                        std::string_view regencies_csv);

  // The region with `code`. Fails with kNotFound ("unknown region code 99.01") if it is not a
  // known province or regency, or a well-formed district of a known regency.
  Result<Region> Find(std::string_view code) const;

  // The provinces for "", the regencies of a province for its code; sorted by code. Empty for a
  // regency (districts are not shipped) or an unknown code.
  std::vector<Region> Children(std::string_view parent_code) const;

  // Number of provinces plus regencies held.
  std::size_t size() const;

 private:
  RegionRegistry() = default;

  std::map<std::string, Region, std::less<>> regions_;
};

}  // namespace simpul::domain
