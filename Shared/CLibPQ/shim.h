#ifndef ZHIBIAO_CLIBPQ_SHIM_H
#define ZHIBIAO_CLIBPQ_SHIM_H
// libpq's client API; pkg-config (libpq.pc) supplies -I/usr/include/postgresql.
#include <libpq-fe.h>
#endif
