/*
 * khash.h: just enough of klib's hash table header for h2o's
 * <h2o/http2_internal.h> to compile.  Debian's libh2o-dev installs that
 * header (libh2o-evloop 2.2.5) but not the klib header it includes.
 * retire.c needs only the header's struct layouts (st_h2o_http2_conn_t,
 * st_h2o_http2_stream_t, which hold the stream table by pointer) and
 * never looks into a connection's stream table: it reaches the streams
 * through the engine's foreach_request.  So the table type stays
 * incomplete, and the lookup that the header's one inline function
 * (h2o_http2_conn_get_stream) would make is declared and never defined:
 * calling that function fails to link instead of misreading the table.
 * Only src/httpsvc/retire.o is built with this directory on its include
 * path (module.mk).
 */
#ifndef RS_HTTPSVC_H2OCOMPAT_KHASH_H
#define RS_HTTPSVC_H2OCOMPAT_KHASH_H

#include <stdint.h>

typedef uint32_t	khint_t;
typedef khint_t		khiter_t;

#define khash_t(name)	struct kh_##name##_s

/* Declares the (incomplete) table type and the undefined lookup. */
#define KHASH_MAP_INIT_INT64(name, vtype)				\
	struct kh_##name##_s;						\
	khint_t	rs_khash_stub_get_##name(const struct kh_##name##_s *,	\
		    uint64_t);

/* Why macros: they stand in for klib's macros of the same names. */
#define kh_get(name, h, k)	rs_khash_stub_get_##name((h), (k))
#define kh_end(h)		((void)(h), (khint_t)0)
#define kh_val(h, i)		((void)(h), (void)(i), NULL)

#endif
