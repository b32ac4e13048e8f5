#include "node/service/case_service.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "crypto/bytes.hpp"
#include "crypto/canonical_json.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "node/domain/text.hpp"
#include "node/service/case_rules.hpp"
#include "node/store/account_store.hpp"
#include "node/store/identity_store.hpp"
#include "node/store/log_leaves.hpp"
#include "node/store/tlog_store.hpp"

namespace simpul::service {
namespace {

using domain::CaseAction;
using domain::CaseState;
using nlohmann::json;
using rules::CheckMessage;
using rules::ComputeSlaOf;
using rules::MaySee;
using rules::MaySeeIdentity;
using rules::RoleMayAct;
using store::Connection;

constexpr std::size_t kAccessCodeLength = 12;  // Crockford base32: 60 bits
constexpr std::string_view kActorReporter = "reporter";

std::string SealIdentity(const domain::ReporterIdentity& id, const crypto::SecretBoxKey& key) {
  json j = {{"name", id.name}, {"nik", id.nik}, {"phone", id.phone}, {"email", id.email}};
  std::string text = j.dump();
  auto sealed = crypto::SecretBoxSeal(key, crypto::AsBytes(text));
  std::fill(text.begin(), text.end(), '\0');
  return crypto::ToString(sealed);
}

}  // namespace

namespace {
std::string FormatCoordinate(std::optional<double> v) {
  if (!v) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", *v);
  return buf;
}
}  // namespace

// The content commitment: SHA-256 of the canonical complaint content and a random salt. Leaves
// the reporter's identity out, so it can be published without revealing who filed. The tracking
// id is not part of it (it is assigned later, in the writer); the signed receipt binds the two.
Result<std::vector<std::uint8_t>> rules::CommitmentOf(const store::CaseRecord& r) {
  json content = {{"classification", domain::Name(r.classification)},
                  {"category", r.category},
                  {"title", r.title},
                  {"body", r.body},
                  {"incident_date", r.incident_date.value_or("")},
                  {"region", r.region},
                  {"address", r.address},
                  {"latitude", FormatCoordinate(r.latitude)},
                  {"longitude", FormatCoordinate(r.longitude)},
                  {"channel", domain::Name(r.channel)},
                  {"anonymous", r.anonymous},
                  {"confidential", r.confidential},
                  {"submitted_at", r.submitted_at.time_since_epoch().count()},
                  {"salt", crypto::HexEncode(r.commitment_salt)}};
  auto canonical = crypto::Canonicalize(content);
  if (!canonical) return tl::unexpected(canonical.error());
  auto digest = crypto::Sha256(crypto::AsBytes(*canonical));
  return std::vector<std::uint8_t>(digest.begin(), digest.end());
}

std::vector<Role> RolesFor(domain::CaseAction action) {
  std::vector<Role> out;
  for (Role r : AllRoles()) {
    if (RoleMayAct(r, action)) out.push_back(r);
  }
  return out;
}

std::string TrackingPrefix(std::string_view node_id) {
  std::string out;
  for (char c : node_id) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

CaseService::CaseService(CaseServiceConfig config, store::Database& db,
                         const store::BlobStore& blobs, const Catalog& catalog,
                         const domain::WorkingCalendar& calendar,
                         const crypto::Ed25519KeyPair& signer, const crypto::SecretBoxKey& data_key,
                         Clock clock)
    : config_(std::move(config)),
      db_(db),
      blobs_(blobs),
      catalog_(catalog),
      calendar_(calendar),
      signer_(signer),
      data_key_(data_key),
      key_id_(crypto::KeyId(signer.public_key())),
      access_pepper_(
          crypto::Blake2b(crypto::AsBytes("simpul/v1/access-code"), 32, data_key.bytes())),
      clock_(std::move(clock)) {}

std::vector<std::uint8_t> CaseService::HashAccessCode(std::string_view code) const {
  return crypto::Blake2b(crypto::AsBytes(code), 32, access_pepper_);
}

boost::asio::awaitable<Result<SubmitResult>> CaseService::Submit(domain::ComplaintDraft draft) {
  const domain::TimePoint now = clock_();
  auto categories = catalog_.categories();
  if (auto valid = domain::ValidateComplaint(draft, catalog_.regions(), *categories, config_.limits,
                                             now, calendar_.utc_offset());
      !valid) {
    co_return tl::unexpected(valid.error());
  }
  // Everything slow or secret happens before the write job: hashing, sealing, key generation.
  std::string access_code = crypto::RandomCode(kAccessCodeLength);
  store::CaseRecord rec;
  rec.access_hash = HashAccessCode(access_code);
  rec.classification = draft.classification;
  rec.category = draft.category_code;
  rec.title = std::move(draft.title);
  rec.body = std::move(draft.body);
  if (draft.incident_date) rec.incident_date = domain::FormatIsoDate(*draft.incident_date);
  rec.region = draft.region_code;
  rec.address = std::move(draft.address);
  rec.latitude = draft.latitude;
  rec.longitude = draft.longitude;
  rec.suggested_agency = draft.suggested_agency;
  rec.channel = draft.channel;
  rec.anonymous = draft.anonymous;
  rec.confidential = draft.confidential;
  rec.state = CaseState::kSubmitted;
  rec.commitment_salt = crypto::RandomBytes(16);
  rec.submitted_at = rec.updated_at = now;

  std::optional<std::pair<std::vector<std::uint8_t>, std::string>> sealed_identity;
  if (!draft.reporter.empty()) {
    auto case_key = crypto::SecretBoxKey::Generate();
    auto wrapped = crypto::SecretBoxSeal(data_key_, case_key.bytes());
    sealed_identity.emplace(std::move(wrapped), SealIdentity(draft.reporter, case_key));
  }
  std::vector<std::pair<store::AttachmentRecord, std::string>> files;
  for (auto& a : draft.attachments) {
    store::AttachmentRecord meta{"", a.filename, a.media_type,
                                 static_cast<std::int64_t>(a.content.size())};
    files.emplace_back(std::move(meta), std::move(a.content));
  }

  // Only the tracking id needs the writer; everything else is computed here, off the serial path.
  auto commitment = rules::CommitmentOf(rec);
  if (!commitment) co_return tl::unexpected(commitment.error());
  rec.commitment = std::move(*commitment);
  const store::EventRecord submitted{0,
                                     CaseAction::kSubmit,
                                     CaseState::kSubmitted,
                                     std::string(kActorReporter),
                                     "",
                                     json{{"channel", domain::Name(rec.channel)}}.dump(),
                                     true,
                                     now};
  const auto sla = ComputeSlaOf({submitted}, calendar_, config_.sla);
  rec.next_due_at = sla.next_due;
  rec.next_clock = sla.next_clock ? std::string(domain::Name(*sla.next_clock)) : "";

  const std::string prefix = config_.tracking_prefix;
  std::int64_t log_index = 0;
  auto stored =
      co_await db_.Write<store::CaseRecord>([&, this](Connection& c) -> Result<store::CaseRecord> {
        auto seq = store::CaseStore::NextSequence(c, "tracking_id");
        if (!seq) return tl::unexpected(seq.error());
        char number[24];
        std::snprintf(number, sizeof number, "%06lld", static_cast<long long>(*seq));
        rec.tracking_id = prefix + "-" + number;
        auto id = store::CaseStore::Insert(c, rec);
        if (!id) return tl::unexpected(id.error());
        rec.id = *id;
        auto intake = store::TlogStore::FindLeaf(c, store::leaves::kIntake, rec.tracking_id);
        if (!intake) return tl::unexpected(intake.error());
        if (!*intake) return Fail(ErrorCode::kInternal, "intake was not logged");
        log_index = (*intake)->index;
        if (auto r = store::CaseStore::AppendEvent(c, *id, submitted); !r) {
          return tl::unexpected(r.error());
        }
        if (auto r = store::CaseStore::InsertClocks(c, *id, sla.clocks); !r) {
          return tl::unexpected(r.error());
        }
        if (sealed_identity) {
          auto r = store::IdentityStore::Insert(c, *id, sealed_identity->first,
                                                crypto::AsBytes(sealed_identity->second));
          if (!r) return tl::unexpected(r.error());
        }
        // Attachment files are durable before the rows that name them commit.
        for (auto& [meta, content] : files) {
          auto sha = blobs_.Put(content);
          if (!sha) return tl::unexpected(sha.error());
          meta.sha256 = *sha;
          if (auto r = store::CaseStore::InsertAttachment(c, *id, meta); !r) {
            return tl::unexpected(r.error());
          }
        }
        return rec;
      });
  if (!stored) co_return tl::unexpected(stored.error());

  SubmitResult out;
  out.tracking_id = stored->tracking_id;
  out.access_code = std::move(access_code);
  out.commitment_hex = crypto::HexEncode(stored->commitment);
  out.commitment_salt_hex = crypto::HexEncode(stored->commitment_salt);
  out.log_index = log_index;
  auto receipt = SignIntakeReceipt(
      signer_, key_id_,
      {config_.node_id, out.tracking_id, out.commitment_hex, stored->submitted_at, log_index});
  if (!receipt) co_return tl::unexpected(receipt.error());
  out.receipt = std::move(*receipt);
  co_return out;
}

Result<store::CaseRecord> CaseService::CheckAccessCode(Connection& c,
                                                       const std::string& tracking_id,
                                                       const std::string& access_code) const {
  auto rec = store::CaseStore::FindByTrackingId(c, tracking_id);
  const auto wrong = [] {
    return Fail(ErrorCode::kNotFound, "tracking id or access code is wrong");
  };
  if (!rec) return rec.error().code == ErrorCode::kNotFound ? wrong() : rec;
  std::string normalized;
  for (char ch : access_code) {
    if (ch != '-' && ch != ' ')
      normalized += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  if (!crypto::ConstantTimeEqual(HashAccessCode(normalized), rec->access_hash)) return wrong();
  return rec;
}

Result<CaseView> CaseService::LoadView(Connection& c, store::CaseRecord rec, const Principal* who) {
  CaseView view;
  auto events = store::CaseStore::Events(c, rec.id);
  if (!events) return tl::unexpected(events.error());
  view.events = std::move(*events);
  auto attachments = store::CaseStore::Attachments(c, rec.id);
  if (!attachments) return tl::unexpected(attachments.error());
  view.attachments = std::move(*attachments);
  view.sla = ComputeSlaOf(view.events, calendar_, config_.sla);
  auto link = store::FederationStore::FindLink(c, rec.id);
  if (!link) return tl::unexpected(link.error());
  view.link = std::move(*link);
  if (who != nullptr) {
    const bool received = view.link && !view.link->upstream.empty();
    for (CaseAction a : domain::AllowedActions(rec.state)) {
      if (a == CaseAction::kReporterReply || !RoleMayAct(who->role, a)) continue;
      if (a == CaseAction::kForward && hooks_ == nullptr) continue;
      if (a == CaseAction::kDecline && !received) continue;
      view.allowed_actions.push_back(a);
    }
  }
  view.identity_state = "none";
  auto sealed = store::IdentityStore::Find(c, rec.id);
  if (sealed) {
    if (!sealed->wrapped_key) {
      view.identity_state = "erased";
    } else if (rec.anonymous) {
      view.identity_state = "hidden_anonymous";
    } else if (who == nullptr || !MaySeeIdentity(*who, rec)) {
      view.identity_state = "withheld";
    } else {
      auto key_bytes = crypto::SecretBoxOpen(data_key_, *sealed->wrapped_key);
      if (!key_bytes) return Fail(ErrorCode::kInternal, "reporter key cannot be unwrapped");
      auto case_key = crypto::SecretBoxKey::FromBytes(*key_bytes);
      std::fill(key_bytes->begin(), key_bytes->end(), 0);
      if (!case_key) return tl::unexpected(case_key.error());
      auto plain = crypto::SecretBoxOpen(*case_key, sealed->sealed);
      if (!plain) return Fail(ErrorCode::kInternal, "reporter identity cannot be opened");
      auto j = json::parse(crypto::ToString(*plain), nullptr, /*allow_exceptions=*/false);
      std::fill(plain->begin(), plain->end(), 0);
      if (!j.is_object()) return Fail(ErrorCode::kInternal, "reporter identity is corrupt");
      view.reporter = domain::ReporterIdentity{j.value("name", ""), j.value("nik", ""),
                                               j.value("phone", ""), j.value("email", "")};
      view.identity_state = "shown";
    }
  } else if (sealed.error().code != ErrorCode::kNotFound) {
    return tl::unexpected(sealed.error());
  }
  view.record = std::move(rec);
  return view;
}

boost::asio::awaitable<Result<CaseView>> CaseService::Track(std::string tracking_id,
                                                            std::string access_code) {
  co_return co_await db_.Read<CaseView>([&, this](Connection& c) -> Result<CaseView> {
    auto rec = CheckAccessCode(c, tracking_id, access_code);
    if (!rec) return tl::unexpected(rec.error());
    return LoadView(c, std::move(*rec), nullptr);
  });
}

boost::asio::awaitable<Result<CaseView>> CaseService::ReporterReply(std::string tracking_id,
                                                                    std::string access_code,
                                                                    std::string message,
                                                                    std::string request_id) {
  if (auto ok = CheckMessage("message", message, true); !ok) co_return tl::unexpected(ok.error());
  ActionCommand cmd;
  cmd.action = CaseAction::kReporterReply;
  cmd.message = std::move(message);
  cmd.request_id = std::move(request_id);
  co_return co_await db_.Write<CaseView>([&, this](Connection& c) -> Result<CaseView> {
    auto rec = CheckAccessCode(c, tracking_id, access_code);
    if (!rec) return tl::unexpected(rec.error());
    return ApplyInWriter(c, nullptr, kActorReporter, tracking_id, cmd);
  });
}

boost::asio::awaitable<Result<CaseView>> CaseService::Get(Principal who, std::string tracking_id) {
  co_return co_await db_.Read<CaseView>([&, this](Connection& c) -> Result<CaseView> {
    auto rec = store::CaseStore::FindByTrackingId(c, tracking_id);
    if (!rec) return tl::unexpected(rec.error());
    if (!MaySee(who, *rec)) {
      return Fail(ErrorCode::kPermissionDenied, "this case is not assigned to your unit");
    }
    return LoadView(c, std::move(*rec), &who);
  });
}

boost::asio::awaitable<Result<store::CasePage>> CaseService::List(Principal who,
                                                                  store::CaseQuery query) {
  if (who.role == Role::kUnitOfficer) {
    if (!who.unit_id) co_return store::CasePage{};
    query.unit_id = who.unit_id;
  }
  co_return co_await db_.Read<store::CasePage>(
      [&](Connection& c) { return store::CaseStore::Query(c, query); });
}

boost::asio::awaitable<Result<store::CasePage>> CaseService::PublicFeed(int limit, int offset) {
  store::CaseQuery query;
  query.public_only = true;
  query.limit = limit;
  query.offset = offset;
  co_return co_await db_.Read<store::CasePage>(
      [&](Connection& c) { return store::CaseStore::Query(c, query); });
}

boost::asio::awaitable<Result<CaseStats>> CaseService::Stats() {
  const domain::TimePoint now = clock_();
  co_return co_await db_.Read<CaseStats>([&](Connection& c) -> Result<CaseStats> {
    CaseStats s;
    auto by_state = store::CaseStore::CountByState(c);
    auto by_category = store::CaseStore::CountByCategory(c);
    auto by_region = store::CaseStore::CountByRegion(c);
    auto compliance = store::CaseStore::Compliance(c, now);
    auto total = store::CaseStore::CountAll(c);
    auto overdue = store::CaseStore::CountOverdue(c, now);
    for (const Error* e :
         {by_state ? nullptr : &by_state.error(), by_category ? nullptr : &by_category.error(),
          by_region ? nullptr : &by_region.error(), compliance ? nullptr : &compliance.error(),
          total ? nullptr : &total.error(), overdue ? nullptr : &overdue.error()}) {
      if (e != nullptr) return tl::unexpected(*e);
    }
    s.by_state = std::move(*by_state);
    s.by_category = std::move(*by_category);
    s.by_region = std::move(*by_region);
    s.compliance = std::move(*compliance);
    s.total = *total;
    s.overdue = *overdue;
    return s;
  });
}

boost::asio::awaitable<Result<std::pair<store::AttachmentRecord, std::string>>>
CaseService::Attachment(Principal who, std::string tracking_id, std::string sha256_hex) {
  using Out = std::pair<store::AttachmentRecord, std::string>;
  co_return co_await db_.Read<Out>([&, this](Connection& c) -> Result<Out> {
    auto rec = store::CaseStore::FindByTrackingId(c, tracking_id);
    if (!rec) return tl::unexpected(rec.error());
    if (!MaySee(who, *rec)) {
      return Fail(ErrorCode::kPermissionDenied, "this case is not assigned to your unit");
    }
    auto list = store::CaseStore::Attachments(c, rec->id);
    if (!list) return tl::unexpected(list.error());
    for (auto& a : *list) {
      if (a.sha256 != sha256_hex) continue;
      auto content = blobs_.Get(sha256_hex);
      if (!content) return tl::unexpected(content.error());
      return Out{a, std::move(*content)};
    }
    return Fail(ErrorCode::kNotFound, "no such attachment on this case");
  });
}

}  // namespace simpul::service
