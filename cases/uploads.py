"""Attachments sent with a message: which files are accepted and how they are stored.

Files go to MEDIA_ROOT under a random name (``cases.models.attachment_path``) and are
served only by ``cases.views.attachment_download`` after a visibility check. A file
uploaded with a form that then failed validation is kept (an Attachment without a case)
so the client does not have to attach it again; ``cases.tasks`` removes the ones left
behind."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError

from cases.models import Attachment
from intranet import uploads as shared
from intranet.keys import key_from

DEFAULT_EXTENSIONS = [
    "pdf", "jpg", "jpeg", "png", "gif", "heic", "tif", "tiff",
    "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "sig",
]  # fmt: skip


def allowed_extensions() -> list[str]:
    return list(getattr(settings, "CASES_ATTACHMENT_EXTENSIONS", DEFAULT_EXTENSIONS))


def max_size() -> int:
    return int(getattr(settings, "CASES_ATTACHMENT_MAX_SIZE", 20 * 1024 * 1024))


def max_count() -> int:
    return int(getattr(settings, "CASES_ATTACHMENT_MAX_COUNT", 10))


def validate_upload(upload):
    """Raise ValidationError, naming the file, if `upload` cannot be accepted: the
    shared check of intranet.uploads (allow-list, content matching the extension by its
    magic bytes, size), narrowed by CASES_ATTACHMENT_EXTENSIONS. Returns its UploadInfo."""
    name = os.path.basename(upload.name or "")
    allowed = [e for e in allowed_extensions() if e in shared.ALLOWED_EXTENSIONS]
    try:
        return shared.validate_upload(upload, allowed=allowed, max_bytes=max_size())
    except ValidationError as exc:
        raise ValidationError(
            [f"“{name}”: {message}" for message in exc.messages], code="file"
        ) from exc


def store(upload, user) -> Attachment:
    """Save one validated upload to disk, not yet linked to a case."""
    info = validate_upload(upload)
    name = shared.safe_filename(upload.name)
    attachment = Attachment(
        original_name=name[:255],
        content_type=info.content_type,
        size=upload.size,
        uploaded_by=user if user is not None and user.is_authenticated else None,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def kept_for(user, ids) -> list[Attachment]:
    """The user's own uploads that are not linked to a case yet, among `ids`."""
    clean = [key for key in map(key_from, ids) if key is not None]
    if not clean or not user.is_authenticated:
        return []
    return list(Attachment.objects.filter(pk__in=clean, uploaded_by=user, case__isnull=True))
