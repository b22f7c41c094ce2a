import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from socialdomain.uploads import DOCX, JPEG, PDF, PNG, validate_upload


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX_BYTES = _zip("[Content_Types].xml", "word/document.xml")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("brief.pdf", b"%PDF-1.7\n...", PDF),
        ("foto.png", b"\x89PNG\r\n\x1a\n....", PNG),
        ("foto.JPG", b"\xff\xd8\xff\xe0....", JPEG),
        ("verslag.docx", DOCX_BYTES, DOCX),
    ],
)
def test_allowed_documents_are_accepted_by_their_content(name, content, expected):
    # The client claims a harmless type for all of them; the content decides.
    assert validate_upload(SimpleUploadedFile(name, content, content_type="text/plain")) == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("script.pdf", b"<script>alert(1)</script>"),  # HTML dressed up as PDF
        ("archief.docx", _zip("iets.txt")),  # a ZIP that is no Word document
        ("tabel.docx", _zip("[Content_Types].xml", "xl/workbook.xml")),  # an .xlsx renamed
        ("programma.exe", b"MZ\x90\x00"),
    ],
)
def test_other_content_is_refused_whatever_the_client_says(name, content):
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert info.value.code == "type"


def test_extension_must_match_the_content():
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("brief.html", b"%PDF-1.7", content_type="application/pdf"))
    assert info.value.code == "extension"


def test_files_over_the_limit_are_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    validate_upload(SimpleUploadedFile("klein.pdf", b"%PDF-" + b"x" * 1019))
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("groot.pdf", b"%PDF-" + b"x" * 1020))
    assert info.value.code == "too_large"
    assert "1,0" in info.value.messages[0] or "1.0" in info.value.messages[0]


def test_default_limit_is_ten_mebibytes(settings):
    assert settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024
