# trust/: puts Root certificates where this machine's clients look (the
# system store through update-ca-certificates, NSS databases through
# certutil).  It runs those programs, so only the certstore tool links it.
