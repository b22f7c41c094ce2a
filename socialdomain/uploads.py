"""One validator for every uploaded document: size limit and type from the file's own bytes.

The client's Content-Type header and the file name are chosen by the sender, so the type
is decided from the first bytes of the content ("magic bytes"); the extension must then
agree with it. Use as a form or model field validator: `validators=[validate_upload]`.
"""

import zipfile
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXTENSIONS = {PDF: {".pdf"}, PNG: {".png"}, JPEG: {".jpg", ".jpeg"}, DOCX: {".docx"}}

_MAGIC = [(b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG)]
_ZIP = b"PK\x03\x04"


def detect_content_type(file: IO[bytes]) -> str | None:
    """The allowed type the content really is, or None. Leaves the file at position 0."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(_ZIP) and _is_docx(file):
        return DOCX
    return None


def _is_docx(file: IO[bytes]) -> bool:
    # A .docx is a ZIP holding word/document.xml; a plain ZIP, .xlsx or .odt is not accepted.
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        file.seek(0)
    return "[Content_Types].xml" in names and "word/document.xml" in names


def validate_upload(file: UploadedFile) -> str:
    """Raise ValidationError unless `file` is at most UPLOAD_MAX_BYTES and a PDF, PNG, JPEG or
    DOCX by content (with a matching extension). Returns the detected content type."""
    limit = settings.UPLOAD_MAX_BYTES
    if file.size is None or file.size > limit:
        raise ValidationError(
            _("Het bestand is te groot. Het maximum is %(limit)s.") % {"limit": filesizeformat(limit)},
            code="too_large",
        )
    content_type = detect_content_type(file)
    if content_type is None:
        raise ValidationError(_("Alleen PDF, PNG, JPEG en Word (.docx) zijn toegestaan."), code="type")
    name = (file.name or "").lower()
    if not any(name.endswith(ext) for ext in EXTENSIONS[content_type]):
        raise ValidationError(_("De bestandsnaam past niet bij de inhoud van het bestand."), code="extension")
    return content_type
