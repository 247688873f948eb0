/*
 * expr.h: the Visual Basic expression subset that RDL uses.  A property
 * whose text starts with '=' is parsed once (expr_parse) into an AST and
 * evaluated many times (expr_eval) over a typed value against an
 * environment: the current row, the report parameters, the globals and a
 * callback that computes aggregates over a scope.  Also here: the .NET
 * format strings of Style/Format (expr_format) and the running
 * accumulators of Sum, Count, ... (expr_agg_*).
 *
 * Not here: where rows come from, which rows form a scope (the renderer
 * decides and answers through expr_env.agg), or any I/O.  Everything is
 * en-US: number and date formats follow that culture only.
 */
#ifndef RS_EXPR_EXPR_H
#define RS_EXPR_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define EXPR_TEXT_MAX	65536	/* longest expression accepted */
#define EXPR_DEPTH_MAX	64	/* nesting of parentheses and calls */
#define EXPR_STRING_MAX	(16u << 20)	/* longest string a function builds */

enum expr_type {
	EXPR_T_NULL,		/* Nothing */
	EXPR_T_BOOL,
	EXPR_T_INT,		/* Integer, Long */
	EXPR_T_FLOAT,		/* Double, Decimal (kept as double) */
	EXPR_T_STRING,
	EXPR_T_DATETIME		/* ms since 1970-01-01, no time zone */
};

/*
 * A typed value.  A string is owned by the value unless "borrowed" is set
 * (then it points into a row or the AST and lives as long as they do).
 * expr_value_fini() frees an owned string; it accepts any value.
 */
struct expr_value {
	enum expr_type	 type;
	bool		 borrowed;
	union {
		bool	 b;
		int64_t	 i;
		double	 f;
		char	*s;
		int64_t	 dt;
	} u;
};

/* What follows the '!' name: Fields!X.Value, Parameters!P.Label, ... */
enum expr_member {
	EXPR_M_VALUE, EXPR_M_LABEL, EXPR_M_ISMISSING, EXPR_M_COUNT,
	EXPR_M_ISMULTI, EXPR_M_NONE
};

enum expr_kind {
	EXPR_LIT, EXPR_FIELD, EXPR_PARAM, EXPR_GLOBAL, EXPR_USER,
	EXPR_UNARY, EXPR_BINARY, EXPR_CALL, EXPR_AGG,
	EXPR_RITEM		/* ReportItems!Name.Value */
};

/* The aggregate functions; the renderer switches on these. */
enum expr_aggfn {
	EXPR_AGG_SUM, EXPR_AGG_COUNT, EXPR_AGG_COUNTDISTINCT, EXPR_AGG_AVG,
	EXPR_AGG_MIN, EXPR_AGG_MAX, EXPR_AGG_FIRST, EXPR_AGG_LAST,
	EXPR_AGG_COUNTROWS, EXPR_AGG_ROWNUMBER,
	EXPR_AGG_RUNNINGVALUE,	/* RunningValue(expr, Sum, scope): op = fn */
	EXPR_AGG_PREVIOUS,	/* Previous(expr[, scope]) */
	EXPR_AGG_LOOKUP		/* Lookup(src, dest, result, "DataSet") */
};

struct expr_func;

/*
 * One node of the AST.  Fields!X nodes carry field_index, set by whoever
 * binds the expression to a dataset (rdl/), -1 until then.
 */
struct expr_node {
	enum expr_kind		 kind;
	int			 op;	/* operator token of UNARY/BINARY;
					   RunningValue: its aggregate */
	struct expr_value	 lit;	/* EXPR_LIT (strings owned by the node) */
	char			*name;	/* field, parameter, global, function */
	enum expr_member	 member;
	int			 index;	/* Parameters!P.Value(i), or -1 */
	int			 field_index;
	const struct expr_func	*fn;	/* EXPR_CALL */
	enum expr_aggfn		 aggfn;	/* EXPR_AGG */
	char			*scope;	/* aggregate scope, NULL: current */
	struct expr_node	**args;
	size_t			 nargs;
	int			 column;	/* 1-based position in the text */
};

/* One report parameter as the evaluator sees it. */
struct expr_param {
	const char		*name;
	struct expr_value	*values;	/* nvalues; NULL type for null */
	char			**labels;	/* nvalues, may be NULL */
	size_t			 nvalues;
	bool			 multi;
};

struct expr_globals {
	int64_t		 execution_time;	/* ms, local time */
	const char	*report_name;
	const char	*report_folder;
	const char	*report_server_url;
	const char	*user_id;
	const char	*language;
	const char	*render_format;
	int		 page_number;
	int		 total_pages;
	const char	*page_name;
};

struct expr_env;

/*
 * Computes an aggregate node (kind EXPR_AGG) for the environment's current
 * scope or the node's named scope.  Fills *out (owned by the caller).
 */
typedef int (*expr_agg_fn)(void *arg, const struct expr_node *agg,
    struct expr_env *env, struct expr_value *out, struct rs_err *);

/* ReportItems!name.Value: the textbox's value where it is allowed. */
typedef int (*expr_ritem_fn)(void *arg, const char *name,
    struct expr_value *out, struct rs_err *);

struct expr_env {
	const struct expr_value	*row;		/* current row, by field index */
	size_t			 nfields;
	const struct expr_param	*params;
	size_t			 nparams;
	const struct expr_globals *globals;
	expr_agg_fn		 agg;		/* NULL: aggregates fail */
	void			*agg_arg;
	expr_ritem_fn		 ritem;		/* NULL: ReportItems! fails */
	void			*ritem_arg;
};

/*
 * Parses an expression (the text after '=').  Returns a new AST owned by
 * the caller (free it with expr_free), or NULL with RS_E_BADINPUT and a
 * message naming the position and, for an unknown function or
 * collection, what is supported.
 */
struct expr_node *expr_parse(const char *text, struct rs_err *);
void	expr_free(struct expr_node *);

/* A literal node for a constant property value (not starting with '='). */
struct expr_node *expr_literal(const char *text);

/* True when the tree has no field, aggregate or parameter reference. */
bool	expr_is_constant(const struct expr_node *);

/*
 * Calls fn for every node of the tree (pre-order); stops when fn returns
 * non-zero and returns that value.  Used to bind fields and find
 * aggregates.
 */
int	expr_walk(struct expr_node *, int (*fn)(struct expr_node *, void *),
	    void *arg);

/*
 * Evaluates n in env.  *out is filled (the caller finishes it with
 * expr_value_fini).  Returns 0, or -1 with RS_E_BADINPUT for a runtime
 * error (bad conversion, division by zero ...).
 */
int	expr_eval(const struct expr_node *n, struct expr_env *env,
	    struct expr_value *out, struct rs_err *);

/* Values. */
void	expr_value_fini(struct expr_value *);
void	expr_value_copy(struct expr_value *dst, const struct expr_value *src);
void	expr_value_str(struct expr_value *, const char *s);	/* copies */
void	expr_value_take_str(struct expr_value *, char *s);	/* owns s */
/* Three-way compare for sorting and grouping: Nothing first, numbers by
 * value, strings case-insensitively (ASCII), then by type. */
int	expr_value_cmp(const struct expr_value *, const struct expr_value *);
bool	expr_value_truthy(const struct expr_value *);
/* Conversions in VB's style; -1 with RS_E_BADINPUT when impossible. */
int	expr_to_double(const struct expr_value *, double *, struct rs_err *);
int	expr_to_int(const struct expr_value *, int64_t *, struct rs_err *);
int	expr_to_datetime(const struct expr_value *, int64_t *, struct rs_err *);
/* Appends the default (unformatted) text of a value: ToString() in en-US. */
int	expr_value_text(const struct expr_value *, struct buf *, struct rs_err *);
/* The XML Schema text of a value (2011-05-31T00:00:00, true, 1.5). */
int	expr_value_xsd(const struct expr_value *, struct buf *, struct rs_err *);

/* Dates: civil <-> ms since 1970 (proleptic Gregorian, no time zone). */
int64_t	expr_dt_make(int y, int mo, int d, int h, int mi, int s, int ms);
void	expr_dt_split(int64_t dt, int *y, int *mo, int *d, int *h, int *mi,
	    int *s, int *ms);
/* Parses ISO (2011-05-31[ T]10:00[:00[.fff]]) and US (5/31/2011) dates. */
bool	expr_dt_parse(const char *s, int64_t *dt);
/* The current local time in ms. */
int64_t	expr_dt_now(void);

/*
 * Appends v formatted with a .NET format string (standard "N2", "C", "P1",
 * "d", or custom "#,##0.00", "yyyy-MM-dd", "'$'0.00;('$'0.00)").  An empty
 * or NULL fmt gives the default text.  Strings are never formatted.
 */
int	expr_format(const struct expr_value *v, const char *fmt, struct buf *,
	    struct rs_err *);

/*
 * A running aggregate: init, add one value per row, then result.  Works
 * for every EXPR_AGG_* except ROWNUMBER (the renderer counts rows).
 */
struct expr_agg {
	enum expr_aggfn		 fn;
	int64_t			 count;
	int64_t			 isum;
	double			 fsum;
	bool			 is_float;
	int64_t			 dsum;	/* sum in millionths while exact */
	bool			 dec_lost;	/* a value had more places */
	struct expr_value	 best;	/* min, max, first or last */
	char			**seen;	/* CountDistinct: open hash of keys */
	size_t			 nseen, capseen;
};

void	expr_agg_init(struct expr_agg *, enum expr_aggfn);
int	expr_agg_add(struct expr_agg *, const struct expr_value *,
	    struct rs_err *);
int	expr_agg_result(struct expr_agg *, struct expr_value *out,
	    struct rs_err *);
void	expr_agg_fini(struct expr_agg *);

/* Appends the names of the supported functions and aggregates. */
void	expr_func_names(struct buf *);

#endif
