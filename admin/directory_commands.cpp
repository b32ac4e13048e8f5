// simpulctl directory ...: the coordinator's registry of member nodes. Every change verifies its
// input, then changes the registry and publishes the next signed directory version in one
// transaction, so the registry and the published directory never disagree.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <vector>

#include "admin/federation_support.hpp"
#include "federation/directory.hpp"
#include "federation/enrollment.hpp"
#include "federation/trust_anchor.hpp"
#include "node/coord/own_entry.hpp"

namespace simpul::admin {
namespace {

using Change = std::function<Result<void>(store::Connection&, std::int64_t now_ms)>;

// The verified enrollment request in file `path`. Fails with kNotFound if it cannot be read, or
// as VerifyEnrollment does, the message naming the file.
Result<federation::EnrollmentRequest> ReadRequest(const std::string& path, std::int64_t now_ms) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kNotFound, "cannot read enrollment request " + path);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  Result<federation::EnrollmentRequest> request = federation::VerifyEnrollment(bytes, now_ms);
  if (!request) {
    return Fail(request.error().code, path + " is refused: " + request.error().message +
                                          ". Ask the node for a fresh `simpulctl enroll` file.");
  }
  return request;
}

void PrintPublished(const CommonOptions& common, const std::string& what,
                    const coord::PublishedDirectory& published, nlohmann::json extra = {}) {
  if (common.json) {
    nlohmann::json out = {{"version", published.version},
                          {"etag", published.etag},
                          {"issued_at", published.issued_at},
                          {"expires_at", published.expires_at}};
    if (extra.is_object()) out.update(extra);
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << what << "\nPublished directory version " << published.version << " (etag "
            << published.etag << ", expires " << IsoUtc(published.expires_at) << ").\n";
}

// Applies `change` and publishes the next version in one write job.
int RunChange(const CommonOptions& common, const Coordinator& coordinator, std::int64_t now_ms,
              const Change& change, const std::string& what, nlohmann::json extra = {}) {
  Result<coord::PublishedDirectory> published =
      coordinator.db->WriteSync<coord::PublishedDirectory>(
          [&](store::Connection& c) -> Result<coord::PublishedDirectory> {
            if (Result<void> changed = change(c, now_ms); !changed) {
              return tl::unexpected(changed.error());
            }
            return coord::Publish(c, coordinator.PublishAt(now_ms));
          });
  if (!published) {
    Error error = published.error();
    error.message += "; nothing was changed";
    return Report(common, error);
  }
  PrintPublished(common, what, *published, std::move(extra));
  return 0;
}

nlohmann::json KidsJson(const federation::EnrollmentRequest& request) {
  nlohmann::json kids = nlohmann::json::array();
  for (const auto& key : request.keys) {
    kids.push_back({{"kid", key.kid}, {"use", federation::Name(key.use)}});
  }
  return kids;
}

// Registers (or updates) every node of the enrollment request files `paths` and publishes once:
// all of them change the registry in one write job with the version that publishes them, so a
// refused request leaves the registry and the directory as they were. Registering the whole
// federation at once this way signs one directory instead of one per node.
int RunEnrolled(const CommonOptions& common, const std::vector<std::string>& paths, bool update) {
  auto coordinator = OpenCoordinator(common);
  if (!coordinator) return coordinator.error();
  const std::int64_t now = NowMs();
  std::vector<federation::EnrollmentRequest> requests;
  for (const std::string& path : paths) {
    Result<federation::EnrollmentRequest> request = ReadRequest(path, now);
    if (!request) return Report(common, request.error());
    requests.push_back(std::move(*request));
  }
  std::string what;
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& request : requests) {
    what += (what.empty() ? "" : "\n") + std::string(update ? "Updated " : "Added ") + request.id +
            " (SPKI " + request.tls_spki_sha256 + "); keys:";
    for (const auto& key : request.keys) what += " " + key.kid + "/" + std::string(Name(key.use));
    nodes.push_back({{"node_id", request.id}, {"keys", KidsJson(request)}});
  }
  if (update) what += "\nNew keys are \"next\"; run `directory activate-key` to switch.";
  const Change change = [&](store::Connection& c, std::int64_t at) -> Result<void> {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      Result<void> changed =
          update ? coord::UpdateNode(c, requests[i], at) : coord::AddNode(c, requests[i], at);
      if (!changed) return Fail(changed.error().code, paths[i] + ": " + changed.error().message);
    }
    return {};
  };
  // One request keeps the output it always had; several list their nodes.
  nlohmann::json extra = requests.size() == 1 ? nodes[0] : nlohmann::json{{"nodes", nodes}};
  return RunChange(common, *coordinator, now, change, what, std::move(extra));
}

// Prints a warning when `node_id` is left without an active msg key.
void WarnIfNoActiveMessageKey(const Coordinator& coordinator, const std::string& node_id) {
  Result<federation::NodeEntry> entry = coordinator.db->ReadSync<federation::NodeEntry>(
      [&](store::Connection& c) { return coord::FindNode(c, node_id); });
  if (!entry) return;
  for (const auto& key : entry->keys) {
    if (key.use == federation::KeyUse::kMessage && key.status == federation::KeyStatus::kActive) {
      return;
    }
  }
  std::cerr << "simpulctl: warning: " << node_id
            << " has no active msg key left and cannot send federation messages until it enrolls "
               "a new key (`simpulctl keys rotate` and `enroll` on the node, then `directory "
               "update` and `directory activate-key` here).\n";
}

int RunKeyChange(const CommonOptions& common, const std::string& node_id, const std::string& kid,
                 bool revoke) {
  auto coordinator = OpenCoordinator(common);
  if (!coordinator) return coordinator.error();
  const Change change = [&](store::Connection& c, std::int64_t at) {
    return revoke ? coord::RevokeKey(c, node_id, kid, at) : coord::ActivateKey(c, node_id, kid, at);
  };
  const std::string what = (revoke ? "Revoked key " : "Activated key ") + kid + " of " + node_id +
                           (revoke ? "." : "; its previous active key of that use is retired.");
  const int code =
      RunChange(common, *coordinator, NowMs(), change, what, {{"node_id", node_id}, {"kid", kid}});
  if (code == 0 && revoke) WarnIfNoActiveMessageKey(*coordinator, node_id);
  return code;
}

int RunRemove(const CommonOptions& common, const std::string& node_id) {
  auto coordinator = OpenCoordinator(common);
  if (!coordinator) return coordinator.error();
  const Change change = [&](store::Connection& c, std::int64_t) {
    return coord::RemoveNode(c, node_id);
  };
  return RunChange(common, *coordinator, NowMs(), change, "Removed " + node_id + ".",
                   {{"node_id", node_id}});
}

int RunPublish(const CommonOptions& common) {
  auto coordinator = OpenCoordinator(common);
  if (!coordinator) return coordinator.error();
  const Change nothing = [](store::Connection&, std::int64_t) { return Result<void>{}; };
  return RunChange(common, *coordinator, NowMs(), nothing, "Registry unchanged.");
}

int RunList(const CommonOptions& common) {
  auto coordinator = OpenCoordinator(common);
  if (!coordinator) return coordinator.error();
  auto nodes = coordinator->db->ReadSync<std::vector<federation::NodeEntry>>(&coord::ListNodes);
  if (!nodes) return Report(common, nodes.error());
  if (common.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& node : *nodes) out.push_back(federation::NodeEntryToJson(node));
    std::cout << nlohmann::json{{"nodes", out}}.dump(2) << "\n";
    return 0;
  }
  if (nodes->empty()) std::cout << "No member nodes registered yet.\n";
  for (const auto& node : *nodes) {
    std::cout << node.id << "  " << federation::Name(node.node_class) << "  " << node.name << "\n"
              << "  endpoint " << node.endpoint << "  spki " << node.tls_spki_sha256 << "\n";
    for (const auto& key : node.keys) {
      std::cout << "  key " << key.kid << " " << federation::Name(key.use) << " "
                << federation::Name(key.status) << "\n";
    }
  }
  return 0;
}

int RunShow(const CommonOptions& common) {
  auto coordinator = OpenCoordinator(common);
  if (!coordinator) return coordinator.error();
  auto latest = coordinator->db->ReadSync<coord::StoredDirectory>(&coord::LatestDirectory);
  if (!latest) return Report(common, latest.error());
  const federation::TrustAnchor anchor =
      coord::CoordinatorTrustAnchor(coordinator->config, coordinator->directory_key);
  Result<federation::Directory> directory = federation::ReopenDirectory(latest->bytes, anchor);
  if (!directory) return Report(common, directory.error());
  const auto& doc = directory->document();
  if (common.json) {
    std::cout << nlohmann::json{{"version", doc.version},
                                {"etag", directory->Etag()},
                                {"issued_at", doc.issued_at},
                                {"expires_at", doc.expires_at},
                                {"expired", directory->Expired(NowMs())},
                                {"nodes", doc.nodes.size()},
                                {"bytes", latest->bytes.size()},
                                {"database", coordinator->config.DatabasePath().string()}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << "Directory version " << doc.version << "  etag " << directory->Etag() << "\n"
            << "  issued  " << IsoUtc(doc.issued_at) << "\n"
            << "  expires " << IsoUtc(doc.expires_at)
            << (directory->Expired(NowMs()) ? "  EXPIRED: run `simpulctl directory publish`" : "")
            << "\n  nodes   " << doc.nodes.size() << "  (" << latest->bytes.size() << " bytes)\n";
  return 0;
}

int RunAnchor(const CommonOptions& common, const std::string& out) {
  auto coordinator = OpenCoordinator(common);
  if (!coordinator) return coordinator.error();
  const federation::TrustAnchor anchor =
      coord::CoordinatorTrustAnchor(coordinator->config, coordinator->directory_key);
  if (Result<void> written = federation::WriteTrustAnchor(out, anchor); !written) {
    return Report(common, written.error());
  }
  const std::string fingerprint =
      federation::TrustAnchorFingerprint(federation::SerializeTrustAnchor(anchor).value());
  if (common.json) {
    std::cout << nlohmann::json{{"trust_anchor", out}, {"fingerprint", fingerprint}}.dump(2)
              << "\n";
  } else {
    std::cout << "Trust anchor written to " << out << "\n  fingerprint " << fingerprint
              << "\nGive the file to the node; read them the fingerprint by phone so they can "
                 "check it after `simpulctl trust install`.\n";
  }
  return 0;
}

}  // namespace

void AddDirectoryCommands(CLI::App& app, CommonOptions& common, Command& command) {
  auto* directory = app.add_subcommand("directory", "Coordinator: member nodes and the directory");
  directory->require_subcommand(1);
  auto arg = std::make_shared<std::string>();
  auto kid = std::make_shared<std::string>();
  auto requests = std::make_shared<std::vector<std::string>>();

  for (const bool update : {false, true}) {
    auto* sub = directory->add_subcommand(
        update ? "update" : "add",
        update ? "Apply members' new enrollment requests, publishing once"
               : "Register nodes from their enrollment requests, publishing once");
    sub->add_option("requests", *requests,
                    "Enrollment request files from `simpulctl enroll` (one or more)")
        ->required();
    sub->callback([&, requests, update] {
      command = [&, requests, update] { return RunEnrolled(common, *requests, update); };
    });
  }
  auto* remove = directory->add_subcommand("remove", "Remove a member node");
  remove->add_option("node-id", *arg, "e.g. kab:32.04")->required();
  remove->callback([&, arg] { command = [&, arg] { return RunRemove(common, *arg); }; });

  // The same two key changes also appear under `keys` (as `keys revoke|activate`), where an
  // operator looks for them; both spellings run RunKeyChange.
  CLI::App* keys = app.get_subcommand("keys");
  for (const bool revoke : {false, true}) {
    for (CLI::App* parent : {directory, keys}) {
      const bool under_keys = parent == keys;
      auto* sub = parent->add_subcommand(
          revoke ? (under_keys ? "revoke" : "revoke-key")
                 : (under_keys ? "activate" : "activate-key"),
          std::string(under_keys ? "Coordinator: " : "") +
              (revoke ? "Revoke a member's key and publish a new directory version"
                      : "Make a member's next key active, retiring the old one"));
      sub->add_option("node-id", *arg, "e.g. kab:32.04")->required();
      sub->add_option("kid", *kid, "Key id (16 hex characters)")->required();
      sub->callback([&, arg, kid, revoke] {
        command = [&, arg, kid, revoke] { return RunKeyChange(common, *arg, *kid, revoke); };
      });
    }
  }
  directory->add_subcommand("list", "List member nodes and their keys")->callback([&] {
    command = [&] { return RunList(common); };
  });
  directory->add_subcommand("publish", "Publish a new version with a fresh expiry")->callback([&] {
    command = [&] { return RunPublish(common); };
  });
  directory->add_subcommand("show", "Show the latest published version")->callback([&] {
    command = [&] { return RunShow(common); };
  });
  auto* anchor = directory->add_subcommand("anchor", "Write the trust anchor for member nodes");
  anchor->add_option("--out", *arg, "File to create (must not exist)")->required();
  anchor->callback([&, arg] { command = [&, arg] { return RunAnchor(common, *arg); }; });
}

}  // namespace simpul::admin
