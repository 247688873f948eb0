/*
 * h2peek.c: what httpsvc reads of h2o 2.2's HTTP/2 streams, through the
 * engine's h2o/http2_internal.h (as retire.c does; h2ocompat/khash.h says
 * why that header needs a stand-in): the content-length a request
 * declared, which h2o keeps in the stream rather than in req->headers.
 * Only requests whose connection is h2o's HTTP/2 connection are looked
 * at, and the build refuses another h2o version.
 */
#include "httpsvc/httpsvc.h"

#include <h2o/http2.h>
#include <h2o/http2_internal.h>

#if H2O_VERSION_MAJOR != 2 || H2O_VERSION_MINOR != 2
#error "h2peek.c is written against h2o 2.2's http2_internal.h"
#endif

uint64_t
svc_h2_declared_length(h2o_req_t *req)
{
	h2o_http2_stream_t	*s;

	if (req->version < 0x200 || req->conn->callbacks->log_.http2.stream_id
	    == NULL)
		return SVC_HEAD_NO_LENGTH;
	s = H2O_STRUCT_FROM_MEMBER(h2o_http2_stream_t, req, req);
	return s->_expected_content_length == SIZE_MAX ? SVC_HEAD_NO_LENGTH :
	    (uint64_t)s->_expected_content_length;
}
