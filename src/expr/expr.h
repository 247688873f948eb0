/*
 * expr.h: the Visual Basic expression subset that RDL uses.  A property
 * whose text starts with '=' is parsed once (expr_parse) into an AST and
 * evaluated many times (expr_eval) over a typed value against an
 * environment: the current row, the report parameters, the globals and a
 * callback that computes aggregates over a scope.  Also here: the .NET
 * format strings of Style/Format (expr_format) and the running
 * accumulators of Sum, Count, ... (expr_agg_*).
 *
 * Also here: the report's Code block, a Visual Basic subset (Function
 * and Sub, Dim, If, Select Case, For, For Each, While, Do, Try) parsed
 * once (expr_code_parse) and run by an interpreter with a step and memory
 * budget per call (code.c, code_exec.c); the .NET names reports use
 * (Math.*, Convert.*, String.Format, DateTime.*, TimeSpan.*, member calls
 * such as .ToString("N2") or .IndexOf); and cultures (culture.c): number
 * and date formats, and the parsing of dates and numbers, for the
 * report's Language through ICU; en-US (the default) needs no ICU call.
 *
 * Not here: where rows come from, which rows form a scope (the renderer
 * decides and answers through expr_env.agg), or any I/O.
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
#define EXPR_ARRAY_MAX	(1u << 20)	/* elements of one array */

enum expr_type {
	EXPR_T_NULL,		/* Nothing */
	EXPR_T_BOOL,
	EXPR_T_INT,		/* Integer, Long */
	EXPR_T_FLOAT,		/* Double, Decimal (kept as double) */
	EXPR_T_STRING,
	EXPR_T_DATETIME,	/* ms since 1970-01-01, no time zone */
	EXPR_T_TIMESPAN,	/* .NET TimeSpan: ticks of 100 ns */
	EXPR_T_ARRAY		/* an array (LookupSet, Split, Dim a()) */
};

struct expr_array;

/*
 * A typed value.  A string is owned by the value unless "borrowed" is set
 * (then it points into a row or the AST and lives as long as they do).
 * An array is counted: a value that is not borrowed holds one reference
 * (arrays are reference types in .NET, so a copy shares the elements).
 * expr_value_fini() frees an owned string or drops the reference; it
 * accepts any value.
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
		int64_t	 ts;
		struct expr_array *a;
	} u;
};

/* The elements of an array value; refs counts the values holding it. */
struct expr_array {
	unsigned		 refs;
	size_t			 n, cap;
	struct expr_value	*v;
};

/* What follows the '!' name: Fields!X.Value, Parameters!P.Label, ... */
enum expr_member {
	EXPR_M_VALUE, EXPR_M_LABEL, EXPR_M_ISMISSING, EXPR_M_COUNT,
	EXPR_M_ISMULTI, EXPR_M_NONE,
	EXPR_M_SETVALUE		/* Variables!V.SetValue(x) */
};

enum expr_kind {
	EXPR_LIT, EXPR_FIELD, EXPR_PARAM, EXPR_GLOBAL, EXPR_USER,
	EXPR_UNARY, EXPR_BINARY, EXPR_CALL, EXPR_AGG,
	EXPR_RITEM,		/* ReportItems!Name.Value */
	EXPR_MEMBER,		/* args[0].name(args[1..]): .ToString("N2") */
	EXPR_CODE,		/* Code.name(args): index = the function */
	EXPR_VAR,		/* Variables!name.Value or .SetValue(args[0]) */
	EXPR_NAME,		/* in Code: a name not yet bound (code.c) */
	EXPR_LOCAL,		/* in Code: variable slot index (op: scope) */
	EXPR_UCALL,		/* in Code: a call of function index */
	EXPR_INDEX,		/* in Code: args[0](args[1]): an element */
	EXPR_ARRAYLIT		/* in Code: {a, b, c} */
};

/* The aggregate functions; the renderer switches on these. */
enum expr_aggfn {
	EXPR_AGG_SUM, EXPR_AGG_COUNT, EXPR_AGG_COUNTDISTINCT, EXPR_AGG_AVG,
	EXPR_AGG_MIN, EXPR_AGG_MAX, EXPR_AGG_FIRST, EXPR_AGG_LAST,
	EXPR_AGG_COUNTROWS, EXPR_AGG_ROWNUMBER,
	EXPR_AGG_RUNNINGVALUE,	/* RunningValue(expr, Sum, scope): op = fn */
	EXPR_AGG_PREVIOUS,	/* Previous(expr[, scope]) */
	EXPR_AGG_LOOKUP,	/* Lookup(src, dest, result, "DataSet") */
	EXPR_AGG_LOOKUPSET,	/* LookupSet(src, dest, result, "DataSet") */
	EXPR_AGG_MULTILOOKUP,	/* MultiLookup(srcs, dest, result, "DataSet") */
	EXPR_AGG_AGGREGATE,	/* Aggregate(expr[, scope]) */
	EXPR_AGG_INSCOPE,	/* InScope(scope) */
	EXPR_AGG_LEVEL		/* Level([scope]) */
};

struct expr_func;

/*
 * One node of the AST.  Fields!X nodes carry field_index, set by whoever
 * binds the expression to a dataset (rdl/), -1 until then; Code.F nodes
 * carry index, the function in the report's Code (expr_code_find).
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
	int			 line;		/* in a Code block: its line */
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

/*
 * Variables!name.Value (set is NULL) or .SetValue(*set): the report's or
 * the current group's variable.  Fills *out (SetValue: True).
 */
typedef int (*expr_var_fn)(void *arg, const char *name,
    const struct expr_value *set, struct expr_env *env,
    struct expr_value *out, struct rs_err *);

struct expr_code;
struct expr_code_state;
struct expr_frame;
struct expr_culture;

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
	expr_var_fn		 var;		/* NULL: Variables! fails */
	void			*var_arg;
	/* The report's Code and its state for this render (shared
	 * variables); NULL: Code.F fails.  frame: inside a Code call. */
	const struct expr_code	*code;
	struct expr_code_state	*code_state;
	struct expr_frame	*frame;
	/* Formats, CDate and CDbl of text, Format(): NULL is en-US. */
	const struct expr_culture *culture;
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
/* Sum, Count, ... (over a scope's rows), not Lookup or InScope. */
bool	expr_agg_scoped(const struct expr_node *);
/* Whether the tree holds such an aggregate. */
bool	expr_has_scoped_agg(struct expr_node *);

/*
 * Evaluates n in env.  *out is filled (the caller finishes it with
 * expr_value_fini).  Returns 0, or -1 with RS_E_BADINPUT for a runtime
 * error (bad conversion, division by zero ...).
 */
int	expr_eval(const struct expr_node *n, struct expr_env *env,
	    struct expr_value *out, struct rs_err *);

/* Values. */
void	expr_value_fini(struct expr_value *);
/* A new array value of n Nothing elements (one reference, in *v). */
void	expr_value_array(struct expr_value *v, size_t n);
/* Appends a copy of x to the array value a (grows it). */
void	expr_array_push(struct expr_value *a, const struct expr_value *x);
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
/* Converts *v in place to a type as VB assigns (Dim x As Integer = "5"):
 * CInt rounds half to even, text is parsed in the culture (NULL: en-US),
 * Nothing becomes the type's default except for String. */
int	expr_convert(struct expr_value *v, enum expr_type to,
	    const struct expr_culture *, struct rs_err *);
/* Appends the default (unformatted) text of a value: ToString() in en-US
 * (an array: its elements joined by ", "). */
int	expr_value_text(const struct expr_value *, struct buf *, struct rs_err *);
/* The XML Schema text of a value (2011-05-31T00:00:00, true, 1.5). */
int	expr_value_xsd(const struct expr_value *, struct buf *, struct rs_err *);

/* Dates: civil <-> ms since 1970 (proleptic Gregorian, no time zone). */
int64_t	expr_dt_make(int y, int mo, int d, int h, int mi, int s, int ms);
void	expr_dt_split(int64_t dt, int *y, int *mo, int *d, int *h, int *mi,
	    int *s, int *ms);
/* Parses ISO (2011-05-31[ T]10:00[:00[.fff]]) and US (5/31/2011) dates. */
bool	expr_dt_parse(const char *s, int64_t *dt);
/*
 * Parses a date as .NET's DateTime.Parse does for a culture (NULL:
 * en-US): ISO forms, numbers in the culture's day-month-year order with
 * any of / - . as separators, month names and abbreviations in any
 * position ("14 January 2020", "Jan 14, 2020", "14-Jan-2020"), an
 * optional day name, and a time with AM/PM.  False when it is not one.
 */
bool	expr_dt_parse_culture(const char *s, const struct expr_culture *,
	    int64_t *dt);
/* Parses a number as CDbl does for a culture: its decimal and group
 * separators, a currency symbol, parentheses, a sign, an exponent. */
bool	expr_num_parse_culture(const char *s, const struct expr_culture *,
	    double *out);
/* The current local time in ms. */
int64_t	expr_dt_now(void);

/*
 * Appends v formatted with a .NET format string (standard "N2", "C", "P1",
 * "d", or custom "#,##0.00", "yyyy-MM-dd", "'$'0.00;('$'0.00)").  An empty
 * or NULL fmt gives the default text.  Strings are never formatted.
 */
int	expr_format(const struct expr_value *v, const char *fmt, struct buf *,
	    struct rs_err *);
/* expr_format in a culture (NULL: en-US, the same bytes as expr_format). */
int	expr_format_culture(const struct expr_value *v, const char *fmt,
	    const struct expr_culture *, struct buf *, struct rs_err *);

/*
 * Cultures (culture.c).  expr_culture_new loads a culture's number and
 * date symbols and patterns from ICU ("de-DE", "fr", "en-GB"); the .NET
 * culture names are ICU's with '-' for '_'.  Returns a new culture owned
 * by the caller (expr_culture_free), or NULL with RS_E_BADINPUT for a name
 * ICU does not know.  en-US and "" give NULL without error: the built-in
 * en-US tables, byte for byte what the formats have always written.
 */
struct expr_culture *expr_culture_new(const char *name, struct rs_err *);
void	expr_culture_free(struct expr_culture *);
const char *expr_culture_name(const struct expr_culture *);	/* "en-US" */

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

/*
 * The Code block of a report (code.c, code_exec.c).  expr_code_parse
 * reads the Visual Basic text of <Code>: module-level variables and
 * constants (Private x As Integer, Const, Shared), Function and Sub with
 * typed ByVal/ByRef/Optional parameters, and in their bodies Dim, Const,
 * assignments (also += -= *= /= &=), ReDim, If/ElseIf/Else (and one-line
 * If), Select Case (values, ranges, Is), For/Next with Step, For Each,
 * While, Do/Loop While/Until, Exit, Continue, Return, Try/Catch/Finally,
 * Throw; expressions as in report expressions, with arrays, member calls
 * and the .NET names.  Every name is bound when parsed: an undeclared
 * variable, an unknown function or an unsupported statement is refused
 * with its line (first_line: the line of <Code> in the file, so messages
 * name file lines).  Returns a new module owned by the caller
 * (expr_code_free), or NULL with RS_E_BADINPUT ("line N: ...").  Custom
 * assemblies are the caller's to refuse.
 */
#define EXPR_CODE_TEXT_MAX	(1u << 20)	/* bytes of a Code block */
#define EXPR_CODE_STEPS_MAX	10000000	/* statements per Code call */
#define EXPR_CODE_RENDER_STEPS	500000000LL	/* per render, all calls */
#define EXPR_CODE_MEM_MAX	(64u << 20)	/* bytes held by variables */
#define EXPR_CODE_DEPTH_MAX	64		/* nested Code calls */

struct expr_code *expr_code_parse(const char *text, int first_line,
    struct rs_err *);
void	expr_code_free(struct expr_code *);
/* The function called name (case-insensitive): its index, or -1; with
 * *min_args and *max_args (either may be NULL). */
int	expr_code_find(const struct expr_code *, const char *name,
	    int *min_args, int *max_args);
/* The number of functions, and function i's name (NULL past the end). */
size_t	expr_code_count(const struct expr_code *);
const char *expr_code_name(const struct expr_code *, size_t i);

/*
 * The state of a module for one render: its shared (module-level)
 * variables, initialised from their declarations on first use, and the
 * step count.  One per render; not shared between threads.
 */
struct expr_code_state *expr_code_state_new(const struct expr_code *);
void	expr_code_state_free(struct expr_code_state *);
/* A lower step budget per call than EXPR_CODE_STEPS_MAX (tests, fuzzing);
 * steps <= 0 or above the default keeps the default. */
void	expr_code_state_steps(struct expr_code_state *, int64_t steps);
/*
 * Calls function fn of env->code with nargs values (Code.F from an
 * expression).  Returns 0 with *out, or -1: RS_E_BADINPUT for a runtime
 * error, RS_E_LIMIT past the step, memory or depth budget; the message
 * names the function and the line ("Code.F line 7: ...").
 */
int	expr_code_call(struct expr_env *env, int fn, struct expr_value *args,
	    size_t nargs, struct expr_value *out, struct rs_err *);

#endif
