/*
 * picohttp.h: picohttpparser's interface, as built into libh2o-evloop
 * 2.2.5, which exports the functions but does not install their header.
 * httpsvc uses them to read request heads before h2o acts on them
 * (head.c) and to read the applications' answers (forward.c, gate.c).
 * The chunked decoder's layout was checked against the library's code;
 * tests/integration/httpsvc/forward.py fails if it changes.
 */
#ifndef RS_HTTPSVC_PICOHTTP_H
#define RS_HTTPSVC_PICOHTTP_H

#include <stddef.h>
#include <sys/types.h>

struct phr_header {
	const char	*name;		/* NULL for an obs-fold line */
	size_t		 name_len;
	const char	*value;
	size_t		 value_len;
};

struct phr_chunked_decoder {
	size_t		 bytes_left_in_chunk;
	char		 consume_trailer;
	char		 hex_count;
	char		 state;
};

/* Each returns the head's length, -1 (malformed) or -2 (incomplete). */
int	phr_parse_request(const char *, size_t, const char **, size_t *,
	    const char **, size_t *, int *, struct phr_header *, size_t *,
	    size_t);
int	phr_parse_response(const char *, size_t, int *, int *, const char **,
	    size_t *, struct phr_header *, size_t *, size_t);
ssize_t	phr_decode_chunked(struct phr_chunked_decoder *, char *, size_t *);

#endif
