"""The text side of the pipeline: raw text in, segments ready for Sonic out."""

from __future__ import annotations

import re

from sonicpipe.config import Settings
from sonicpipe.controls import Defaults, Rendered, render
from sonicpipe.model import Document, Segment
from sonicpipe.plugins import PluginHost

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> list[str]:
    """Split cleaned text into paragraphs (blank-line separated), dropping empty ones."""
    return [p.strip() for p in PARAGRAPH_BREAK.split(text) if p.strip()]


class TextChain:
    """Runs the text hooks of a plugin host with one set of settings.

    >>> chain = TextChain()
    >>> [chain.render(s).transcript for s in chain.prepare("Dr. Smith paid $5.")]
    ['Doctor Smith paid five dollars.']
    """

    def __init__(self, settings: Settings | None = None, host: PluginHost | None = None) -> None:
        self.settings = settings or (host.settings if host else Settings())
        self.host = host or PluginHost(self.settings)

    def clean(self, text: str, source: str = "<text>") -> Document:
        """Run stages 1 and 2 (cleanup with markup, then normalization) on ``text``."""
        doc = Document(text, language=self.settings.language, source=source)
        self.host.hook.sonicpipe_clean_text(doc=doc, settings=self.settings)
        self.host.hook.sonicpipe_normalize_text(doc=doc, settings=self.settings)
        return doc

    def split(self, paragraph: str) -> list[str]:
        """Run stage 3 on one paragraph (the whole paragraph if no splitter is registered)."""
        sentences = self.host.hook.sonicpipe_split_sentences(
            text=paragraph, language=self.settings.language, settings=self.settings
        )
        return [s.strip() for s in (sentences or [paragraph]) if s.strip()]

    def prepare(self, text: str, source: str = "<text>", first_index: int = 0) -> list[Segment]:
        """Run the whole text chain; return the segments in order, refined by stage 4."""
        doc = self.clean(text, source)
        segments: list[Segment] = []
        for number, paragraph in enumerate(paragraphs(doc.text)):
            for sentence in self.split(paragraph):
                segment = Segment(
                    sentence,
                    doc.marks,
                    language=doc.language,
                    index=first_index + len(segments),
                    paragraph=number,
                )
                self.host.hook.sonicpipe_refine_segment(segment=segment, settings=self.settings)
                if segment.text.strip():
                    segments.append(segment)
        return segments

    def render(self, segment: Segment, in_force: Defaults | None = None) -> Rendered:
        """Render one segment for the configured model (transcript plus controls), with the
        controls ``in_force`` where it starts (default: the configured ones)."""
        return render(segment, self.settings.model, in_force or self.settings.controls)
