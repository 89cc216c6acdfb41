"""``annotator formats``"""

from __future__ import annotations

import argparse

from annotator.cli.output import emit
from annotator.services.formats import EVENT_FORMATS, list_formats


def run(args: argparse.Namespace) -> int:
    infos = list_formats()
    lines = [f"{'format':12} {'read':5} {'write':5} {'text':5} {'extra':18} nesting"]
    for f in infos:
        extra = "-" if f.extra is None else f"{f.extra} ({'installed' if f.extra_installed else 'missing'})"
        lines.append(f"{f.name:12} {'yes' if f.can_read else 'no':5} {'yes' if f.can_write else 'no':5} "
                     f"{'yes' if f.carries_text else 'no':5} {extra:18} {f.nesting}")
    lines.append("")
    lines.append(f"event formats (export only; the events of the claims, in each dataset's own columns): "
                 f"{', '.join(EVENT_FORMATS)}")
    emit(args, {"formats": [f.to_json() for f in infos], "event_formats": list(EVENT_FORMATS)}, lines)
    return 0
