#pragma once
// A running node: owns and wires every part — keys, database, services, route table, HTTP
// listener, sweeper — in the order main (or a test, or a benchmark) needs them.
//
//   auto app = NodeApp::Create(config, service::SystemClock());
//   auto port = (*app)->Start();   // binds and starts serving on its own threads
//   ...
//   (*app)->Stop();                // stop accepting, drain, join; also done by the destructor
//
// Thread safety: Create/Start/Stop from one controlling thread.

#include <cstdint>
#include <memory>

#include "crypto/result.hpp"
#include "node/config.hpp"
#include "node/service/clock.hpp"

namespace simpul {

class NodeApp {
 public:
  // Opens keys and database (applying migrations) and builds the services. Fails kNotFound when
  // the data dir has no keys (run `simpulctl init`), kPermissionDenied for key files readable by
  // others, kUnavailable when the database cannot be opened.
  static Result<std::unique_ptr<NodeApp>> Create(NodeConfig config, service::Clock clock);
  ~NodeApp();

  // Binds the listener (port 0 picks one), starts the I/O threads and the sweeper, and returns
  // the bound port. Fails kUnavailable when the address cannot be bound.
  Result<std::uint16_t> Start();
  void Stop();

  const NodeConfig& config() const;

  struct Parts;  // the owned components; opaque outside app.cpp

 private:
  explicit NodeApp(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace simpul
