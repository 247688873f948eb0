"""The paginated formats drawn from the layout engine's page model (PDF and
IMAGE): text outside Latin-1 (Arabic, Chinese, accents, a line separator)
prints as itself with its fonts embedded; items keep their designed places
(side by side stays side by side, a CanGrow textbox pushes down what is
below it and nothing beside it, a rectangle grows with what it holds);
IMAGE gives a PNG of a page at the asked resolution and refuses what it
cannot do.  Positions are read back with pdftotext -bbox, as a reader of
the PDF would find them.
"""
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from lib import *  # noqa: E402,F403

NS = "http://schemas.microsoft.com/sqlserver/reporting/2016/01/reportdefinition"
LONG = ("This note is long enough to wrap over several lines of its narrow "
        "box, so the box grows and pushes down what was designed below it.")
TEXTS = {"ar": "مرحبا بالعالم", "zh": "中文报表", "fr": "Crème brûlée",
         "es": "Ñandú"}


def textbox(name, value, top, left, width, height, extra=""):
    value = value.replace("&", "&amp;").replace("<", "&lt;")
    return (f'<Textbox Name="{name}">{extra}<Paragraphs><Paragraph><TextRuns>'
            f'<TextRun><Value>{value}</Value></TextRun></TextRuns>'
            f'</Paragraph></Paragraphs><Top>{top}</Top><Left>{left}</Left>'
            f'<Height>{height}</Height><Width>{width}</Width></Textbox>')


def report(items, pages=1):
    # A textbox every 10in: the page's body is 10in tall.
    filler = "".join(textbox("F%d" % i, "Page filler %d" % i, "%.2fin" %
                             (2 + 10 * i), "0in", "2in", "0.25in")
                     for i in range(pages))
    return f"""<?xml version="1.0"?>
<Report xmlns="{NS}"><DataSources><DataSource Name="E"><ConnectionProperties>
<DataProvider>ENTERDATA</DataProvider><ConnectString/></ConnectionProperties>
</DataSource></DataSources>
<ReportSections><ReportSection><Body><ReportItems>{items}{filler}
</ReportItems><Height>{2 + 10 * pages}in</Height></Body><Width>6.5in</Width>
<Page><PageHeight>11in</PageHeight><PageWidth>8.5in</PageWidth>
<LeftMargin>1in</LeftMargin><TopMargin>1in</TopMargin></Page>
</ReportSection></ReportSections></Report>"""


def render(name, xml, fmt, *extra):
    rdl = os.path.join(TMP, name + ".rdl")
    open(rdl, "w", encoding="utf-8").write(xml)
    out = os.path.join(TMP, name + "." + fmt.lower())
    r = run("rsrender", rdl, "--format", fmt, "--out", out, *extra)
    return r, out


def words(pdf):
    """[(text, xMin, yMin, xMax, yMax)] of page 1, from pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", pdf,
                           "-"], capture_output=True, text=True).stdout
    out = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                         r'xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                         html):
        out.append((m.group(5), *map(float, m.group(1, 2, 3, 4))))
    return out


def find(ws, text):
    return [w for w in ws if w[0] == text]


def body_words(pdf):
    """The words of page 1 but the page filler's."""
    return [w for w in words(pdf) if w[0] not in ("Page", "filler", "0")]


def test_unicode():
    items = "".join(textbox(k, v, "%.2fin" % (0.4 * i), "0in", "4in",
                            "0.3in") for i, (k, v) in enumerate(TEXTS.items()))
    items += textbox("sep", "before\u2028after", "2in", "0in", "4in", "0.6in")
    r, pdf = render("unicode", report(items), "PDF")
    check("a report in Arabic, Chinese and accented Latin renders to PDF",
          r.returncode == 0, r.stderr)
    t = subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                       text=True).stdout
    # pdftotext marks right-to-left runs and may split Arabic between
    # joined letters; the letters themselves must all be there.
    flat = re.sub(r"[\s\u202a-\u202e]", "", t)
    for k, v in TEXTS.items():
        check("PDF text %s prints as itself (not ?): %s" % (k, v),
              v.replace(" ", "") in flat, t[:400])
    check("a line separator (U+2028) breaks the line instead of printing ?",
          "before" in t and "after" in t and "?" not in t, t)
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True,
                           text=True).stdout
    rows = [l.split() for l in fonts.splitlines()[2:] if l.strip()]
    check("every font is embedded as a subset (emb yes, sub yes)",
          rows and all("yes" in r[-5:-3] and r[-4] == "yes" for r in rows),
          fonts)
    check("Latin text is in Liberation Sans (Arial's metric-compatible "
          "face); the other scripts come from fallback fonts",
          any("LiberationSans" in r[0] for r in rows) and len(rows) >= 2,
          fonts)


def test_placement():
    items = (textbox("A", LONG, "0in", "0in", "1.5in", "0.25in",
                     "<CanGrow>true</CanGrow>") +
             textbox("B", "BESIDE", "0in", "3in", "1.5in", "0.25in") +
             textbox("C", "BELOW", "0.5in", "0in", "1.5in", "0.25in") +
             textbox("D", "ALSOBELOW", "0.5in", "3in", "1.5in", "0.25in"))
    r, pdf = render("place", report(items), "PDF")
    check("a report with a growing textbox renders to PDF", r.returncode == 0,
          r.stderr)
    ws = body_words(pdf)
    a = [w for w in ws if w[1] < 72 + 1.5 * 72 and w[0] not in
         ("BELOW",)]
    first, last = min(a, key=lambda w: w[2]), max(a, key=lambda w: w[4])
    b, c, d = find(ws, "BESIDE")[0], find(ws, "BELOW")[0], \
        find(ws, "ALSOBELOW")[0]
    check("the CanGrow textbox wraps over several lines of its width",
          last[4] - first[2] > 4 * 10 and all(w[3] <= 72 + 1.5 * 72 + 1
                                              for w in a), first, last)
    check("the textbox beside it stays where it was designed (same top, "
          "3in to the right)", abs(b[2] - first[2]) < 1 and
          abs(b[1] - (72 + 3 * 72)) < 3, b, first)
    gap = c[2] - last[4]
    check("the textbox below is pushed down, keeping the designed 0.25in "
          "gap under the grown box", 12 < gap < 26, gap)
    check("an item below it to the side moves by the same amount",
          abs(d[2] - c[2]) < 1, c, d)

    rect = ('<Rectangle Name="R"><ReportItems>' +
            textbox("In", LONG, "0in", "0in", "1.5in", "0.25in",
                    "<CanGrow>true</CanGrow>") +
            '</ReportItems><Top>0in</Top><Left>0in</Left><Height>0.5in'
            '</Height><Width>2in</Width><Style><Border><Style>Solid</Style>'
            '</Border></Style></Rectangle>' +
            textbox("After", "AFTER", "0.75in", "0in", "2in", "0.25in"))
    r, pdf = render("rect", report(rect), "PDF")
    ws = body_words(pdf)
    inner = [w for w in ws if w[0] != "AFTER"]
    after = find(ws, "AFTER")[0]
    check("a rectangle grows with the textbox inside it and pushes the "
          "item below", after[2] > max(w[4] for w in inner) + 12, after,
          max(w[4] for w in inner))


def png_size(path):
    data = open(path, "rb").read(32)
    return struct.unpack(">II", data[16:24]) if data[:4] == b"\x89PNG" \
        else None


def test_image():
    xml = report(textbox("T", "Hello", "0in", "0in", "2in", "0.25in"), 3)
    r, png = render("img", xml, "IMAGE")
    check("IMAGE renders a PNG", r.returncode == 0, r.stderr)
    expect_eq("a letter page at 96 dpi is 816 x 1056 pixels", png_size(png),
              (816, 1056))
    r, png = render("img2", xml, "IMAGE", "--devinfo", "DpiX=192",
                    "--devinfo", "DpiY=192", "--devinfo", "StartPage=3")
    expect_eq("rc:DpiX=192 doubles it; rc:StartPage picks the page",
              (r.returncode, png_size(png)), (0, (1632, 2112)))
    r, png = render("img3", xml, "IMAGE", "--devinfo", "StartPage=9")
    check("a StartPage past the last page is refused with the page count",
          r.returncode != 0 and "the report has 3 pages" in r.stderr and
          not os.path.exists(png), r.stderr)
    r, png = render("img4", xml, "IMAGE", "--devinfo", "OutputFormat=TIFF")
    check("an output format other than PNG is refused, saying what is",
          r.returncode != 0 and "OutputFormat TIFF is not supported for "
          "IMAGE; supported: PNG" in r.stderr, r.stderr)


test_unicode()
test_placement()
test_image()
done_testing()
