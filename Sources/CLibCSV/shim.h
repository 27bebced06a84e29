#ifndef PRICING_CLIBCSV_SHIM_H
#define PRICING_CLIBCSV_SHIM_H
// libcsv (Debian libcsv-dev): ships no pkg-config file; the header is csv.h, the library `csv`.
#include <csv.h>
#endif
