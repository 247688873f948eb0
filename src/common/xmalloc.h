/*
 * xmalloc.h: allocation that never returns NULL.  On failure the process
 * logs one line and exits (the OOM policy of STYLE.md B6).  Sizes that an
 * attacker controls must be checked against limits before these calls.
 */
#ifndef RS_COMMON_XMALLOC_H
#define RS_COMMON_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Returns a new string formatted like printf. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
