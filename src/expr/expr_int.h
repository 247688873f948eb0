/*
 * expr_int.h: shared between the files of expr/ only: the lexer and
 * parser state (one parser reads report expressions and Code blocks), the
 * function and member tables the parser resolves names against, the
 * tokens of the operators, and the parsed form of a Code module.
 */
#ifndef RS_EXPR_INT_H
#define RS_EXPR_INT_H

#include "expr/expr.h"

enum expr_tok {
	TK_EOF, TK_NUM, TK_STR, TK_IDENT, TK_DATE,
	TK_LP, TK_RP, TK_COMMA, TK_BANG, TK_DOT,
	TK_AMP, TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_BSLASH, TK_CARET,
	TK_EQ, TK_NE, TK_LT, TK_GT, TK_LE, TK_GE,
	/* keywords */
	TK_AND, TK_ANDALSO, TK_OR, TK_ORELSE, TK_XOR, TK_NOT, TK_MOD,
	TK_IS, TK_ISNOT, TK_LIKE,
	/* Code only */
	TK_EOL, TK_COLON, TK_LBRACE, TK_RBRACE,
	TK_PLUSEQ, TK_MINUSEQ, TK_STAREQ, TK_SLASHEQ, TK_BSLASHEQ,
	TK_AMPEQ, TK_CARETEQ
};

/*
 * The parser.  In code mode (a Code block) a line end is a token (TK_EOL)
 * unless the line continues (" _", or after a comma, an opening
 * parenthesis or an operator, or before a closing one), ' starts a
 * comment, ':' separates statements, and a name that is not a built-in
 * becomes EXPR_NAME for the binder (code.c).
 */
struct parser {
	const char	*src, *p;
	enum expr_tok	 tok;
	const char	*tstart;	/* start of the current token */
	char		*text;		/* IDENT/STR/NUM/DATE text (owned) */
	bool		 is_char;	/* TK_STR was "x"c */
	int		 depth;
	bool		 code;
	int		 line;		/* code mode: line of the token */
	int		 nl;		/* line being scanned */
	const char	*line_start;
	struct rs_err	*e;
};

/* lex.c */
int	lex_next(struct parser *);
int	perr(struct parser *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Is the current token the word w (an identifier, any case)? */
bool	tok_word(const struct parser *, const char *w);

/* parse.c, names.c */
struct expr_node *parse_expr(struct parser *);
struct expr_node *parse_ident(struct parser *);
struct expr_node *parse_new(struct parser *);
/* Member accesses and calls after n: n.ToString("N2").Length */
struct expr_node *parse_postfix(struct parser *, struct expr_node *n);
struct expr_node *node_new(struct parser *, enum expr_kind);
void	add_arg(struct expr_node *, struct expr_node *);

/*
 * A built-in function.  A "lazy" function receives its arguments
 * unevaluated (IIf, Switch, Choose evaluate only the branch they need);
 * the others get evaluated values.  A name with a dot is a .NET static
 * member (Math.Round, DateTime.Now); "noparen": may be called without
 * parentheses (Today, Now, DateTime.Now, Math.PI).
 */
typedef int (*expr_fn_values)(struct expr_value *args, size_t nargs,
    struct expr_env *env, struct expr_value *out, struct rs_err *);
typedef int (*expr_fn_lazy)(const struct expr_node *call,
    struct expr_env *env, struct expr_value *out, struct rs_err *);

struct expr_func {
	const char	*name;
	int		 min_args, max_args;
	expr_fn_values	 fn;
	expr_fn_lazy	 lazy;
};

const struct expr_func *expr_func_find(const char *name);
/* func2.c, netfunc.c: the other parts of the table. */
const struct expr_func *expr_func2_find(const char *name);
const struct expr_func *expr_netfunc_find(const char *name);
void	expr_func2_names(struct buf *);

/* members.c: .ToString, .Length, .AddDays ... on a value. */
int	expr_member_find(const char *name);	/* id, or -1 */
const char *expr_member_list(void);		/* for messages */
int	expr_member_eval(const struct expr_node *, struct expr_env *,
	    struct expr_value *out, struct rs_err *);

/* value.c: conversions in a culture (NULL: en-US). */
int	expr_to_double_c(const struct expr_value *, const struct expr_culture *,
	    double *, struct rs_err *);
int	expr_to_int_c(const struct expr_value *, const struct expr_culture *,
	    int64_t *, struct rs_err *);
int	expr_to_datetime_c(const struct expr_value *,
	    const struct expr_culture *, int64_t *, struct rs_err *);

/* The default text in a culture: numbers and dates as ToString(). */
int	expr_value_text_c(const struct expr_value *,
	    const struct expr_culture *, struct buf *, struct rs_err *);

/* value.c helpers shared by the functions. */
int	expr_text_of(const struct expr_value *, struct buf *, struct rs_err *);
int	expr_ret_buf(struct expr_value *out, struct buf *);
/* TimeSpan.ToString(): [-][d.]hh:mm:ss[.fffffff] */
void	expr_timespan_text(int64_t ticks, struct buf *);
/* Bytes a value holds (strings, arrays), for the Code memory budget. */
size_t	expr_value_size(const struct expr_value *);

/* culture.c */
struct expr_culture {
	char	 name[32];
	char	 decimal[8], group[8], minus[8], percent[8];
	char	 currency[16];
	/* Currency and percent: where the number and the symbol go:
	 * e.g. "n $" (positive), "-n $" (negative); 'n' is the number. */
	char	 cur_pos[24], cur_neg[24], pct_pos[24], pct_neg[24];
	const char *months[12], *months_abbr[12], *days[7], *days_abbr[7];
	const char *months_gen[12];	/* genitive forms for "d MMMM" */
	char	 am[16], pm[16];
	char	 date_sep[8], time_sep[8];
	/* .NET custom patterns: d D t T M y (month-day, year-month). */
	char	 pat_d[48], pat_D[64], pat_t[32], pat_T[32], pat_M[32],
		 pat_y[32];
	bool	 dmy, ymd;	/* short date order: day first, year first */
};

/* The en-US culture the built-in tables describe (never NULL). */
const struct expr_culture *expr_culture_en(void);

/* The pieces of a Code module (code.c parses, code_exec.c runs). */
enum vb_stmt_kind {
	VB_EXPR, VB_ASSIGN, VB_DIM, VB_IF, VB_SELECT, VB_FOR, VB_FOREACH,
	VB_WHILE, VB_DO, VB_RETURN, VB_EXIT, VB_CONTINUE, VB_REDIM, VB_TRY,
	VB_THROW
};

/* A declared type: Integer, String(), Object (dynamic) ... */
struct vb_type {
	enum expr_type	 base;		/* EXPR_T_NULL: Object */
	bool		 array;
};

struct vb_stmt;

struct vb_block {
	struct vb_stmt	*v;
	size_t		 n;
};

/* One item of a Case: a value, a range (a To b) or Is op value. */
struct vb_case_item {
	int			 op;	/* 0: value or range; else a TK_ op */
	struct expr_node	*a, *b;	/* b: the end of a range */
};

struct vb_case {
	struct vb_case_item	*items;
	size_t			 nitems;	/* 0: Case Else */
	struct vb_block		 body;
};

/* What Exit and Continue leave: */
enum vb_exit { VB_X_FOR = 1, VB_X_DO, VB_X_WHILE, VB_X_SELECT, VB_X_FUNC,
	VB_X_TRY };

struct vb_stmt {
	enum vb_stmt_kind	 kind;
	int			 line;
	int			 op;	/* ASSIGN: compound operator or 0;
					   EXIT/CONTINUE: enum vb_exit */
	struct expr_node	*target;	/* ASSIGN, FOR, FOREACH, DIM, REDIM */
	struct expr_node	*e1, *e2, *e3;	/* value; For from/to/step */
	struct vb_type		 type;	/* DIM */
	bool			 preserve;	/* ReDim Preserve */
	bool			 until, post;	/* Do: Until, condition at Loop */
	struct vb_block		 body, alt;	/* If then/else; Try/Catch */
	struct vb_block		 fin;		/* Try: Finally */
	struct vb_case		*cases;		/* Select */
	size_t			 ncases;
};

struct vb_param {
	char			*name;
	struct vb_type		 type;
	bool			 byref, optional;
	struct expr_node	*dflt;		/* Optional's value */
};

struct vb_func {
	char			*name;
	int			 line;
	bool			 is_sub;
	struct vb_type		 ret;
	struct vb_param		*params;
	size_t			 nparams;
	/* Slots: the parameters first, then the function's own name (its
	 * return value), then every Dim in order. */
	char			**slots;
	struct vb_type		*slot_types;
	size_t			 nslots;
	struct vb_block		 body;
};

/* A module-level variable or constant, or a Static local. */
struct vb_global {
	char			*name;
	int			 line;
	struct vb_type		 type;
	struct expr_node	*init;
	struct expr_node	*size;		/* Private a(9): its upper bound */
	bool			 is_const;
	int			 func;		/* Static local: its function */
};

struct expr_code {
	struct vb_func		*funcs;
	size_t			 nfuncs;
	struct vb_global	*globals;
	size_t			 nglobals;
};

/* EXPR_LOCAL's op: where the slot lives. */
enum { VB_SLOT_LOCAL, VB_SLOT_GLOBAL };

/* The parse of one module: the parser and the function being read
 * (code.c: declarations and functions; code_stmt.c: statements). */
struct cparse {
	struct parser	 ps;
	struct expr_code *m;
	struct vb_func	*f;	/* NULL at module level */
	int		 fi;
	int		 nest;
};

int	cp_err(struct cparse *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	cp_next(struct cparse *);
bool	cp_word(struct cparse *, const char *);
int	cp_accept(struct cparse *, const char *, bool *got);
int	cp_expect_word(struct cparse *, const char *, const char *after);
bool	cp_at_end(struct cparse *);
int	cp_end_statement(struct cparse *);
int	cp_skip_lines(struct cparse *);
int	cp_want(struct cparse *, enum expr_tok, const char *what);
struct expr_node *cp_expr(struct cparse *);
int	cp_type(struct cparse *, struct vb_type *);
int	cp_slot_find(const struct vb_func *, const char *name);
int	cp_slot_add(struct cparse *, const char *name, const struct vb_type *);
struct vb_stmt *cp_stmt_add(struct vb_block *, enum vb_stmt_kind, int line);
struct expr_node *cp_name_node(struct cparse *, const char *name);
int	cp_dim(struct cparse *, struct vb_block *, bool is_const,
	    bool is_static);
/* code_stmt.c */
bool	cp_is_stop(struct cparse *, const char *const *stops);
int	cp_end_of(struct cparse *, const char *what);
int	cp_refuse_word(struct cparse *);
int	cp_statement(struct cparse *, struct vb_block *);
int	cp_block(struct cparse *, struct vb_block *, const char *const *stops);
/* code_bind.c */
int	vb_bind_module(struct expr_code *, struct rs_err *);

/* code_exec.c: default value of a type; eval of Code-only nodes. */
void	vb_default(const struct vb_type *, struct expr_value *);
int	vb_eval_node(const struct expr_node *, struct expr_env *,
	    struct expr_value *out, struct rs_err *);
/* eval.c: a binary operator (TK_PLUS, TK_EQ ...) applied to values. */
int	expr_binop(int op, struct expr_value *a, struct expr_value *b,
	    struct expr_env *, struct expr_value *out, struct rs_err *);
void	vb_block_free(struct vb_block *);

#endif
