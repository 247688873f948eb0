# soap/: the SOAP endpoints ReportService2010.asmx and ReportExecution2005.asmx
# (libxml2), a face over reportserver's catalog, intake and render calls.
# The daemon links it above reportserver (main.c installs soap_handle in
# rs_server.soap), so reportserver itself never links it.  wsdl.c builds
# the two contracts in with .incbin.
DEPS_test_soap := soap reportserver render layout graphics data rdl expr sched deliver rskey rsconf catalog common
$(OUT)/src/soap/wsdl.o: src/soap/wsdl/ReportService2010.wsdl \
    src/soap/wsdl/ReportExecution2005.wsdl
