"""Reading rendered pages in tests: the parsed page of a response, and an element's text
as a reader sees it (whitespace collapsed)."""

from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:
    """The page of a 200 response, parsed."""
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())
