/*
 * expr_int.h: shared between the files of expr/ only: the function table
 * the parser resolves names against, and the tokens of the operators.
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
	TK_IS, TK_ISNOT, TK_LIKE
};

/*
 * A built-in function.  A "lazy" function receives its arguments
 * unevaluated (IIf, Switch, Choose evaluate only the branch they need);
 * the others get evaluated values.
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

#endif
