#pragma once
// Internal to node/domain: the region CSVs embedded at build time from node/data/ (see
// builtin_regions.cpp.in). Data: idn-area-data 3.1.2, Open Database License (ODbL 1.0).

#include <string_view>

namespace simpul::domain::internal {

std::string_view BuiltinProvincesCsv();  // "code,name", 38 rows
std::string_view BuiltinRegenciesCsv();  // "code,province_code,name", 514 rows

}  // namespace simpul::domain::internal
