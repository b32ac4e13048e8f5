// simpulctl open311 key add|list|revoke: the API keys civic apps file Open311 requests with,
// directly on the node database (works with the node running or stopped).
#include <nlohmann/json.hpp>

#include <iostream>

#include "admin/commands.hpp"
#include "node/api/case_json.hpp"
#include "node/service/open311_keys.hpp"
#include "node/store/schema.hpp"

namespace simpul::admin {
namespace {

struct KeyOptions {
  std::string label;
  std::int64_t id = 0;
};

nlohmann::json KeyJson(const store::Open311KeyRecord& k) {
  return {{"id", k.id},
          {"prefix", k.prefix},
          {"label", k.label},
          {"created_at", api::FormatTime(k.created_at)},
          {"revoked_at", k.revoked_at ? nlohmann::json(api::FormatTime(*k.revoked_at)) : nullptr}};
}

void PrintKey(const store::Open311KeyRecord& k) {
  std::cout << k.id << "  " << k.prefix << "…  " << k.label << "  created "
            << api::FormatTime(k.created_at)
            << (k.revoked_at ? "  REVOKED " + api::FormatTime(*k.revoked_at) : "") << "\n";
}

int WithKeys(const CommonOptions& common, const std::function<int(service::Open311Keys&)>& body) {
  auto config = LoadConfigOrExplain(common);
  if (!config) return Report(common, config.error(), 2);
  auto db = store::Database::Open({config->DatabasePath(), 1}, store::SchemaMigrations());
  if (!db) return Report(common, db.error());
  service::Open311Keys keys(**db, service::SystemClock(), config->open311.requests_per_minute);
  return body(keys);
}

}  // namespace

void AddOpen311Commands(CLI::App& app, CommonOptions& common, Command& command) {
  auto* open311 = app.add_subcommand("open311", "Open311 GeoReport v2 facade");
  open311->require_subcommand(1);
  auto* key = open311->add_subcommand("key", "API keys that civic apps file requests with");
  key->require_subcommand(1);
  auto opts = std::make_shared<KeyOptions>();

  auto* add = key->add_subcommand("add", "Issue a key (printed once; only its hash is kept)");
  add->add_option("--label", opts->label, "Who the key is for, e.g. the app's name")->required();
  add->callback([&, opts] {
    command = [&, opts] {
      return WithKeys(common, [&](service::Open311Keys& keys) {
        auto issued = keys.IssueSync(opts->label);
        if (!issued) return Report(common, issued.error());
        if (common.json) {
          auto j = KeyJson(issued->record);
          j["api_key"] = issued->secret;
          std::cout << j.dump(2) << "\n";
        } else {
          PrintKey(issued->record);
          std::cout << "api_key: " << issued->secret << "   (shown once)\n";
        }
        return 0;
      });
    };
  });

  auto* list = key->add_subcommand("list", "List keys (prefix and label; never the key)");
  list->callback([&] {
    command = [&] {
      return WithKeys(common, [&](service::Open311Keys& keys) {
        auto all = keys.ListSync();
        if (!all) return Report(common, all.error());
        auto arr = nlohmann::json::array();
        for (const auto& k : *all) {
          if (common.json) {
            arr.push_back(KeyJson(k));
          } else {
            PrintKey(k);
          }
        }
        if (common.json) std::cout << arr.dump(2) << "\n";
        return 0;
      });
    };
  });

  auto* revoke = key->add_subcommand("revoke", "Revoke a key: it is refused from then on");
  revoke->add_option("id", opts->id, "The key's id from `open311 key list`")->required();
  revoke->callback([&, opts] {
    command = [&, opts] {
      return WithKeys(common, [&](service::Open311Keys& keys) {
        auto revoked = keys.RevokeSync(opts->id);
        if (!revoked) return Report(common, revoked.error());
        if (common.json) {
          std::cout << KeyJson(*revoked).dump(2) << "\n";
        } else {
          PrintKey(*revoked);
        }
        return 0;
      });
    };
  });
}

}  // namespace simpul::admin
