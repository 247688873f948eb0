/*
 * certcmd.h: the certstore tool (bin/certstore), the command-line front
 * of the machine certificate store (certstore/certstore.h), the Linux
 * counterpart of the Windows certificate cmdlets.  Commands come from one
 * table (cli.c), which also gives the usage text and the "valid commands"
 * hint; passwords are read from a file or stdin, never argv; output is
 * aligned text for people and --json for scripts; every hint it prints
 * is a command that works as written.  src/tools/certstore.c is its main.
 */
#ifndef RS_CERTCMD_CERTCMD_H
#define RS_CERTCMD_CERTCMD_H

/* Runs the tool; returns the exit status (from the error table). */
int	certcmd_main(int argc, char **argv);

#endif
