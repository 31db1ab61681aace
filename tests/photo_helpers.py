"""Tiny generated photos for the tests of bulletins with images."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image
from PIL.ExifTags import IFD

from conftest import write_bulletin

# Where the tests put the photos, in the body of a bulletin (line numbers matter).
BODY = """---
title: 益阳市配合中央生态环境保护督察工作简报
issue: 1
date: 2024-05-10
issuer: 益阳市配合中央生态环境保护督察协调联络专班
city: 益阳市
---

### 陈竞率队实地调研

5月9日，益阳市委书记陈竞率队赴沅江市实地调研。

{photos}

### 南县

正文。
"""
PHOTO_LINE = 13  # file line of the first photo reference in BODY (each next one: +2)


def jpeg(width: int = 1200, height: int = 800, *, colour=(180, 40, 40), gps: bool = True,
         orientation: int = 1) -> bytes:
    """A JPEG with a camera's EXIF (maker, GPS position, orientation) and a comment."""
    image = Image.new("RGB", (width, height), colour)
    for x in range(0, width, 40):  # some detail, so sizes differ by width
        image.paste((20, 20, 20), (x, 0, x + 4, height))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x0112] = orientation
    if gps:
        exif.get_ifd(IFD.GPSInfo).update({1: "N", 2: (28.0, 33.0, 12.5), 3: "E", 4: (112.0, 21.0, 3.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"taken at the inspection site", quality=90)
    return buffer.getvalue()


def png(width: int = 300, height: int = 200) -> bytes:
    image = Image.new("RGBA", (width, height), (20, 60, 200, 255))
    image.paste((250, 250, 250, 255), (10, 10, width // 2, height // 2))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and header claiming ``width`` x ``height``, with no
    pixels: what a decompression bomb looks like before it is decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
            + chunk(b"IEND", b""))


def photo_bulletin(root: Path, photos: dict[str, bytes], references: list[str] | None = None,
                   rel: str = "yiyang/2024-05-10-1.md") -> Path:
    """A bulletin whose body references ``references`` (default: every photo,
    one paragraph each), with ``photos`` in its folder."""
    refs = references if references is not None else [f"![现场照片{i}]({name})" for i, name in enumerate(photos, 1)]
    path = write_bulletin(root, rel, BODY.format(photos="\n\n".join(refs)))
    folder = path.with_suffix("")
    folder.mkdir(exist_ok=True)
    for name, data in photos.items():
        (folder / name).write_bytes(data)
    return path


def docx(paragraphs: list) -> bytes:
    """A minimal Word file: each item a paragraph of text, ("center", text) a
    centred one, or the bytes of a picture (a paragraph holding it), as Word
    writes them (a:blip r:embed, the picture in word/media/)."""
    import zipfile

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ns = (f'{w} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')
    body, rels, media = [], [], {}
    for item in paragraphs:
        if isinstance(item, bytes):
            n = len(media) + 1
            ext = "png" if item.startswith(b"\x89PNG") else "jpeg"
            media[f"word/media/image{n}.{ext}"] = item
            rels.append(f'<Relationship Id="rId{n + 10}" Type="http://schemas.openxmlformats.org/officeDocument/'
                        f'2006/relationships/image" Target="media/image{n}.{ext}"/>')
            body.append(f'<w:p><w:r><w:drawing><wp:inline><a:graphic><a:graphicData><pic:pic><pic:blipFill>'
                        f'<a:blip r:embed="rId{n + 10}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>'
                        f'</wp:inline></w:drawing></w:r></w:p>')
        else:
            align, text = item if isinstance(item, tuple) else ("", item)
            ppr = f'<w:pPr><w:jc w:val="{align}"/></w:pPr>' if align else ""
            body.append(f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                         '<Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" '
                         'ContentType="image/jpeg"/><Override PartName="/word/document.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        package.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        package.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {ns}><w:body>{"".join(body)}'
                         '</w:body></w:document>')
        package.writestr("word/_rels/document.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                         'openxmlformats.org/package/2006/relationships">' + "".join(rels) + "</Relationships>")
        for name, data in media.items():
            package.writestr(name, data)
    return buffer.getvalue()
