#include "tests/bench/sim/federation_plan.hpp"

#include <algorithm>
#include <cctype>

#include "node/domain/regions.hpp"

namespace simpul::bench::sim {
namespace {

using federation::NodeClass;

struct Ministry {
  const char* id;
  const char* name;
  const char* category;
};

// Ministries and agencies, each answering for one top-level category of the national tree.
constexpr Ministry kMinistries[] = {
    {"kl:kemenkes", "Kementerian Kesehatan", "kesehatan"},
    {"kl:kemendikdasmen", "Kementerian Pendidikan Dasar dan Menengah", "pendidikan"},
    {"kl:kemendagri", "Kementerian Dalam Negeri", "kependudukan"},
    {"kl:pupr", "Kementerian Pekerjaan Umum", "infrastruktur"},
    {"kl:klh", "Kementerian Lingkungan Hidup", "lingkungan"},
    {"kl:kemensos", "Kementerian Sosial", "sosial"},
    {"kl:kemnaker", "Kementerian Ketenagakerjaan", "ketenagakerjaan"},
    {"kl:kemenhub", "Kementerian Perhubungan", "transportasi"},
    {"kl:bkpm", "Kementerian Investasi dan Hilirisasi", "perizinan"},
    {"kl:atrbpn", "Kementerian Agraria dan Tata Ruang", "pertanahan"},
    {"kl:polri", "Kepolisian Negara Republik Indonesia", "ketertiban"},
    {"kl:kpk", "Komisi Pemberantasan Korupsi", "korupsi"},
};

bool OnJava(const std::string& region) {
  const int province = std::stoi(region.substr(0, 2));
  return province >= 31 && province <= 36;
}

// Kemendagri numbers cities 71 and up within their province.
bool IsCity(const std::string& regency_code) {
  return std::stoi(regency_code.substr(regency_code.find('.') + 1)) >= 71;
}

MemberPlan Regional(const domain::Region& r) {
  MemberPlan m;
  m.region = r.code;
  m.name = r.name;
  if (r.level == domain::RegionLevel::kProvince) {
    m.id = "prov:" + r.code;
    m.node_class = NodeClass::kProvince;
    m.weight = 8;
  } else {
    const bool city = IsCity(r.code);
    m.id = (city ? "kota:" : "kab:") + r.code;
    m.node_class = city ? NodeClass::kCity : NodeClass::kRegency;
    m.parent = "prov:" + r.province_code;
    m.weight = city ? 3 : 2;
  }
  if (OnJava(r.code)) m.weight *= 2;
  return m;
}

}  // namespace

std::vector<MemberPlan> PlanFederation(std::size_t limit) {
  const domain::RegionRegistry regions = domain::RegionRegistry::Builtin();
  std::vector<MemberPlan> members;
  const std::vector<domain::Region> provinces = regions.Children("");
  for (const auto& p : provinces) members.push_back(Regional(p));
  for (const auto& p : provinces) {
    for (const auto& r : regions.Children(p.code)) members.push_back(Regional(r));
  }
  std::vector<MemberPlan> ministries;
  for (const Ministry& k : kMinistries) {
    MemberPlan m;
    m.id = k.id;
    m.name = k.name;
    m.node_class = NodeClass::kMinistry;
    m.categories = {k.category};
    m.weight = 16;
    ministries.push_back(std::move(m));
  }
  if (limit > 0) {
    const std::size_t kept_ministries = std::max<std::size_t>(1, limit / 50);
    ministries.resize(std::min(ministries.size(), kept_ministries));
    const std::size_t regional = limit > ministries.size() ? limit - ministries.size() : 1;
    if (members.size() > regional) members.resize(regional);
  }
  for (auto& m : ministries) members.push_back(std::move(m));
  return members;
}

std::string TrackingPrefix(const std::string& node_id) {
  std::string out;
  for (char c : node_id) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

}  // namespace simpul::bench::sim
