/*
 * rdl_int.h: shared by the files of rdl/ only: the parse context and the
 * small libxml2 helpers every element parser uses.
 */
#ifndef RS_RDL_INT_H
#define RS_RDL_INT_H

#include <libxml/tree.h>

#include "rdl/rdl.h"

struct pctx {
	struct rdl_report	*r;
	const xmlChar		*ns;	/* the report's RDL namespace */
	size_t			 nodes;	/* items, cells, members so far */
	int			 depth;
	struct rs_err		*e;
};

/* True when n is an element in the RDL namespace called name. */
bool	 is_el(struct pctx *, xmlNode *n, const char *name);
/* First RDL child element called name, or NULL. */
xmlNode	*child(struct pctx *, xmlNode *n, const char *name);
/* Text of the child called name (new string), or NULL when absent. */
char	*child_text(struct pctx *, xmlNode *n, const char *name);
char	*node_text(xmlNode *n);
/* An attribute as a new string, or NULL. */
char	*attr(xmlNode *n, const char *name);
bool	 child_bool(struct pctx *, xmlNode *n, const char *name, bool dflt);
/* A size child in points; dflt when absent; -1 with an error when bad. */
int	 child_size(struct pctx *, xmlNode *n, const char *name, double dflt,
	    double *out);
/* Parses a property (constant or "=expression"). NULL with an error. */
struct rdl_expr *prop_new(struct pctx *, xmlNode *n);
struct rdl_expr *child_prop(struct pctx *, xmlNode *n, const char *name,
	    bool *failed);
void	 prop_free(struct rdl_expr *);

int	 fail(struct pctx *, xmlNode *n, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	 count_node(struct pctx *, xmlNode *n);

/* items.c */
struct rdl_item *item_parse(struct pctx *, xmlNode *n);
int	 items_parse(struct pctx *, xmlNode *ritems, struct rdl_item ***out,
	    size_t *nout);
void	 item_free(struct rdl_item *);
int	 style_parse(struct pctx *, xmlNode *style, struct rdl_style *);
void	 style_fini(struct rdl_style *);
int	 filters_parse(struct pctx *, xmlNode *n, struct rdl_filter **out,
	    size_t *nout);
void	 filters_free(struct rdl_filter *, size_t);
int	 sorts_parse(struct pctx *, xmlNode *n, struct rdl_sort **out,
	    size_t *nout);
void	 sorts_free(struct rdl_sort *, size_t);
enum rdl_deo deo_parse(struct pctx *, xmlNode *n);

/* tablix.c */
struct rdl_tablix *tablix_parse(struct pctx *, xmlNode *n);
void	 tablix_free(struct rdl_tablix *);
/* A Group element into a member (name, expressions, filters, breaks). */
int	 group_parse(struct pctx *, xmlNode *g, struct rdl_member *);
void	 member_fini(struct rdl_member *);

/* chart.c */
struct rdl_chart *chart_parse(struct pctx *, xmlNode *n);
void	 chart_free(struct rdl_chart *);
/* map.c */
struct rdl_map *map_parse(struct pctx *, xmlNode *n);
void	 map_free(struct rdl_map *);
extern const char *const map_known[];
const char *map_refusal(const char *name);
/* gauge.c */
struct rdl_gauge_panel *gauge_parse(struct pctx *, xmlNode *n);
void	 gauge_free(struct rdl_gauge_panel *);
/* Every expression of a gauge, of a pointer (for binding and freeing). */
#define GAUGE_EXPRS	28
#define POINTER_EXPRS	9
void	 gauge_exprs(const struct rdl_gauge *, struct rdl_expr *[GAUGE_EXPRS]);
void	 pointer_exprs(const struct rdl_gauge_pointer *,
	    struct rdl_expr *[POINTER_EXPRS]);
/* The elements of a GaugePanel the subset reads or can ignore. */
extern const char *const gauge_known[];
const char *gauge_refusal(const char *name);

/* datasets.c */
int	 parse_datasets(struct pctx *, xmlNode *list);
int	 parse_params(struct pctx *, xmlNode *list);
/* A Query's CommandType, CommandText and QueryParameters; Fields. */
int	 query_parse(struct pctx *, xmlNode *q, struct rdl_dataset *);
int	 fields_parse(struct pctx *, xmlNode *list, struct rdl_dataset *);

/* parse.c */
struct rdl_report *report_of_doc(xmlDoc *, const char *name,
	    struct rs_err *);
void	 dataset_fini(struct rdl_dataset *);

/* check.c: reads a definition (no network, no entities); NULL with
 * RS_E_BADINPUT naming line and column, or RS_E_LIMIT. */
xmlDoc	*xml_read(const char *xml, size_t len, struct rs_err *);
/* xml_read + report_of_doc; *fault (when not NULL) says which failed. */
struct rdl_report *report_read(const char *xml, size_t len,
	    const char *name, enum rdl_fault *, struct rs_err *);

/* shared.c: shared data sources and datasets; NULL with *fault set. */
struct rdl_shared_source *shared_source_parse(const char *, size_t,
	    enum rdl_fault *, struct rs_err *);
struct rdl_shared_dataset *shared_dataset_parse(const char *, size_t,
	    enum rdl_fault *, struct rs_err *);
void	 shared_source_free(struct rdl_shared_source *);
void	 shared_dataset_free(struct rdl_shared_dataset *);

/* code.c: the Code block and Variables (report and group). */
int	 code_parse(struct pctx *, xmlNode *root);
int	 variables_parse(struct pctx *, xmlNode *list, bool group,
	    struct rdl_variable **out, size_t *nout);
void	 variables_free(struct rdl_variable *, size_t);

/* bind.c: binds field references to datasets, checks scopes. */
int	 bind_report(struct rdl_report *, struct rs_err *);
/* Binds a shared dataset's fields (its Parameters! are its own). */
int	 bind_shared(struct rdl_shared_dataset *, struct rs_err *);

#endif
