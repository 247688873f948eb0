#!/usr/bin/env python3
"""tests/integration/certstore/pfxtool.py: PFX files that Windows and
attackers make, for pfx.sh.  Nothing here is copied from another project:
the files are made on the spot.

    pfxtool.py null PEM OUT
        a PFX exported with a "null" password, as some Windows tools write
        it: the empty password without the BMPString terminator, bags in
        3DES (made through libcrypto's PKCS12_create with no password);
        prints "null-mac=1 empty-mac=0" when it is that kind.
    pfxtool.py iter IN OUT OLD NEW [mac|nested]
        rewrites every iteration count OLD in IN as NEW (DER re-encoded,
        so the file stays well-formed): "mac" only the MAC's count (the
        top-level MacData), "nested" only those inside the content, and
        the MAC is dropped (it is optional) so that the content's counts
        are the first read.  No key is derived, so a count of 100,000,000
        costs nothing to make.
"""
import ctypes
import sys
from ctypes import POINTER, byref, c_char_p, c_int, c_void_p


def null_pfx(pem_path, out):
    c = ctypes.CDLL("libcrypto.so.3")
    for name, res, args in (
            ("BIO_new_mem_buf", c_void_p, (c_char_p, c_int)),
            ("PEM_read_bio_PrivateKey", c_void_p, (c_void_p,) * 4),
            ("PEM_read_bio_X509", c_void_p, (c_void_p,) * 4),
            ("PKCS12_create", c_void_p, (c_char_p, c_char_p, c_void_p,
                                         c_void_p, c_void_p) + (c_int,) * 5),
            ("i2d_PKCS12", c_int, (c_void_p, POINTER(c_void_p))),
            ("PKCS12_verify_mac", c_int, (c_void_p, c_char_p, c_int))):
        f = getattr(c, name)
        f.restype, f.argtypes = res, args
    pem = open(pem_path, "rb").read()
    key = c.PEM_read_bio_PrivateKey(c.BIO_new_mem_buf(pem, len(pem)),
                                    None, None, None)
    crt = c.PEM_read_bio_X509(c.BIO_new_mem_buf(pem, len(pem)), None, None,
                              None)
    tdes = 146      # pbeWithSHA1And3-KeyTripleDES-CBC
    p12 = c.PKCS12_create(None, b"Windows Azure Tools", key, crt, None,
                          tdes, tdes, 2000, 2000, 0)
    if not p12:
        sys.exit("PKCS12_create failed")
    print("null-mac=%d empty-mac=%d" % (c.PKCS12_verify_mac(p12, None, 0),
                                        c.PKCS12_verify_mac(p12, b"", 0)))
    buf = c_void_p()
    n = c.i2d_PKCS12(p12, byref(buf))
    open(out, "wb").write(ctypes.string_at(buf, n))


def tlv(data, i):
    """(tag, header length, content length) of the DER element at i."""
    tag, n = data[i], data[i + 1]
    if n < 0x80:
        return tag, 2, n
    k = n & 0x7F
    return tag, 2 + k, int.from_bytes(data[i + 2:i + 2 + k], "big")


def encode(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(b)]) + b + content


def parse_all(data):
    """The elements of data, or None when it is not DER through its end."""
    out, i = [], 0
    try:
        while i < len(data):
            tag, h, n = tlv(data, i)
            if i + h + n > len(data):
                return None
            out.append((tag, data[i + h:i + h + n]))
            i += h + n
    except IndexError:
        return None
    return out


def deep(tag, content, old, new):
    """Every INTEGER old below this element becomes new."""
    if tag == 0x02:
        if int.from_bytes(content, "big", signed=True) == old:
            content = new.to_bytes((new.bit_length() + 8) // 8, "big")
        return encode(tag, content)
    kids = parse_all(content) if tag & 0x20 or tag == 0x04 else None
    if tag == 0x04 and (kids is None or len(kids) != 1 or
                        not kids[0][0] & 0x20):
        kids = None     # an OCTET STRING of bytes, not of DER
    if not kids:
        return encode(tag, content)
    return encode(tag, b"".join(deep(t, c, old, new) for t, c in kids))


def patch(src, out, old, new, where):
    """PFX = SEQUENCE { version, authSafe, macData }; where picks parts."""
    data = open(src, "rb").read()
    tag, h, n = tlv(data, 0)
    body = b""
    for k, (t, c) in enumerate(parse_all(data[h:h + n])):
        if k == 1 and where in ("nested", "any"):
            body += deep(t, c, old, new)
        elif k == 2 and where == "nested":
            pass        # no MAC: what is inside is read first
        elif k == 2 and where in ("mac", "any"):
            body += encode(t, b"".join(
                deep(t2, c2, old, new) if t2 == 0x02 else encode(t2, c2)
                for t2, c2 in parse_all(c)))
        else:
            body += encode(t, c)
    open(out, "wb").write(encode(tag, body))


def main():
    if sys.argv[1] == "null":
        null_pfx(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "iter":
        patch(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]),
              sys.argv[6] if len(sys.argv) > 6 else "any")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
