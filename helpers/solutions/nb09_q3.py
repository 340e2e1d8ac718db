"""Worked solution of notebook 09, exercise 3 (q3); it sets `answer`."""
import re

MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
         r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
PATTERNS = [
    r"\b(?:Mr|Mrs|Ms|Dr)\.? [A-Z][a-z]+",            # titled names
    r"\b\d{1,2}/\d{1,2}/\d{4}\b",                    # 03/14/2024
    r"\b\d{4}-\d{2}-\d{2}\b",                        # 2024-03-14
    rf"\b\d{{1,2}} {MONTH} \d{{4}}\b",               # 14 Mar 2024
    rf"\b{MONTH} \d{{1,2}}\b",                       # March 14
    r"\bMRN:? ?\d{6,}",                              # MRN 1234567, MRN: 1234567
    r"#\d{6,}",                                      # #1234567
]


def find_identifiers(text):
    """(start, end) of every identifier the patterns find in ``text``."""
    return [match.span() for pattern in PATTERNS for match in re.finditer(pattern, text)]


answer = find_identifiers
