"""Uploaded files: what is accepted, how it is named and how it is served back.

Every app that takes a file from a user (case attachments, clients' photos and copies of
documents, KB documents) validates it here. A file is accepted only when

- its extension is on the allow-list (images, PDF, office documents, plain text),
- its content, recognised by magic bytes (`filetype`), is the kind its extension
  declares (text formats: decodable text without NUL bytes and not HTML/SVG markup),
- it is not larger than settings.UPLOAD_MAX_BYTES (20 MB by default).

Files are served back only through `serve_attachment`: always as a download, never
rendered by the browser, so a file that slipped through cannot run script in our origin."""

from __future__ import annotations

import io
import os
import re
import unicodedata
import urllib.parse
import zipfile
from dataclasses import dataclass

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp")
DOCUMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "rtf")
TEXT_EXTENSIONS = ("txt", "csv")
ALLOWED_EXTENSIONS = IMAGE_EXTENSIONS + DOCUMENT_EXTENSIONS + TEXT_EXTENSIONS

# extension -> the content type it is served with. Nothing here renders as active content.
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "csv": "text/csv",
}
# What `filetype` reports for a file of each allowed extension.
DETECTED_AS = {
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "png": {"png"},
    "gif": {"gif"},
    "webp": {"webp"},
    "pdf": {"pdf"},
    "doc": {"doc"},
    "xls": {"xls"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "odt": {"odt"},
    "ods": {"ods"},
    "rtf": {"rtf"},
}
# Old binary Office files are OLE2 compound files; `filetype` recognises only the common
# layouts of .doc/.xls, so an unrecognised compound file is accepted for those two.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The member that identifies each zipped office format.
ZIP_MARKERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
}
ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}

EXECUTABLE_EXTENSIONS = {
    "exe", "com", "bat", "cmd", "msi", "msp", "scr", "pif", "dll", "sys", "cpl", "js", "jse",
    "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "sh", "bash", "jar", "apk", "app", "elf",
    "bin", "run", "lnk", "hta", "reg", "py", "pl", "php", "dmg", "deb", "rpm",
}  # fmt: skip
ARCHIVE_EXTENSIONS = {"zip", "rar", "7z", "gz", "tgz", "bz2", "xz", "tar", "cab", "arj", "zst"}
MARKUP_EXTENSIONS = {"html", "htm", "xhtml", "shtml", "mht", "mhtml", "xml", "svg", "svgz", "xsl"}
EXECUTABLE_KINDS = {"exe", "elf", "macho", "dex", "class", "wasm", "dmg", "deb", "rpm", "msi"}
ARCHIVE_KINDS = {"zip", "rar", "7z", "gz", "bz2", "xz", "tar", "cab", "zst", "lz", "ar", "Z"}

# Leading markup a browser would sniff as HTML or SVG, in a file that claims to be text.
MARKUP_START = re.compile(
    rb"^\s*<(?:!doctype\s+html|html|head|body|script|svg|\?xml|iframe|object|embed|img|a\s)",
    re.IGNORECASE,
)


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def extension_of(name: str) -> str:
    """The last extension of `name`, lower-case, without the dot ('' if none)."""
    base = re.split(r"[\\/]", name or "")[-1]
    _root, ext = os.path.splitext(base)
    return ext[1:].lower()


@dataclass(frozen=True)
class UploadInfo:
    extension: str
    content_type: str
    size: int


def _read_all(file) -> bytes:
    """The file's bytes, leaving its position at the start (Django re-reads it on save)."""
    if hasattr(file, "open") and getattr(file, "closed", False):
        file.open("rb")
    if hasattr(file, "seek"):
        file.seek(0)
    data = b"".join(file.chunks()) if hasattr(file, "chunks") else file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data


def _size_of(file) -> int | None:
    size = getattr(file, "size", None)
    try:
        return int(size) if size is not None else None
    except (TypeError, ValueError, OSError):
        return None


def _refuse_extension(ext: str) -> ValidationError:
    if ext in {"svg", "svgz"}:
        return ValidationError(
            _(
                "SVG images are not accepted: they can contain scripts. "
                "Save the image as PNG or JPEG and attach it again."
            ),
            code="svg",
        )
    if ext in MARKUP_EXTENSIONS:
        return ValidationError(
            _(
                "Web pages and HTML/XML files are not accepted. "
                "Save the page as PDF and attach it again."
            ),
            code="html",
        )
    if ext in EXECUTABLE_EXTENSIONS:
        return ValidationError(
            _("Programs and scripts are not accepted (.%(ext)s files)."),
            code="executable",
            params={"ext": ext},
        )
    if ext in ARCHIVE_EXTENSIONS:
        return ValidationError(
            _("Archives are not accepted (.%(ext)s). Attach the documents one by one."),
            code="archive",
            params={"ext": ext},
        )
    if not ext:
        return ValidationError(
            _("The file has no extension. Allowed types: %(allowed)s."),
            code="extension",
            params={"allowed": ", ".join(ALLOWED_EXTENSIONS)},
        )
    return ValidationError(
        _("Files of type .%(ext)s are not accepted. Allowed types: %(allowed)s."),
        code="extension",
        params={"ext": ext, "allowed": ", ".join(ALLOWED_EXTENSIONS)},
    )


def _refuse_content(ext: str, detected: str | None, head: bytes) -> ValidationError:
    if detected in EXECUTABLE_KINDS or head.startswith((b"MZ", b"\x7fELF", b"#!")):
        return ValidationError(
            _("The file is a program, not a .%(ext)s document; it is not accepted."),
            code="executable",
            params={"ext": ext},
        )
    if MARKUP_START.match(head.lstrip(b"\xef\xbb\xbf")):
        if b"<svg" in head[:2048].lower():
            return ValidationError(
                _("The file is an SVG image, not a .%(ext)s file; SVG is not accepted."),
                code="svg",
                params={"ext": ext},
            )
        return ValidationError(
            _("The file is a web page (HTML), not a .%(ext)s file; it is not accepted."),
            code="html",
            params={"ext": ext},
        )
    if detected in ARCHIVE_KINDS:
        return ValidationError(
            _("The file is an archive, not a .%(ext)s document; archives are not accepted."),
            code="archive",
            params={"ext": ext},
        )
    return ValidationError(
        _(
            "The file content does not match its extension .%(ext)s. "
            "Check that it is a real .%(ext)s file and attach it again."
        ),
        code="mismatch",
        params={"ext": ext},
    )


def _is_text(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return False
        return "\x00" not in text
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _zip_member_check(ext: str, data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if ext in ZIP_MARKERS:
                return ZIP_MARKERS[ext] in names and "[Content_Types].xml" in names
            if ext in ODF_MIMETYPES:
                return (
                    "mimetype" in names and archive.read("mimetype").strip() == ODF_MIMETYPES[ext]
                )
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    return False


def validate_upload(file, *, allowed=None, max_bytes: int | None = None) -> UploadInfo:
    """Check an uploaded file; raise ValidationError (Russian message) or return what
    it is. `allowed` narrows the allow-list (e.g. IMAGE_EXTENSIONS), never widens it.
    Works with Django's UploadedFile, File and FieldFile; leaves the file at position 0."""
    allowed_set = set(ALLOWED_EXTENSIONS if allowed is None else allowed) & set(ALLOWED_EXTENSIONS)
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    name = getattr(file, "name", "") or ""
    ext = extension_of(name)
    if ext not in allowed_set:
        raise _refuse_extension(ext)

    size = _size_of(file)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    data = _read_all(file)
    if len(data) > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(len(data)), "limit": filesizeformat(limit)},
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")

    head = data[:8192]
    kind = filetype.guess(head)
    detected = kind.extension if kind else None

    if ext in TEXT_EXTENSIONS:
        if (
            detected is not None
            or not _is_text(data)
            or MARKUP_START.match(head.lstrip(b"\xef\xbb\xbf"))
        ):
            raise _refuse_content(ext, detected, head)
    elif ext in ZIP_MARKERS or ext in ODF_MIMETYPES:
        # Zipped formats: the magic bytes say "zip"; the members say which document.
        if detected not in DETECTED_AS[ext] | {"zip"} or not _zip_member_check(ext, data):
            raise _refuse_content(ext, detected, head)
    elif ext in {"doc", "xls"}:
        if not (detected in DETECTED_AS[ext] or (detected is None and head.startswith(OLE2_MAGIC))):
            raise _refuse_content(ext, detected, head)
    elif detected not in DETECTED_AS[ext]:
        raise _refuse_content(ext, detected, head)

    return UploadInfo(extension=ext, content_type=CONTENT_TYPES[ext], size=len(data))


@deconstructible
class UploadValidator:
    """`validators=[UploadValidator()]` on a model FileField or a form field.
    `allowed` narrows the allow-list; `max_bytes` overrides UPLOAD_MAX_BYTES."""

    def __init__(self, allowed=None, max_bytes: int | None = None):
        self.allowed = tuple(allowed) if allowed is not None else None
        self.max_bytes = max_bytes

    def __call__(self, file) -> None:
        validate_upload(file, allowed=self.allowed, max_bytes=self.max_bytes)

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, UploadValidator)
            and self.allowed == other.allowed
            and self.max_bytes == other.max_bytes
        )

    def __hash__(self) -> int:
        return hash((self.allowed, self.max_bytes))


class SafeFileField(forms.FileField):
    """A form file field that validates the upload and sanitises its name."""

    def __init__(self, *args, allowed=None, max_bytes=None, **kwargs):
        self.upload_validator = UploadValidator(allowed=allowed, max_bytes=max_bytes)
        kwargs.setdefault("validators", []).append(self.upload_validator)
        super().__init__(*args, **kwargs)
        exts = self.upload_validator.allowed or ALLOWED_EXTENSIONS
        self.widget.attrs.setdefault("accept", ",".join(f".{e}" for e in exts))

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "name"):
            value.name = safe_filename(value.name)
        return value


# Characters Windows refuses in names, and path separators everywhere.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])$", re.IGNORECASE)


def safe_filename(name: str | None, max_length: int = 120) -> str:
    """A name that is safe to store and to send in Content-Disposition: the last path
    component only, no control or bidi-override characters, no characters forbidden on
    Windows, no leading dots, not a reserved device name, at most `max_length`
    characters with the extension kept (lower-case). Cyrillic and spaces are kept."""
    value = unicodedata.normalize("NFC", str(name or ""))
    value = re.split(r"[\\/]", value)[-1]
    value = _CONTROL.sub("", value)
    value = _FORBIDDEN.sub("_", value)
    value = re.sub(r"\s+", " ", value).strip(" .")
    stem, ext = os.path.splitext(value)
    ext = ext.lower()
    if len(ext) > 10 or not re.fullmatch(r"\.[0-9a-z]*", ext):
        stem, ext = value, ""
    stem = stem.strip(" .")
    if not stem or _WINDOWS_RESERVED.match(stem):
        stem = f"file_{stem}" if stem else "file"
    stem = stem[: max(1, max_length - len(ext))].rstrip(" .") or "file"
    return f"{stem}{ext}"


def content_type_for(filename: str) -> str:
    """The content type to serve `filename` with: one of CONTENT_TYPES, never a type a
    browser renders as a page or script (HTML, SVG, XML, JavaScript)."""
    content_type = CONTENT_TYPES.get(extension_of(filename), "application/octet-stream")
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    return content_type


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266/5987)."""
    name = safe_filename(filename)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).strip() or "file"
    if ascii_name.startswith(".") or ascii_name == os.path.splitext(name)[1]:
        ascii_name = "file" + ascii_name
    quoted = urllib.parse.quote(name, safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"


def serve_attachment(request, file_field, filename: str | None = None) -> FileResponse:
    """Serve a stored file as a download. The caller has already checked that
    request.user may see it. The response is never rendered inline by a browser:
    Content-Disposition: attachment, X-Content-Type-Options: nosniff, a content type
    from the allow-list (unknown → application/octet-stream) and a CSP that forbids
    any script or embedded content should the browser render it anyway."""
    filename = safe_filename(filename or os.path.basename(file_field.name))
    file_field.open("rb")
    response = FileResponse(file_field, content_type=content_type_for(filename))
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def describe_limits() -> str:
    """A one-line Russian hint for upload forms: allowed types and the size limit."""
    return _gettext("Allowed: %(allowed)s; up to %(limit)s.") % {
        "allowed": ", ".join(ALLOWED_EXTENSIONS),
        "limit": filesizeformat(max_upload_bytes()),
    }


def _document_form():
    from wagtail.documents.forms import BaseDocumentForm

    class DocumentForm(BaseDocumentForm):
        """Wagtail's document form (WAGTAILDOCS_DOCUMENT_FORM_BASE) with the content
        check: a renamed executable or web page is refused, not only a wrong extension."""

        def clean_file(self):
            file = self.cleaned_data.get("file")
            if file and hasattr(file, "content_type"):  # a new upload, not the stored file
                allowed = [
                    e
                    for e in getattr(settings, "WAGTAILDOCS_EXTENSIONS", ALLOWED_EXTENSIONS)
                    if e in ALLOWED_EXTENSIONS
                ]
                validate_upload(file, allowed=allowed)
            return file

    return DocumentForm


def __getattr__(name):
    # Built on first use: this module is imported by models, before Wagtail's admin forms
    # can be.
    if name == "DocumentForm":
        form = _document_form()
        globals()["DocumentForm"] = form
        return form
    raise AttributeError(name)
