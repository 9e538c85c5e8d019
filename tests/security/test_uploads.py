"""Uploads from the refusing side: every disguise a hostile file can wear is refused
with a Russian explanation; the real formats pass."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.test import RequestFactory

from intranet.uploads import (
    IMAGE_EXTENSIONS,
    SafeFileField,
    UploadValidator,
    safe_filename,
    serve_attachment,
    validate_upload,
)
from tests.security import files

GOOD = [
    ("фото.jpg", files.image_bytes("JPEG")),
    ("photo.JPEG", files.image_bytes("JPEG")),
    ("scan.png", files.image_bytes("PNG")),
    ("anim.gif", files.image_bytes("GIF")),
    ("pic.webp", files.image_bytes("WEBP")),
    ("Справка о доходах.pdf", files.PDF),
    ("письмо.docx", files.ooxml("docx")),
    ("таблица.xlsx", files.ooxml("xlsx")),
    ("заявление.odt", files.odf("odt")),
    ("расчёт.ods", files.odf("ods")),
    ("old.doc", files.DOC),
    ("old.xls", files.XLS),
    ("text.rtf", files.RTF),
    ("вопрос.txt", files.TXT),
    ("list.csv", files.CSV_CP1251),
    ("utf16.txt", "Привет".encode("utf-16")),
]


@pytest.mark.parametrize(("name", "data"), GOOD, ids=[g[0] for g in GOOD])
def test_real_files_of_every_allowed_type_are_accepted(name, data):
    info = validate_upload(files.upload(name, data))
    assert info.size == len(data)
    assert "html" not in info.content_type and "svg" not in info.content_type


HOSTILE = [
    # (name, content, error code, a Russian word the message must contain)
    ("drawing.svg", files.SVG, "svg", "SVG"),
    ("page.html", files.HTML, "html", "HTML"),
    ("page.htm", files.HTML, "html", "HTML"),
    ("invoice.pdf.exe", files.EXE, "executable", "Программы"),
    ("setup.msi", files.DOC, "executable", "Программы"),
    ("run.js", b"alert(1)", "executable", "Программы"),
    ("docs.zip", files.plain_zip(), "archive", "Архивы"),
    ("docs.7z", b"7z\xbc\xaf\x27\x1c" + b"\0" * 50, "archive", "Архивы"),
    ("noext", files.PDF, "extension", "расширения"),
    ("mail.eml", b"From: x", "extension", "не принимаются"),
    # Disguises: an allowed extension over forbidden content.
    ("report.pdf", files.HTML, "html", "веб-страницей"),
    ("photo.jpg", files.SVG, "svg", "SVG"),
    ("note.txt", files.SVG, "svg", "SVG"),
    ("table.csv", files.HTML, "html", "веб-страницей"),
    ("letter.docx", files.EXE, "executable", "программой"),
    ("photo.png", files.ELF, "executable", "программой"),
    ("letter.docx", files.plain_zip(), "archive", "архивом"),
    ("sheet.xlsx", files.ooxml("docx"), "mismatch", "не соответствует"),
    ("text.odt", files.odf("ods"), "mismatch", "не соответствует"),
    ("scan.pdf", files.image_bytes("PNG"), "mismatch", "не соответствует"),
    ("scan.png", files.PDF, "mismatch", "не соответствует"),
    ("binary.txt", b"abc\x00def", "mismatch", "не соответствует"),
    ("archive.txt", files.plain_zip(), "archive", "архивом"),
    ("old.doc", files.EXE, "executable", "программой"),
    ("empty.pdf", b"", "empty", "пустой"),
]


@pytest.mark.parametrize(
    ("name", "data", "code", "word"), HOSTILE, ids=[f"{h[0]}-{h[2]}" for h in HOSTILE]
)
def test_hostile_files_are_refused_with_a_russian_reason(name, data, code, word):
    with pytest.raises(ValidationError) as exc:
        validate_upload(files.upload(name, data))
    assert exc.value.code == code
    message = exc.value.messages[0]
    assert word in message, message


def test_size_limit_comes_from_settings(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    validate_upload(files.upload("small.pdf", files.PDF))
    big = files.PDF + b"%" * 2000
    with pytest.raises(ValidationError) as exc:
        validate_upload(files.upload("big.pdf", big))
    assert exc.value.code == "too_large"
    assert "слишком большой" in exc.value.messages[0]


def test_default_limit_is_twenty_megabytes(settings):
    del settings.UPLOAD_MAX_BYTES
    data = files.PDF + b"%" * (20 * 1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        validate_upload(files.upload("big.pdf", data))
    assert exc.value.code == "too_large"


def test_a_narrowed_allow_list_refuses_the_rest_and_cannot_be_widened():
    with pytest.raises(ValidationError):
        validate_upload(files.upload("a.pdf", files.PDF), allowed=IMAGE_EXTENSIONS)
    with pytest.raises(ValidationError) as exc:
        validate_upload(files.upload("a.svg", files.SVG), allowed=["svg", "png"])
    assert exc.value.code == "svg"


def test_validation_leaves_the_file_readable_from_the_start():
    upload = files.upload("a.pdf", files.PDF)
    validate_upload(upload)
    assert upload.read() == files.PDF


def test_model_field_validator_is_deconstructible_and_runs():
    field = models.FileField(validators=[UploadValidator(allowed=IMAGE_EXTENSIONS)])
    _name, _path, _args, kwargs = field.deconstruct()
    assert kwargs["validators"] == [UploadValidator(allowed=IMAGE_EXTENSIONS)]
    with pytest.raises(ValidationError):
        field.run_validators(files.upload("evil.png", files.HTML))


class AttachmentForm(forms.Form):
    file = SafeFileField()


def test_form_field_refuses_disguised_files_and_sanitises_names():
    bad = AttachmentForm(files={"file": files.upload("report.pdf", files.HTML)})
    assert not bad.is_valid()
    assert "веб-страницей" in bad.errors["file"][0]
    good = AttachmentForm(files={"file": files.upload("../../etc/Справка.PDF", files.PDF)})
    assert good.is_valid(), good.errors
    assert good.cleaned_data["file"].name == "Справка.pdf"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Иванов\\Рабочий стол\\Справка 2025.pdf", "Справка 2025.pdf"),
        ("..", "file"),
        (".htaccess", "htaccess"),
        ("report\x00.pdf.exe", "report.pdf.exe"),
        ("evil\u202egpj.exe", "evilgpj.exe"),
        ("a<b>c:d|e?.txt", "a_b_c_d_e_.txt"),
        ("CON.txt", "file_CON.txt"),
        ("  пробелы   много  .docx", "пробелы много.docx"),
        ("", "file"),
        ("ё\u0308.pdf", "ё\u0308.pdf"),
    ],
)
def test_safe_filename(raw, expected):
    import unicodedata

    assert safe_filename(raw) == unicodedata.normalize("NFC", expected)


def test_safe_filename_limits_length_and_keeps_the_extension():
    name = safe_filename("Д" * 500 + ".pdf")
    assert len(name) == 120
    assert name.endswith(".pdf")
    assert len(name.encode()) < 255


def _stored(name, data):
    from django.db.models.fields.files import FieldFile

    path = default_storage.save(f"tests/{name}", __import__("io").BytesIO(data))
    return FieldFile(None, models.FileField(storage=default_storage), path)


@pytest.mark.parametrize(
    ("stored_name", "download_name", "data", "expected_type"),
    [
        ("a.pdf", "Справка о доходах.pdf", files.PDF, "application/pdf"),
        ("evil.html", "evil.html", files.HTML, "application/octet-stream"),
        ("evil.svg", "рисунок.svg", files.SVG, "application/octet-stream"),
        ("a.txt", "note.txt", files.TXT, "text/plain; charset=utf-8"),
    ],
)
def test_served_files_are_attachments_never_rendered(
    stored_name, download_name, data, expected_type
):
    field_file = _stored(stored_name, data)
    request = RequestFactory().get("/download/")
    response = serve_attachment(request, field_file, download_name)
    assert response["Content-Type"] == expected_type
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''" in disposition
    assert "inline" not in disposition
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == data
    field_file.close()


def test_content_disposition_carries_the_cyrillic_name_rfc5987():
    from urllib.parse import unquote

    field_file = _stored("x.pdf", files.PDF)
    response = serve_attachment(RequestFactory().get("/"), field_file, 'Ответ "№5"\r\n.pdf')
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "Ответ _№5_.pdf"
    ascii_part = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert ascii_part.isascii()
    field_file.close()
