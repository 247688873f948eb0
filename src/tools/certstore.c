/*
 * certstore: the command-line front of the machine certificate store, the
 * Linux counterpart of the Windows certificate cmdlets.  Everything is in
 * certcmd/ (certcmd.h); this is its main.
 */
#include "certcmd/certcmd.h"

int
main(int argc, char **argv)
{
	return certcmd_main(argc, argv);
}
