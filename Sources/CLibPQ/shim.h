#ifndef PRICING_CLIBPQ_SHIM_H
#define PRICING_CLIBPQ_SHIM_H
// libpq's client API. Its headers live under /usr/include/postgresql, found through pkg-config `libpq`.
#include <libpq-fe.h>

// The PG_DIAG_* field codes are character-literal macros, which Swift does not import: re-export them.
static const int PRICING_DIAG_SEVERITY_NONLOCALIZED = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int PRICING_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int PRICING_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int PRICING_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int PRICING_DIAG_MESSAGE_HINT = PG_DIAG_MESSAGE_HINT;
static const int PRICING_DIAG_CONTEXT = PG_DIAG_CONTEXT;
#endif
