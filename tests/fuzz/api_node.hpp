#pragma once
// The node the api_request target fuzzes: simpul::node's real services over a real SQLite database
// (in a scratch directory under /dev/shm when it exists), with the route table node/app.cpp
// registers — the API, Open311, the web UI's static files, the transparency log's public routes,
// the escalation lists and the coordinator's monitoring routes — but no listener, federation
// transport or checkpoint signer. Requests go straight to Router::Dispatch, as the server would
// hand them over.
//
// Built once per process: units, one signed-in account per role (and a second unit's officer),
// complaints in several states (one with an attachment) and an Open311 key. Its database is then
// copied as the pristine state; Restore() copies it back (SQLite's online backup) after a request
// changed something, so every input starts from the same database.
//
// Not thread-safe: the fuzzing thread owns it. A step of the build that fails aborts
// (fuzz::Require): a harness that cannot build its node would fuzz nothing.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "node/http/api_types.hpp"
#include "node/http/router.hpp"

namespace simpul::fuzz {

// Who sends a request: its bearer token.
enum class Caller {
  kNone,              // no Authorization header
  kVerifier,          // a signed-in verifier
  kUnitOfficer,       // an officer of unit dpupr, which handles the disposed cases
  kSupervisor,        //
  kNodeAdmin,         //
  kAuditor,           //
  kOtherUnitOfficer,  // an officer of unit dinkes, which handles none of them
  kUnknownToken,      // a token no session has
};
inline constexpr int kCallerCount = 8;

// A hash per table (and one for the attachment files): equal fingerprints mean equal contents.
using Fingerprint = std::vector<std::pair<std::string, std::uint64_t>>;

class ApiNode {
 public:
  ApiNode();
  ~ApiNode();
  ApiNode(const ApiNode&) = delete;
  ApiNode& operator=(const ApiNode&) = delete;

  // Called before each input. Every 1000th call starts the sign-in throttle and the Open311 keys'
  // rate windows afresh: the clock never moves, so their lockouts would otherwise last the whole
  // run (30 failed sign-ins from one address would refuse every later one).
  void BeforeInput();

  const http::Router& router() const;
  // Runs the router's dispatch of `request` to `route` (nullptr: none matched) to completion.
  // Rethrows what the handler threw: the server would answer that with a 500.
  http::ApiResponse Dispatch(http::ApiRequest& request, const http::Route* route);

  // The bearer token `caller` sends; empty for kNone.
  std::string Token(Caller caller) const;
  // Text an input may name symbolically, replaced before dispatch: "@code1".."@code7" are the
  // access codes of the seeded complaints KAB3204-000001..7, "@key" the Open311 API key.
  const std::vector<std::pair<std::string, std::string>>& placeholders() const;
  // Secrets no response may show unless the request itself holds them: session tokens, access
  // codes, the Open311 key, the seeded accounts' password hashes. Identities: the seeded reporters'
  // NIK, phone and e-mail, which only staff may see.
  const std::vector<std::string>& secrets() const;
  const std::vector<std::string>& identities() const;

  // The database's contents and the attachment files now.
  Fingerprint Current() const;
  const Fingerprint& pristine() const;
  // Copies the pristine database back, removes attachment files it does not name, and reloads the
  // catalog's cache. Aborts if the result differs from the pristine fingerprint.
  void Restore();

 private:
  struct Parts;
  void Wire();
  void Seed();
  void SeedComplaints();
  void KeepPristine();
  std::unique_ptr<Parts> p_;
};

// The tables whose fingerprints differ, comma-separated ("" when equal).
std::string ChangedTables(const Fingerprint& before, const Fingerprint& after);

}  // namespace simpul::fuzz
