// simpulctl user ... and unit ...: staff accounts and work units, directly on the node database.
#include <nlohmann/json.hpp>

#include <iostream>

#include "admin/commands.hpp"
#include "crypto/random.hpp"
#include "node/service/account_service.hpp"
#include "node/store/schema.hpp"

namespace simpul::admin {
namespace {

struct UserOptions {
  std::string username, display_name, role = "verifier", unit;
  bool password_stdin = false;
};

// Opens the node's database for an admin command.
Result<std::unique_ptr<store::Database>> OpenDatabase(const CommonOptions& common) {
  auto config = LoadConfigOrExplain(common);
  if (!config) return tl::unexpected(config.error());
  return store::Database::Open({config->DatabasePath(), 1}, store::SchemaMigrations());
}

nlohmann::json UserJson(const store::UserRecord& u) {
  return {{"username", u.username},
          {"display_name", u.display_name},
          {"role", u.role},
          {"unit", u.unit_code},
          {"disabled", u.disabled}};
}

int WithAccounts(const CommonOptions& common,
                 const std::function<int(service::AccountService&)>& body) {
  auto db = OpenDatabase(common);
  if (!db)
    return Report(common, db.error(), db.error().code == ErrorCode::kInvalidArgument ? 2 : 1);
  service::AccountService accounts(**db, service::SystemClock(), service::kStaffPasswordCost);
  return body(accounts);
}

int PrintUser(const CommonOptions& common, const store::UserRecord& u, const std::string& what,
              const std::string& generated_password) {
  if (common.json) {
    auto j = UserJson(u);
    if (!generated_password.empty()) j["password"] = generated_password;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << what << " " << u.username << " (" << u.role
              << (u.unit_code.empty() ? "" : ", unit " + u.unit_code) << ")"
              << (u.disabled ? " [disabled]" : "") << "\n";
    if (!generated_password.empty()) {
      std::cout << "password: " << generated_password << "   (shown once)\n";
    }
  }
  return 0;
}

void AddUserCommands(CLI::App& app, CommonOptions& common, Command& command) {
  auto* user = app.add_subcommand("user", "Manage staff accounts");
  user->require_subcommand(1);
  auto opts = std::make_shared<UserOptions>();

  auto* add = user->add_subcommand("add", "Create an account (prints a generated password)");
  add->add_option("username", opts->username, "Login name: a-z 0-9 . _ -")->required();
  add->add_option("--role", opts->role, "verifier, unit_officer, supervisor, node_admin or auditor")
      ->capture_default_str();
  add->add_option("--unit", opts->unit, "Work unit code (required for unit_officer)");
  add->add_option("--display-name", opts->display_name, "Full name shown in the console");
  add->add_flag("--password-stdin", opts->password_stdin, "Read the password from stdin");
  add->callback([&, opts] {
    command = [&, opts] {
      auto role = service::ParseRole(opts->role);
      if (!role) return Report(common, {ErrorCode::kInvalidArgument, "--role: unknown role"}, 2);
      std::string password = opts->password_stdin ? ReadSecretLine() : crypto::RandomCode(16);
      return WithAccounts(common, [&](service::AccountService& accounts) {
        auto u = accounts.CreateUserSync(
            {opts->username, opts->display_name, password, *role, opts->unit});
        if (!u) return Report(common, u.error());
        return PrintUser(common, *u, "created", opts->password_stdin ? "" : password);
      });
    };
  });

  auto* list = user->add_subcommand("list", "List accounts");
  list->callback([&] {
    command = [&] {
      return WithAccounts(common, [&](service::AccountService& accounts) {
        auto users = accounts.ListUsersSync();
        if (!users) return Report(common, users.error());
        if (common.json) {
          auto arr = nlohmann::json::array();
          for (const auto& u : *users) arr.push_back(UserJson(u));
          std::cout << arr.dump(2) << "\n";
        } else {
          for (const auto& u : *users) PrintUser(common, u, "-", "");
        }
        return 0;
      });
    };
  });

  auto update = [&](const char* name, const char* help, std::function<service::UserUpdate()> make,
                    const char* verb) {
    auto* sub = user->add_subcommand(name, help);
    sub->add_option("username", opts->username, "Login name")->required();
    if (std::string(name) == "set-role") {
      sub->add_option("--role", opts->role, "New role")->required();
      sub->add_option("--unit", opts->unit, "Work unit code");
    }
    if (std::string(name) == "passwd") {
      sub->add_flag("--password-stdin", opts->password_stdin, "Read the password from stdin");
    }
    sub->callback([&, opts, make, verb] {
      command = [&, opts, make, verb] {
        auto change = make();
        return WithAccounts(common, [&](service::AccountService& accounts) {
          auto u = accounts.UpdateUserSync(opts->username, change);
          if (!u) return Report(common, u.error());
          return PrintUser(common, *u, verb,
                           change.password && !opts->password_stdin ? *change.password : "");
        });
      };
    });
  };
  update(
      "disable", "Disable an account and end its sessions",
      [] {
        return service::UserUpdate{std::nullopt, std::nullopt, true, std::nullopt};
      },
      "disabled");
  update(
      "enable", "Enable a disabled account",
      [] {
        return service::UserUpdate{std::nullopt, std::nullopt, false, std::nullopt};
      },
      "enabled");
  update(
      "passwd", "Set a new password (generated unless --password-stdin) and end sessions",
      [opts] {
        return service::UserUpdate{
            std::nullopt, std::nullopt, std::nullopt,
            opts->password_stdin ? ReadSecretLine() : crypto::RandomCode(16)};
      },
      "password changed for");
  update(
      "set-role", "Change role (and unit) and end sessions",
      [opts] {
        service::UserUpdate u;
        u.role = service::ParseRole(opts->role);
        u.unit_code = opts->unit;
        return u;
      },
      "updated");
}

void AddUnitCommands(CLI::App& app, CommonOptions& common, Command& command) {
  auto* unit = app.add_subcommand("unit", "Work units (for disposition): add, list");
  unit->require_subcommand(1);
  auto code = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  auto* add = unit->add_subcommand("add", "Create a work unit");
  add->add_option("code", *code, "Unit code: a-z 0-9 _ -")->required();
  add->add_option("--name", *name, "Unit name, e.g. \"Dinas Pekerjaan Umum\"")->required();
  add->callback([&, code, name] {
    command = [&, code, name] {
      return WithAccounts(common, [&](service::AccountService& accounts) {
        auto u = accounts.CreateUnitSync({*code, *name});
        if (!u) return Report(common, u.error());
        if (common.json) {
          std::cout << nlohmann::json{{"code", u->code}, {"name", u->name}}.dump(2) << "\n";
        } else {
          std::cout << "created unit " << u->code << " (" << u->name << ")\n";
        }
        return 0;
      });
    };
  });
  auto* list = unit->add_subcommand("list", "List work units");
  list->callback([&] {
    command = [&] {
      return WithAccounts(common, [&](service::AccountService& accounts) {
        auto units = accounts.ListUnitsSync();
        if (!units) return Report(common, units.error());
        auto arr = nlohmann::json::array();
        for (const auto& u : *units) arr.push_back({{"code", u.code}, {"name", u.name}});
        if (common.json) {
          std::cout << arr.dump(2) << "\n";
        } else {
          for (const auto& u : *units) std::cout << u.code << "  " << u.name << "\n";
          if (units->empty()) std::cout << "(no units; add one with `simpulctl unit add`)\n";
        }
        return 0;
      });
    };
  });
}

}  // namespace

void AddAccountCommands(CLI::App& app, CommonOptions& common, Command& command) {
  AddUserCommands(app, common, command);
  AddUnitCommands(app, common, command);
}

}  // namespace simpul::admin
