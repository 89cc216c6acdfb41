"""XML from outside, checked as a stream by defusedxml before any other parser sees it.

No DTD and no entity declaration anywhere in the document (not only in its first bytes: a DOCTYPE
after a 5 KB comment passed the old prefix sniff), nothing external, well-formed. Elements are
cleared as they are read, so memory stays flat however large the part is."""

from __future__ import annotations

from annotator.files.lines import ByteStream


class XmlInputError(ValueError):
    """``unsafe``: a DTD, an entity or an external reference; otherwise malformed XML."""

    def __init__(self, detail: str, *, unsafe: bool) -> None:
        self.detail = detail
        self.unsafe = unsafe
        super().__init__(detail)


def check_xml(stream: ByteStream) -> None:
    """Read all of ``stream``; raise ``XmlInputError`` saying what is wrong with it."""
    from defusedxml import DefusedXmlException  # noqa: PLC0415 (10 ms, only when XML is checked)
    from defusedxml.ElementTree import ParseError, iterparse  # noqa: PLC0415 (10 ms, only when XML is checked)

    try:
        for _event, element in iterparse(stream, forbid_dtd=True, forbid_entities=True, forbid_external=True):
            element.clear()
    except DefusedXmlException as exc:
        raise XmlInputError(f"declares an XML DTD or entity ({type(exc).__name__}), which is how entity-expansion "
                            "bombs arrive", unsafe=True) from None
    except ParseError as exc:
        raise XmlInputError(f"is not well-formed XML ({exc})", unsafe=False) from None
