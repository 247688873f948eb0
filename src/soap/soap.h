/*
 * soap.h: the report server's SOAP endpoints, the face that Visual
 * Studio's deploy, Report Builder, rs.exe, the ReportingServicesTools
 * PowerShell module and the ReportViewer control talk to:
 *
 *   /ReportServer/ReportService2010.asmx    catalog management
 *   /ReportServer/ReportExecution2005.asmx  rendering
 *
 * SOAP 1.1 (text/xml with SOAPAction) and 1.2 (application/soap+xml),
 * document/literal as the contract says (the two WSDLs, built into the
 * binary, served by "?wsdl" with this server's own address).  Requests
 * pass the same gate as the rest of the web service (database, secure
 * connection level, HTTP Basic sign-in); every answer carries the
 * original's ServerInfoHeader, executions are named by ExecutionHeader,
 * ItemNamespaceHeader selects paths or ids for GetProperties, and a
 * TrustedUserHeader or BatchHeader is refused.  Failures are SOAP faults
 * whose detail holds the original's ErrorCode, HttpStatus and Message.
 *
 * This module is a face: every operation goes to the catalog and to the
 * calls the REST API and URL access use (reportserver's permission,
 * intake and binding checks, its render hook).  It keeps no state of its
 * own; executions live in the catalog so any node of a scale-out can
 * continue one.  docs/soap.md lists each operation and what it does here.
 */
#ifndef RS_SOAP_SOAP_H
#define RS_SOAP_SOAP_H

#include "reportserver/server.h"

/*
 * The rs_soap_fn the daemon installs in rs_server.soap.  arg: the
 * server's const struct data_policy (what reports and test connections
 * may open), borrowed for the server's life.  Answers every request for
 * a /<name>.asmx path; never fails (errors are SOAP faults or, before the
 * envelope is read, the gate's own answers).
 */
rs_soap_fn	soap_handle;

#endif
