"""Reading state board licence rosters (CSV open data) for `import_roster`.

Boards publish rosters with their own column names. A RosterFormat maps them to
what the import needs; `--column field=Header` overrides any of them.
"""

import csv
import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RosterFormat:
    number: str
    first_name: str
    last_name: str
    status: str
    expires: str
    discipline: tuple[str, ...] = ()
    licence_type: str = ""
    licence_types: tuple[str, ...] = ()  # keep only these values of licence_type
    active_statuses: tuple[str, ...] = ("active",)
    date_formats: tuple[str, ...] = ("%m/%d/%Y", "%Y-%m-%d")
    full_name: str = ""  # when the roster has one "Last, First" column instead
    # What the public profile names as the board status's source
    # ("Active, no public discipline, per the Colorado roster (DORA open data)");
    # `import_roster --source` gives it for other rosters.
    source: str = ""


FORMATS = {
    # Colorado's "Professional and Occupational Licenses" open data set (DORA),
    # filtered to massage therapists.
    "colorado": RosterFormat(
        number="License Number",
        first_name="First Name",
        last_name="Last Name",
        status="License Status Description",
        expires="License Expiration Date",
        discipline=("Case Number", "Program Action"),
        licence_type="License Type",
        licence_types=("MT", "Massage Therapist"),
        source="Colorado roster (DORA open data)",
    ),
    # A plain roster: number, first_name, last_name, status, expires, discipline.
    "generic": RosterFormat(
        number="number",
        first_name="first_name",
        last_name="last_name",
        status="status",
        expires="expires",
        discipline=("discipline",),
    ),
}


# Board statuses that are themselves a disciplinary action (a revoked or
# suspended licence, probation), whatever the roster's discipline columns say.
DISCIPLINARY_STATUSES = ("revoked", "suspended", "probation", "surrender", "restrict")


@dataclass
class RosterRow:
    line: int
    number: str
    first_name: str
    last_name: str
    status: str
    expires: datetime.date | None
    discipline: str
    problems: list[str] = field(default_factory=list)
    # Whether the board status is one the roster's format calls active.
    active: bool = True

    @property
    def disciplined(self) -> bool:
        """Whether the board shows disciplinary action on this licence."""
        status = self.status.casefold()
        return bool(self.discipline) or any(
            word in status for word in DISCIPLINARY_STATUSES
        )

    def lapsed(self, today: datetime.date) -> bool:
        """Whether the board does not show the licence as current on that day."""
        return not self.active or (self.expires is not None and self.expires < today)


class MalformedRow(ValueError):
    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def normalise_number(number: str) -> str:
    """Licence numbers compare without case, spaces or punctuation."""
    return re.sub(r"[^0-9A-Z]", "", number.upper())


def normalise_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if c.isalpha() or c.isspace())
    return " ".join(letters.casefold().split())


def names_match(roster_first: str, roster_last: str, candidates: list[str]) -> bool:
    """Same last name and same first initial, against any of the site's names."""
    last = normalise_name(roster_last)
    first = normalise_name(roster_first)
    for candidate in candidates:
        words = normalise_name(candidate).split()
        if not words or not last:
            continue
        joined = " ".join(words)
        if (last in joined.split() or joined.endswith(last)) and (
            not first or words[0][:1] == first[:1]
        ):
            return True
    return False


def parse_date(value: str, formats: tuple[str, ...]) -> datetime.date | None:
    value = value.strip()
    if not value:
        return None
    for date_format in formats:
        try:
            return datetime.datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable date {value!r}")


def missing_columns(headers: Iterable[str] | None, fmt: RosterFormat) -> list[str]:
    """The columns the format needs that a header row lacks, alphabetically."""
    needed = {fmt.number, fmt.status, fmt.expires}
    needed |= {fmt.full_name} if fmt.full_name else {fmt.first_name, fmt.last_name}
    return sorted(needed - set(headers or []))


def read_roster(handle, fmt: RosterFormat) -> Iterator[RosterRow | MalformedRow]:
    """Yield each usable row, or a MalformedRow saying why a row was skipped."""
    reader = csv.DictReader(handle)
    missing = missing_columns(reader.fieldnames, fmt)
    if missing:
        raise ValueError(f"the file has no column {', '.join(missing)}")
    for row in reader:
        line = reader.line_num
        try:
            if None in row:
                raise ValueError("more values than columns")
            if fmt.licence_types and (
                row.get(fmt.licence_type, "").strip() not in fmt.licence_types
            ):
                continue
            number = normalise_number(row.get(fmt.number) or "")
            if not number:
                raise ValueError("no licence number")
            if fmt.full_name:
                last, _, first = (row.get(fmt.full_name) or "").partition(",")
            else:
                first, last = (
                    row.get(fmt.first_name) or "",
                    row.get(fmt.last_name) or "",
                )
            status = (row.get(fmt.status) or "").strip()
            expires = parse_date(row.get(fmt.expires) or "", fmt.date_formats)
        except (ValueError, TypeError) as error:
            yield MalformedRow(line, str(error))
            continue
        discipline = "; ".join(
            (row.get(column) or "").strip()
            for column in fmt.discipline
            if (row.get(column) or "").strip()
        )
        parsed = RosterRow(
            line,
            number,
            first.strip(),
            last.strip(),
            status,
            expires,
            discipline,
            active=status.casefold() in fmt.active_statuses,
        )
        if not parsed.active:
            parsed.problems.append(f"board status is “{status or 'blank'}”")
        if discipline:
            parsed.problems.append(f"disciplinary action on record ({discipline})")
        yield parsed
