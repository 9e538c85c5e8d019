from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"))
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", "H2"), ("h3", "H3"), ("h4", "H4")],
        default="h2",
        search_index=False,  # "H2" is not a word of the text
    )

    class Meta:
        icon = "title"
        label = _("heading")
        template = "blocks/heading_block.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("info", _("Information")), ("warning", _("Warning")), ("tip", _("Tip"))],
        default="info",
        search_index=False,  # a style, not a word of the text
    )
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "warning"
        label = _("callout")
        template = "blocks/callout_block.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("document link")
        template = "blocks/document_link_block.html"


class BaseStreamBlock(blocks.StreamBlock):
    """The blocks every content page may use; the KB extends it with its own."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("text"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"],
    )
    callout = CalloutBlock()
    image = ImageBlock(label=_("image"))
    document = DocumentLinkBlock()
