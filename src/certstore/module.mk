# certstore/: the machine certificate store (My, Root, CA) over OpenSSL.
# The library uses only common/ (the tool is certcmd/).
DEPS_test_certstore := certstore common
