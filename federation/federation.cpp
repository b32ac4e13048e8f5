// The federation layer arrives with issue 3 (signed directory, envelopes, outbox/inbox).
namespace simpul::federation {
// Protocol version spoken by this build; envelopes carry it as `v`.
int ProtocolVersion() { return 1; }
}  // namespace simpul::federation
