#pragma once
// The migrations after schema 2, one per capability, each in its own schema_<name>.cpp. The list
// in schema.cpp orders them; a released migration is never edited.

#include "node/store/database.hpp"

namespace simpul::store {

extern const Migration kSchemaTlog;        // 3: the node's transparency log
extern const Migration kSchemaWitness;     // the coordinator's witness of node logs
extern const Migration kSchemaMonitor;     // the coordinator's national monitoring tables
extern const Migration kSchemaEscalation;  // escalation of overdue cases beyond the node
extern const Migration kSchemaAudit;       // the log's source audit; its result at the coordinator
extern const Migration kSchemaOpen311;     // API keys of the Open311 GeoReport v2 facade
extern const Migration kSchemaRequestTrace;  // the request id that queued each outbox envelope

}  // namespace simpul::store
