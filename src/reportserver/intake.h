/*
 * intake.h (internal to reportserver/): the gate every definition passes
 * on its way into the catalog, and the binding check that also runs at
 * every render.  A definition is checked with rdl_check() (the renderer's
 * own parser and tables, as rsrender --check), then its bindings: each
 * DataSourceReference must name a shared data source that exists and
 * that the binding user may read (View data sources or Manage data
 * sources on it: the original's ReadProperties); an embedded data source
 * must use an extension this server connects to.  The binding user is
 * whoever stores or changes the item; at render it is the user the
 * catalog recorded as the last to change it (ModifiedBy), so removing
 * that user's permission later stops the renders.
 */
#ifndef RS_REPORTSERVER_INTAKE_H
#define RS_REPORTSERVER_INTAKE_H

#include "reportserver/rs_int.h"
#include "rdl/rdl.h"

/* How a refusal is answered: HTTP status and the original's code. */
struct rs_refusal {
	int		 status;
	const char	*rscode;
};

/*
 * Checks content of an item of type (catalog type) that u stores at
 * path.  Folders and resources pass.  Returns 0, or -1 with *ref and e
 * ("cannot publish report '/A/B': line 3, column 1: ...").
 */
int	rs_intake_check(struct catalog *, const struct rsuser *u, int type,
	    const char *path, const void *data, size_t len,
	    struct rs_refusal *ref, struct rs_err *e);

/*
 * The binding check alone, for a change that keeps the content but
 * makes u its binder (rename, properties, move to path).  A stored
 * definition that no longer parses binds nothing and passes.
 */
int	rs_rebind_check(struct catalog *, const struct rsuser *u,
	    const struct catalog_item *, const char *path,
	    struct rs_refusal *ref, struct rs_err *e);

/*
 * The bindings of n data sources of an item at path for binder.
 * at_render: a missing data source is 404 (else 400) and the message
 * names the binder as the one who last changed the report.
 */
int	rs_bindings_check(struct catalog *, const struct rsuser *binder,
	    const char *path, const struct rdl_datasource *, size_t n,
	    bool at_render, struct rs_refusal *ref, struct rs_err *e);

/*
 * The report's shared datasets (SharedDataSetReference) for binder: each
 * must exist and be readable by him (View reports, Manage reports or
 * Consume reports on it).  at_render: a missing one is 404 (else 400),
 * and each dataset's own data source is checked too, for the user who
 * last changed that dataset, so a permission removed from either later
 * stops the renders.
 */
int	rs_datasets_check(struct catalog *, const struct rsuser *binder,
	    const char *path, const struct rdl_report *, bool at_render,
	    struct rs_refusal *ref, struct rs_err *e);
/*
 * What the original's SOAP API answers with a warning instead of a
 * refusal: a DataSourceReference to a shared data source that is not
 * published yet (Visual Studio deploys the report, then points it at the
 * data source with SetItemDataSources).  Such a report binds nothing and
 * does not render until its data sources are set.
 */
#define RS_WARNINGS_MAX	16

struct rs_warning {
	char	code[48];	/* rsDataSourceReferenceNotPublished */
	char	object_name[CATALOG_NAME_MAX + 1];
	char	object_type[24];	/* Report, DataSet */
	char	message[700];
};

struct rs_warnings {
	struct rs_warning	v[RS_WARNINGS_MAX];
	size_t			n;
	bool			dataset;	/* the definition's kind */
};

/*
 * rs_intake_check, except that a shared data source that cannot be found
 * is a warning in *w rather than a refusal.  A shared data source the user
 * may not read is still refused.
 */
int	rs_intake_check_warn(struct catalog *, const struct rsuser *u,
	    int type, const char *path, const void *data, size_t len,
	    struct rs_warnings *w, struct rs_refusal *ref, struct rs_err *e);

/* rs_bindings_check (not at render) with missing data sources warned. */
int	rs_bindings_check_warn(struct catalog *, const struct rsuser *binder,
	    const char *path, const struct rdl_datasource *, size_t n,
	    struct rs_warnings *w, struct rs_refusal *ref, struct rs_err *e);

/*
 * Applies the server-side bindings stored for item id (SetItemDataSources,
 * SetItemReferences) to its n data sources, in place: a shared data source
 * replaces the DataSourceReference with that data source's path (absolute),
 * an embedded definition replaces it with its extension and connection
 * string.  name: the binding name of a shared dataset's data source
 * ("DataSetDataSource"), or NULL to match each data source by its own name.
 * Returns 0, or -1 with e (RS_E_DB).
 */
#define RS_DATASET_SOURCE	"DataSetDataSource"

int	rs_bindings_apply(struct catalog *, const char *id, const char *name,
	    struct rdl_datasource *v, size_t n, struct rs_err *e);

/* folder + "/" + name into out (out may be folder itself). */
void	rs_path_join(const char *folder, const char *name, char *out,
	    size_t outsz);
/* The catalog path a DataSourceReference of the item at path means. */
void	rs_ds_ref_path(const char *path, const char *ref, char *out,
	    size_t outsz);

/*
 * The principal a recorded user name stands for, as sign-in makes it:
 * a built-in account when the catalog has one, else a Linux user with
 * its groups.  rsuser_fini frees it.
 */
void	rs_user_named(struct catalog *, const char *name, struct rsuser *);

#endif
