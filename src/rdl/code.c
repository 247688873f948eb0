/*
 * code.c: the parts of a definition that hold code: the report's <Code>
 * block (Visual Basic, parsed and bound by expr/ into the report model,
 * with its errors on the file's lines), report and group <Variables>
 * (a name, a Value that is a constant or an expression, and Writable for
 * report variables), and the report's Language.  Custom assemblies
 * (<CodeModules>, <Classes>) are refused in parse.c's table: their code
 * is a .NET DLL this server cannot run.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/str.h"
#include "common/xmalloc.h"
#include "rdl/rdl_int.h"

int
variables_parse(struct pctx *c, xmlNode *list, bool group,
    struct rdl_variable **out, size_t *nout)
{
	struct rdl_variable *v;
	xmlNode		*k, *val;

	for (k = list != NULL ? list->children : NULL; k != NULL; k = k->next) {
		if (!is_el(c, k, "Variable"))
			continue;
		*out = xreallocarray(*out, *nout + 1, sizeof(**out));
		v = &(*out)[(*nout)++];
		memset(v, 0, sizeof(*v));
		v->name = attr(k, "Name");
		v->line = (int)xmlGetLineNo(k);
		if (v->name == NULL)
			return fail(c, k, "a Variable needs a Name");
		for (size_t i = 0; i + 1 < *nout; i++)
			if (strcmp((*out)[i].name, v->name) == 0)
				return fail(c, k, "variable %s is defined twice",
				    v->name);
		val = child(c, k, "Value");
		v->value = val != NULL ? prop_new(c, val) : NULL;
		if (val != NULL && v->value == NULL)
			return -1;
		if (v->value == NULL)
			v->value = prop_new(c, k);	/* no Value: empty */
		if (child(c, k, "Writable") != NULL && group)
			return fail(c, child(c, k, "Writable"), "a group variable "
			    "cannot be Writable; only report variables can");
		v->writable = child_bool(c, k, "Writable", false);
	}
	return 0;
}

void
variables_free(struct rdl_variable *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		prop_free(v[i].value);
	}
	free(v);
}

/* The report's Code, Variables and Language. */
int
code_parse(struct pctx *c, xmlNode *root)
{
	xmlNode		*code = child(c, root, "Code"), *lang;
	struct rs_err	 ce;
	char		*text;

	lang = child(c, root, "Language");
	if (lang != NULL && (c->r->language_prop = prop_new(c, lang)) == NULL)
		return -1;
	if (variables_parse(c, child(c, root, "Variables"), false, &c->r->vars,
	    &c->r->nvars) == -1)
		return -1;
	if (code == NULL)
		return 0;
	text = node_text(code);
	rs_err_clear(&ce);
	c->r->code = expr_code_parse(text, (int)xmlGetLineNo(code), &ce);
	free(text);
	if (c->r->code == NULL) {
		/* ce names the line in the file already. */
		rs_err_set(c->e, ce.code, "%s (in <Code>)", ce.msg);
		return -1;
	}
	return 0;
}
