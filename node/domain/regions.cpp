#include "node/domain/regions.hpp"

#include <array>
#include <cassert>
#include <utility>

#include "node/domain/builtin_regions.hpp"
#include "node/domain/enum_names.hpp"

namespace simpul::domain {
namespace {

constexpr std::array<internal::NamedValue<RegionLevel>, 3> kLevelNames{{
    {RegionLevel::kProvince, "province"},
    {RegionLevel::kRegency, "regency"},
    {RegionLevel::kDistrict, "district"},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// True if `code` is `groups` groups of two digits joined by '.', e.g. "32.04" for groups == 2.
bool IsCodeShape(std::string_view code, std::size_t groups) {
  if (code.size() != groups * 3 - 1) return false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    bool separator = i % 3 == 2;
    if (separator ? code[i] != '.' : !IsDigit(code[i])) return false;
  }
  return true;
}

// Splits `line` at commas; no quoting (the region data has none).
std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return fields;
    }
    fields.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

// The non-empty lines of `csv` with their 1-based line numbers, without line terminators.
std::vector<std::pair<std::size_t, std::string_view>> Lines(std::string_view csv) {
  std::vector<std::pair<std::size_t, std::string_view>> lines;
  std::size_t number = 0;
  while (!csv.empty()) {
    ++number;
    std::size_t end = csv.find('\n');
    std::string_view line = csv.substr(0, end);
    csv = end == std::string_view::npos ? std::string_view{} : csv.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.emplace_back(number, line);
  }
  return lines;
}

Error CsvError(std::string_view file, std::size_t line, std::string_view what) {
  return Error{ErrorCode::kInvalidArgument,
               std::string(file) + " line " + std::to_string(line) + ": " + std::string(what)};
}

// Parses one CSV with `header` and `width` columns, handing each data row to `add`, which
// returns an error message or "" on success.
template <class AddRow>
Result<void> ParseCsv(std::string_view file, std::string_view csv, std::string_view header,
                      std::size_t width, AddRow add) {
  auto lines = Lines(csv);
  if (lines.empty() || lines.front().second != header) {
    return tl::unexpected(CsvError(file, lines.empty() ? 1 : lines.front().first,
                                   "expected header \"" + std::string(header) + "\""));
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto [number, line] = lines[i];
    std::vector<std::string_view> fields = SplitFields(line);
    if (fields.size() != width) {
      return tl::unexpected(
          CsvError(file, number, "expected " + std::to_string(width) + " fields"));
    }
    std::string problem = add(fields);
    if (!problem.empty()) return tl::unexpected(CsvError(file, number, problem));
  }
  return {};
}

}  // namespace

std::string_view Name(RegionLevel level) { return internal::NameIn(kLevelNames, level); }

std::optional<RegionLevel> ParseRegionLevel(std::string_view name) {
  return internal::ParseIn(kLevelNames, name);
}

RegionRegistry RegionRegistry::Builtin() {
  Result<RegionRegistry> registry =
      FromCsv(internal::BuiltinProvincesCsv(), internal::BuiltinRegenciesCsv());
  // The embedded data is checked by the domain tests; failing here is a build defect.
  assert(registry.has_value());
  return registry ? std::move(*registry) : RegionRegistry{};
}

Result<RegionRegistry> RegionRegistry::FromCsv(std::string_view provinces_csv,
                                               std::string_view regencies_csv) {
  RegionRegistry registry;
  auto& regions = registry.regions_;
  auto add_province = [&](const std::vector<std::string_view>& f) -> std::string {
    if (!IsCodeShape(f[0], 1)) return "malformed province code \"" + std::string(f[0]) + "\"";
    if (f[1].empty()) return "empty name";
    Region region{std::string(f[0]), std::string(f[1]), std::string(f[0]), RegionLevel::kProvince};
    if (!regions.emplace(region.code, region).second) return "duplicate code " + region.code;
    return "";
  };
  auto add_regency = [&](const std::vector<std::string_view>& f) -> std::string {
    if (!IsCodeShape(f[0], 2)) return "malformed regency code \"" + std::string(f[0]) + "\"";
    if (f[0].substr(0, 2) != f[1])
      return "code " + std::string(f[0]) + " not in province " + std::string(f[1]);
    if (!regions.contains(f[1])) return "unknown province " + std::string(f[1]);
    if (f[2].empty()) return "empty name";
    Region region{std::string(f[0]), std::string(f[2]), std::string(f[1]), RegionLevel::kRegency};
    if (!regions.emplace(region.code, region).second) return "duplicate code " + region.code;
    return "";
  };
  if (auto ok = ParseCsv("provinces.csv", provinces_csv, "code,name", 2, add_province); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = ParseCsv("regencies.csv", regencies_csv, "code,province_code,name", 3, add_regency);
      !ok) {
    return tl::unexpected(ok.error());
  }
  return registry;
}

Result<Region> RegionRegistry::Find(std::string_view code) const {
  if (auto it = regions_.find(code); it != regions_.end()) return it->second;
  if (IsCodeShape(code, 3)) {
    if (auto regency = regions_.find(code.substr(0, 5)); regency != regions_.end()) {
      return Region{std::string(code), "", regency->second.province_code, RegionLevel::kDistrict};
    }
  }
  return Fail(ErrorCode::kNotFound, "unknown region code " + std::string(code));
}

std::vector<Region> RegionRegistry::Children(std::string_view parent_code) const {
  std::vector<Region> children;
  if (parent_code.empty()) {
    for (const auto& [code, region] : regions_) {
      if (region.level == RegionLevel::kProvince) children.push_back(region);
    }
    return children;
  }
  auto parent = regions_.find(parent_code);
  if (parent == regions_.end() || parent->second.level != RegionLevel::kProvince) {
    return children;
  }
  for (const auto& [code, region] : regions_) {
    if (region.level == RegionLevel::kRegency && region.province_code == parent_code) {
      children.push_back(region);
    }
  }
  return children;
}

std::size_t RegionRegistry::size() const { return regions_.size(); }

}  // namespace simpul::domain
