/*
 * json.h: a small JSON reader for request bodies (RFC 8259): a tree of
 * values with limits on depth and size, strings decoded to UTF-8 (\u
 * escapes and surrogate pairs included).  Writing JSON uses buf_json_str.
 */
#ifndef RS_REPORTSERVER_JSON_H
#define RS_REPORTSERVER_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define JSON_DEPTH_MAX	32
#define JSON_NODES_MAX	100000

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

struct json {
	enum json_type	 type;
	char		*key;	/* member name inside an object, else NULL */
	bool		 b;
	double		 num;
	char		*str;	/* JSON_STR: NUL-terminated */
	size_t		 len;	/* JSON_STR: bytes (may contain NUL) */
	struct json	*kids;	/* JSON_ARR / JSON_OBJ */
	size_t		 n;
};

/* Parses a whole document.  RS_E_BADINPUT with the offset of the error. */
struct json	*json_parse(const char *text, size_t len, struct rs_err *);
void		 json_free(struct json *);
/* Member of an object by name (case-insensitive), or NULL. */
const struct json *json_get(const struct json *, const char *key);
/* The string of a member, or NULL when absent or not a string. */
const char	*json_get_str(const struct json *, const char *key);

#endif
