"""Text from the archive made safe to print on a terminal.

Titles and bodies are whatever the boards printed: an escape sequence in one (an OSC
`ESC ] 0 ; … BEL` retitling the window, a CSI clearing the screen, a bare carriage return
overwriting the line) would act on the reader's terminal. `printable` removes them; JSON output
keeps the text whole, with every control character escaped (`json_text`).
"""

from __future__ import annotations

import json
import re
from typing import Any

# ESC-introduced sequences and their 8-bit (C1) forms, longest first:
SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"                   # CSI: ESC [ params intermediates final
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])"           # OSC, DCS, SOS, PM, APC strings...
    r"[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"               # ...up to BEL or ST
    r"|\x1b[ -/]*[0-~]"                                   # any other escape (ESC 7, ESC ( B, ESC ])
)
# What is left of them, and every other C0 and C1 control but tab and newline (DEL too).
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# JSON escapes C0 controls itself; these it would leave as they are (ensure_ascii=False).
_UNESCAPED_IN_JSON = re.compile(r"[\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` without terminal control: escape sequences and control characters removed, tab
    and newline kept. An unterminated OSC loses only its introducer: what follows is plain text."""
    return CONTROLS.sub("", SEQUENCES.sub("", text))


def json_text(value: Any, **options: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, ...)` with the C1 controls and DEL escaped too, so
    JSON on a terminal is inert and still reads back to the same text."""
    return _UNESCAPED_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}",
                                  json.dumps(value, ensure_ascii=False, **options))
