/*
 * lex.c: the lexer of Visual Basic expressions and Code blocks.  Tokens:
 * numbers (with type characters, &H hex and &O octal), "strings" (""
 * inside, "x"c for a Char), #dates#, names, keywords and operators.  In
 * expressions a line end is blank space; in code mode it ends a statement
 * unless the line continues (" _" at its end, or implicitly after a
 * comma, an opening parenthesis or brace, or an operator, and before a
 * closing parenthesis or brace), and ' or REM start a comment.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "expr/expr_int.h"

static const struct {
	const char	*word;
	enum expr_tok	 tok;
} keywords[] = {
	{ "And", TK_AND }, { "AndAlso", TK_ANDALSO }, { "Or", TK_OR },
	{ "OrElse", TK_ORELSE }, { "Xor", TK_XOR }, { "Not", TK_NOT },
	{ "Mod", TK_MOD }, { "Is", TK_IS }, { "IsNot", TK_ISNOT },
	{ "Like", TK_LIKE },
};

int
perr(struct parser *ps, const char *fmt, ...)
{
	char		 m[400];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	if (ps->code)
		return rs_err_set(ps->e, RS_E_BADINPUT, "line %d: %s",
		    ps->line, m);
	return rs_err_set(ps->e, RS_E_BADINPUT, "%s at column %d", m,
	    (int)(ps->tstart - ps->src) + 1);
}

bool
tok_word(const struct parser *ps, const char *w)
{
	return ps->tok == TK_IDENT && strcasecmp(ps->text, w) == 0;
}

static int
lex_string(struct parser *ps)
{
	struct buf	 b;
	const char	*p = ps->p + 1;

	buf_init(&b, 0);
	for (;;) {
		if (*p == '\0' || (ps->code && *p == '\n')) {
			buf_fini(&b);
			return perr(ps, "unterminated string%s", "");
		}
		if (*p == '"' && p[1] == '"') {
			buf_append(&b, "\"", 1, NULL);
			p += 2;
			continue;
		}
		if (*p == '"')
			break;
		buf_append(&b, p++, 1, NULL);
	}
	p++;
	ps->is_char = (*p == 'c' || *p == 'C') && !isalnum((unsigned char)p[1])
	    && p[1] != '_';
	if (ps->is_char)
		p++;
	ps->p = p;
	ps->text = b.data != NULL ? buf_take(&b, NULL) : xstrdup("");
	ps->tok = TK_STR;
	return 0;
}

static int
lex_word(struct parser *ps)
{
	const char	*p = ps->p;
	size_t		 i;

	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	ps->text = xstrndup(ps->p, (size_t)(p - ps->p));
	ps->p = p;
	ps->tok = TK_IDENT;
	for (i = 0; i < nitems(keywords); i++)
		if (strcasecmp(ps->text, keywords[i].word) == 0)
			ps->tok = keywords[i].tok;
	return 0;
}

/* A type character after a number (1D, 2R, 3L ...), ignored. */
static const char *
type_char(const char *p)
{
	if (strchr("DRF@!LIS", *p) != NULL && *p != '\0' &&
	    !isalnum((unsigned char)p[1]) && p[1] != '_')
		return p + 1;
	if ((*p == 'U' || *p == 'u') && strchr("ILSils", p[1]) != NULL &&
	    p[1] != '\0' && !isalnum((unsigned char)p[2]))
		return p + 2;
	return p;
}

static int
lex_number(struct parser *ps)
{
	const char	*p = ps->p;

	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.' && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) ||
	    ((p[1] == '-' || p[1] == '+') && isdigit((unsigned char)p[2]))))
		for (p += 2; isdigit((unsigned char)*p); p++)
			;
	ps->text = xstrndup(ps->p, (size_t)(p - ps->p));
	ps->p = type_char(p);
	ps->tok = TK_NUM;
	return 0;
}

/*
 * &HFF and &O17: a number only when the digits end the word, so that
 * "a" &Header still joins "a" and Header.
 */
static bool
lex_radix(struct parser *ps)
{
	const char	*p = ps->p + 2;
	int		 base = (ps->p[1] == 'H' || ps->p[1] == 'h') ? 16 : 8;
	unsigned long long v = 0;
	int		 n = 0;

	for (; base == 16 ? isxdigit((unsigned char)*p) :
	    (*p >= '0' && *p <= '7'); p++, n++)
		v = v * (unsigned)base + (unsigned)(isdigit((unsigned char)*p) ?
		    *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
	if (n == 0 || n > (base == 16 ? 16 : 21))
		return false;
	p = type_char(p);
	if (isalnum((unsigned char)*p) || *p == '_')
		return false;
	ps->text = xmalloc(32);
	snprintf(ps->text, 32, "%lld", (long long)v);
	ps->p = p;
	ps->tok = TK_NUM;
	return true;
}

static int
lex_date(struct parser *ps)
{
	const char	*end = strchr(ps->p + 1, '#');
	const char	*nl = strchr(ps->p + 1, '\n');

	if (end == NULL || (ps->code && nl != NULL && nl < end))
		return perr(ps, "unterminated date literal%s", "");
	ps->text = xstrndup(ps->p + 1, (size_t)(end - ps->p - 1));
	ps->p = end + 1;
	ps->tok = TK_DATE;
	return 0;
}

static int
lex_punct(struct parser *ps)
{
	static const struct {
		const char	*s;
		enum expr_tok	 t;
		bool		 code;
	} ops[] = {
		{ "+=", TK_PLUSEQ, true }, { "-=", TK_MINUSEQ, true },
		{ "*=", TK_STAREQ, true }, { "/=", TK_SLASHEQ, true },
		{ "\\=", TK_BSLASHEQ, true }, { "&=", TK_AMPEQ, true },
		{ "^=", TK_CARETEQ, true }, { ":", TK_COLON, true },
		{ "{", TK_LBRACE, true }, { "}", TK_RBRACE, true },
		{ "<>", TK_NE, false }, { "<=", TK_LE, false },
		{ ">=", TK_GE, false }, { "(", TK_LP, false },
		{ ")", TK_RP, false }, { ",", TK_COMMA, false },
		{ "!", TK_BANG, false }, { ".", TK_DOT, false },
		{ "&", TK_AMP, false }, { "+", TK_PLUS, false },
		{ "-", TK_MINUS, false }, { "*", TK_STAR, false },
		{ "/", TK_SLASH, false }, { "\\", TK_BSLASH, false },
		{ "^", TK_CARET, false }, { "=", TK_EQ, false },
		{ "<", TK_LT, false }, { ">", TK_GT, false },
	};
	size_t		 i, n;

	for (i = 0; i < nitems(ops); i++) {
		if (ops[i].code && !ps->code)
			continue;
		n = strlen(ops[i].s);
		if (strncmp(ps->p, ops[i].s, n) == 0) {
			ps->p += n;
			ps->tok = ops[i].t;
			return 0;
		}
	}
	return perr(ps, "unexpected character '%.1s'", ps->p);
}

/* After these tokens a Code line goes on to the next line (VB 10+). */
static bool
continues(enum expr_tok t)
{
	switch (t) {
	case TK_COMMA: case TK_LP: case TK_LBRACE: case TK_AMP: case TK_PLUS:
	case TK_MINUS: case TK_STAR: case TK_SLASH: case TK_BSLASH:
	case TK_CARET: case TK_EQ: case TK_NE: case TK_LT: case TK_GT:
	case TK_LE: case TK_GE: case TK_AND: case TK_ANDALSO: case TK_OR:
	case TK_ORELSE: case TK_XOR: case TK_NOT: case TK_MOD: case TK_IS:
	case TK_ISNOT: case TK_LIKE: case TK_PLUSEQ: case TK_MINUSEQ:
	case TK_STAREQ: case TK_SLASHEQ: case TK_BSLASHEQ: case TK_AMPEQ:
	case TK_CARETEQ: case TK_DOT:
		return true;
	default:
		return false;
	}
}

static void
newline(struct parser *ps)
{
	ps->p++;
	ps->nl++;
	ps->line_start = ps->p;
}

/* Skips a comment to the end of its line (not the line end itself). */
static void
skip_comment(struct parser *ps)
{
	while (*ps->p != '\0' && *ps->p != '\n')
		ps->p++;
}

static bool
at_comment(const struct parser *ps)
{
	return ps->code && (*ps->p == '\'' || (strncasecmp(ps->p, "REM", 3) == 0
	    && (ps->p[3] == ' ' || ps->p[3] == '\t' || ps->p[3] == '\n' ||
	    ps->p[3] == '\r' || ps->p[3] == '\0') && (ps->p == ps->line_start ||
	    isspace((unsigned char)ps->p[-1]))));
}

/* The next character after blanks, line ends and comments. */
static char
peek_past_lines(const char *p)
{
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '\'')
			return *p;
		while (*p != '\0' && *p != '\n')
			p++;
	}
}

/* Blank space, continuations and comments; false at a line end token. */
static bool
skip_blank(struct parser *ps, enum expr_tok prev)
{
	for (;;) {
		while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' ||
		    *ps->p == '\f' || *ps->p == '\v' ||
		    (*ps->p == '\n' && !ps->code))
			ps->p++;
		if (ps->p[0] == '_' && (ps->p == ps->src ||
		    !isalnum((unsigned char)ps->p[-1]))) {
			const char *q = ps->p + 1;
			while (*q == ' ' || *q == '\t' || *q == '\r')
				q++;
			if (*q == '\'' && ps->code)
				while (*q != '\0' && *q != '\n')
					q++;
			if (*q == '\n' || (*q == '\0' && ps->code)) {
				ps->p = q;
				if (*q == '\n')
					newline(ps);
				continue;
			}
		}
		if (at_comment(ps)) {
			skip_comment(ps);
			continue;
		}
		if (*ps->p == '\n' && (continues(prev) ||
		    peek_past_lines(ps->p) == ')' ||
		    peek_past_lines(ps->p) == '}')) {
			newline(ps);
			continue;
		}
		return *ps->p != '\n';
	}
}

int
lex_next(struct parser *ps)
{
	enum expr_tok	 prev = ps->tok;

	free(ps->text);
	ps->text = NULL;
	ps->is_char = false;
	if (!skip_blank(ps, prev)) {
		ps->tstart = ps->p;
		ps->line = ps->nl;
		newline(ps);
		ps->tok = TK_EOL;
		return 0;
	}
	ps->tstart = ps->p;
	ps->line = ps->nl;
	if (*ps->p == '\0') {
		ps->tok = TK_EOF;
		return 0;
	}
	if (*ps->p == '"')
		return lex_string(ps);
	if (*ps->p == '#')
		return lex_date(ps);
	if (*ps->p == '&' && strchr("HhOo", ps->p[1]) != NULL &&
	    ps->p[1] != '\0' && lex_radix(ps))
		return 0;
	if (isdigit((unsigned char)*ps->p) ||
	    (*ps->p == '.' && isdigit((unsigned char)ps->p[1])))
		return lex_number(ps);
	if (isalpha((unsigned char)*ps->p) || *ps->p == '_')
		return lex_word(ps);
	if ((unsigned char)*ps->p >= 0x80)
		return perr(ps, "unexpected character '%.4s'", ps->p);
	return lex_punct(ps);
}
