#pragma once
// A loopback TCP proxy that can break links on purpose: each link listens on its own port and
// forwards every connection, byte for byte (TLS passes through untouched), to a target port.
// Per link it can pass, cut (accepted connections are closed at once and open ones closed),
// delay (every chunk waits before it is forwarded) or reset (open and new connections are aborted
// with a TCP RST, SO_LINGER 0).
//
//   FaultProxy proxy;
//   auto port = proxy.AddLink("kab:32.04", listen_port, real_port);
//   proxy.Set("kab:32.04", LinkMode::kDelay, std::chrono::milliseconds(300));
//   proxy.Set("kab:32.04", LinkMode::kPass);
//
// Owns one I/O thread, stopped and joined by the destructor. Set and Stats may be called from any
// thread; AddLink only before traffic depends on the link.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "crypto/result.hpp"

namespace simpul::soak {

enum class LinkMode { kPass, kCut, kDelay, kReset };

// "pass", "cut", "delay" or "reset".
const char* Name(LinkMode mode);

// What one link has seen since it was added.
struct LinkStats {
  std::uint64_t accepted = 0;  // connections accepted
  std::uint64_t refused = 0;   // connections closed or reset on arrival (cut or reset mode)
  std::uint64_t broken = 0;    // open connections closed or reset by a mode change
};

struct ProxyLink;  // one listening port, its mode and its open connections

class FaultProxy {
 public:
  FaultProxy();
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // Listens on 127.0.0.1:`listen_port` and forwards to 127.0.0.1:`target_port`, in pass mode.
  // Fails kUnavailable when the port cannot be bound, kConflict when `name` exists.
  Result<void> AddLink(const std::string& name, std::uint16_t listen_port,
                       std::uint16_t target_port);
  // Switches link `name` to `mode`; `delay` is used by kDelay. Cut and reset also end the link's
  // open connections. Unknown names are ignored.
  void Set(const std::string& name, LinkMode mode,
           std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  // Every link in pass mode.
  void HealAll();
  LinkStats Stats(const std::string& name) const;

 private:
  struct Io;

  std::unique_ptr<Io> io_;
  mutable std::mutex mu_;  // guards links_
  std::map<std::string, std::shared_ptr<ProxyLink>> links_;
  std::thread thread_;
};

}  // namespace simpul::soak
