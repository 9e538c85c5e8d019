"""The admin's document form (WAGTAILDOCS_DOCUMENT_FORM_BASE): intranet's upload checks,
and the rule that a document a live page uses keeps its approved file and title
(kb.attachments). Imported by Wagtail when it builds the form, after the apps are ready."""

from django.utils.translation import gettext as _

from intranet.uploads import DocumentForm as UploadDocumentForm

from .attachments import live_page_using

# What readers see of an attachment: the file and its name.
LOCKED_FIELDS = ("file", "title")


class DocumentForm(UploadDocumentForm):
    """Refuses a new file or a new title for a document a live page uses, for every
    user (administrators too: a published file changes only through an approved
    revision). Tags and the collection may still change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.live_page = live_page_using(self.instance) if self.instance.pk else None
        if self.live_page is not None:
            for name in LOCKED_FIELDS:
                if name in self.fields:
                    self.fields[name].help_text = self.refusal()

    def refusal(self) -> str:
        return _(
            "This document is attached to the published article «%(article)s»: readers "
            "get it as the unit's head approved it, so its file and title cannot be "
            "changed here. Upload the new version into the article's draft (the "
            "«Attachments» block of the article's editor, «Choose another document», the "
            "«Upload» tab) and send the draft for approval: readers get the new file once "
            "the head approves it."
        ) % {"article": self.live_page.title}

    def clean(self):
        cleaned_data = super().clean()
        if self.live_page is not None:
            for name in LOCKED_FIELDS:
                if name in self.fields and name in self.changed_data:
                    self.add_error(name, self.refusal())
        return cleaned_data
