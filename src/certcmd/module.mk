# certcmd/: the certstore tool (src/tools/certstore.c is its main): the
# command table, output, passwords and hints over the certstore library;
# it also asks the binding store which bindings use a certificate before
# removing it (and tells httpsvc), and uses trust/ to put Root
# certificates where clients look.
DEPS_certstore := certcmd trust binding urlres certstore common
