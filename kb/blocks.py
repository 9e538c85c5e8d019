"""StreamField blocks of knowledge-base articles: the shared blocks plus numbered steps,
questions and answers, and tables. Headings carry anchors for the table of contents."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock

from intranet.blocks import BaseStreamBlock, HeadingBlock

INLINE_FEATURES = ["bold", "italic", "link", "document-link"]
TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class ArticleHeadingBlock(HeadingBlock):
    """A heading with a stable anchor (the stream block id) for the table of contents.
    Cyrillic headings slugify to an empty string, so the text cannot be the anchor."""

    class Meta:
        icon = "title"
        label = _("heading")
        template = "kb/blocks/heading_block.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"))
    text = blocks.RichTextBlock(
        label=_("details"), features=INLINE_FEATURES + ["ul"], required=False
    )

    class Meta:
        icon = "list-ol"
        label = _("step")


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False)
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("numbered steps")
        template = "kb/blocks/steps_block.html"


class QuestionAnswerBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"))
    answer = blocks.RichTextBlock(label=_("answer"), features=TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("question and answer")
        template = "kb/blocks/question_answer_block.html"


class ArticleTableBlock(TableBlock):
    class Meta:
        icon = "table"
        label = _("table")


class ArticleBodyBlock(BaseStreamBlock):
    """Article body. Plain text has no heading feature: headings are blocks, so that
    the table of contents can list and link them."""

    heading = ArticleHeadingBlock()
    paragraph = blocks.RichTextBlock(label=_("text"), features=TEXT_FEATURES)
    steps = StepsBlock()
    qa = QuestionAnswerBlock()
    table = ArticleTableBlock(
        table_options={"startRows": 3, "startCols": 3, "colHeaders": False, "rowHeaders": False}
    )
