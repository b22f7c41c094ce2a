"""The log formatter of every handler: a last line of defence against a BSN in a log line.

Our code logs ids and counts only (docs/security.md, `REVIEWED_LOG_CALLS`), and the test
run fails when a test person's name or BSN reaches a log record (tests/pii_scanner.py). A
library's log line may still carry what it was given (an exception message with a
parameter, a URL), so the formatter masks every run of nine digits that passes the BSN
11-test ("elfproef") in the formatted text, tracebacks included. It works on the formatted
string only and never changes the record, so other handlers see the record as it was.
Names cannot be recognised this way; keeping them out is the job of the rule and the scan.
"""

import logging
import re

NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")
MASK = "[BSN verborgen]"


def passes_elfproef(digits: str) -> bool:
    """The BSN 11-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (and not 0)."""
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total != 0 and total % 11 == 0


def mask_bsns(text: str) -> str:
    return NINE_DIGITS.sub(lambda m: MASK if passes_elfproef(m.group()) else m.group(), text)


class PersonalDataFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_bsns(super().format(record))
