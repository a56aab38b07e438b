"""Hostile documents, built in memory for the tests: PDF bombs, huge page trees, encrypted PDFs,
Word files with DTDs in various encodings. Nothing here is a real document.
"""

from __future__ import annotations

import io
import zipfile
import zlib


def build_pdf(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF file from its objects (object ``n`` is ``objects[n - 1]``), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n" % (len(objects) + 1))
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, root, trailer_extra, xref)
    )
    return out.getvalue()


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _page_objects(content_ref: int) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>" % content_ref,
    ]


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>"


def deflate_bomb(inflated_bytes: int) -> bytes:
    """A zlib stream of ``inflated_bytes`` zeros, made without compressing them.

    One megabyte of zeros is compressed once and ended with a full flush, which makes its
    compressed form self-contained; repeating it gives a valid stream of any length (its
    final checksum is wrong, which a reader only sees after inflating everything).
    """
    chunk_size = 1024 * 1024
    compressor = zlib.compressobj(9)
    head = compressor.compress(b"\0" * chunk_size) + compressor.flush(zlib.Z_FULL_FLUSH)
    # The first piece carries the two-byte zlib header; the repeated piece must not.
    repeat_compressor = zlib.compressobj(9)
    repeat_compressor.compress(b"")
    header_len = len(repeat_compressor.flush(zlib.Z_FULL_FLUSH)) or 2
    body = head[2:] if header_len else head
    count = max(1, inflated_bytes // chunk_size)
    return head[:2] + body * count + compressor.flush(zlib.Z_FINISH)


def pdf_bomb(inflated_bytes: int = 4 * 1024**3) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated_bytes`` (4 GiB by default)."""
    data = deflate_bomb(inflated_bytes)
    return build_pdf([*_page_objects(4), stream(data, b"/Filter /FlateDecode "), _FONT])


def many_pages_pdf(pages: int = 10_000, *, declared: int | None = None) -> bytes:
    """A PDF with ``pages`` small pages (each saying its number); ``declared`` may lie about the count."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * index) for index in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % (pages if declared is None else declared),
        _FONT,
    ]
    for index in range(pages):
        content = b"BT /F1 12 Tf 72 720 Td (Page %d) Tj ET" % (index + 1)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (first_page + 2 * index + 1)
        )
        objects.append(stream(content))
    return build_pdf(objects)


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the lines in Times-Roman 10 pt (ASCII only)."""
    ops = [b"BT /F1 10 Tf 12 TL 72 770 Td"]
    for line in lines:
        escaped = line.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(b"(" + escaped + b") Tj T*")
    ops.append(b"ET")
    return build_pdf([*_page_objects(4), stream(b"\n".join(ops)), _FONT])


def encrypted_pdf(*, user_password: str = "secret") -> bytes:  # noqa: S107 (a test file's password)
    """A real PDF with text, encrypted by pypdf (RC4-128, which needs no extra library)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(["Concluding observations"]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --------------------------------------------------------------------------
# Word files
# --------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def document_xml(paragraphs: list[str], *, doctype: str = "", encoding: str = "UTF-8") -> str:
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    return (
        f'<?xml version="1.0" encoding="{encoding}" standalone="yes"?>{doctype}'
        f'<w:document xmlns:w="{_W_NS}"><w:body>{body}</w:body></w:document>'
    )


EXTERNAL_ENTITY_DOCTYPE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
BILLION_LAUGHS_DOCTYPE = (
    '<!DOCTYPE w:document [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + "]>"
)


def build_docx(document: bytes, *, extra_parts: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
        for name, data in (extra_parts or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def encode_xml(text: str, encoding: str, *, bom: bool) -> bytes:
    """``text`` encoded, with or without a byte order mark, its declaration naming the encoding."""
    codec = {"utf-8": "utf-8", "utf-16-le": "utf-16-le", "utf-16-be": "utf-16-be",
             "utf-32-le": "utf-32-le", "utf-32-be": "utf-32-be"}[encoding]  # fmt: skip
    data = text.encode(codec)
    if bom:
        data = "\ufeff".encode(codec) + data
    return data
