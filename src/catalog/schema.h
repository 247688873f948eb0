/*
 * schema.h (internal to catalog/): the migrations of the report server
 * database.  Statements contain %BLOB% and %SERIAL% where the two
 * dialects differ; catalog.c substitutes schema_word() before running.
 */
#ifndef RS_CATALOG_SCHEMA_H
#define RS_CATALOG_SCHEMA_H

#include <stdbool.h>

/* The NULL-terminated statements of migration `version`, or NULL. */
const char *const	*schema_migration(int version);
/* The dialect's spelling of "BLOB" or "SERIAL". */
const char		*schema_word(const char *word, bool pg);

#endif
