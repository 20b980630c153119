"""What the shortlist and compare tests read back from pages."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


def page(response) -> str:
    return response.content.decode()


@dataclass
class CompareTable:
    """The comparison table as text: the therapists heading the columns, and
    each row's label with its cells, left to right."""

    therapists: list[str] = field(default_factory=list)
    rows: dict[str, list[str]] = field(default_factory=dict)

    def cell(self, row: str, therapist: str) -> str:
        return self.rows[row][self.therapists.index(therapist)]

    def column(self, therapist: str) -> dict[str, str]:
        index = self.therapists.index(therapist)
        return {label: cells[index] for label, cells in self.rows.items()}


# Tags whose text reads as separate words from what surrounds it.
BLOCKS = {"br", "p", "li", "dt", "dd", "div", "ul", "dl"}


class _TableReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.table = None
        self.section = ""
        # While inside a th or td: (tag, scope, all text, text outside links,
        # text inside links).
        self.cell = None
        self.in_link = False
        self.row: list = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "compare-table" in (attrs.get("class") or ""):
            self.table = CompareTable()
        if self.table is None:
            return
        if tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td"):
            self.cell = (tag, attrs.get("scope", ""), [], [], [])
        elif tag == "a":
            self.in_link = True
        if tag in BLOCKS and self.cell:
            self._space()

    def handle_endtag(self, tag):
        if self.table is None:
            return
        if tag in BLOCKS and self.cell:
            self._space()
        if tag == "a":
            self.in_link = False
        elif tag in ("th", "td") and self.cell:
            kind, scope, *texts = self.cell
            self.row.append((kind, scope, *(_words(part) for part in texts)))
            self.cell = None
        elif tag == "tr":
            self._end_row()
        elif tag == "table":
            self.finished, self.table = self.table, None

    def handle_data(self, data):
        if self.table is not None and self.cell:
            self.cell[2].append(data)
            self.cell[4 if self.in_link else 3].append(data)

    def _space(self):
        for texts in self.cell[2:]:
            texts.append(" ")

    def _end_row(self):
        if self.section == "thead":
            # A column is headed by the link to the therapist's profile.
            self.table.therapists = [
                name for _, scope, _, _, name in self.row if scope == "col"
            ]
            return
        kind, scope, _, label, _ = self.row[0]
        assert (kind, scope) == ("th", "row"), "each row starts with its header"
        self.table.rows[label] = [text for _, _, text, _, _ in self.row[1:]]


def _words(texts: list[str]) -> str:
    return " ".join("".join(texts).split())


def compare_table(response) -> CompareTable | None:
    """The comparison table on a page, or None when there is none."""
    reader = _TableReader()
    reader.feed(page(response))
    return getattr(reader, "finished", None)
