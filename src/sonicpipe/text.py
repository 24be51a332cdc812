"""The text side of the pipeline: raw text in, segments ready for Sonic out."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sonicpipe.config import Settings
from sonicpipe.controls import Defaults, Rendered, render
from sonicpipe.model import MARK_CHARS, MARK_RE, Document, Segment
from sonicpipe.plugins import PluginError, PluginHost

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SPLIT_HOOK = "sonicpipe_split_sentences"
NOT_SENTENCES = ", not a list of sentences (str)"
# What a segment needs to be sent: a word or number, or a mark (a break, a <<phoneme>> word).
# Punctuation alone ("...", "?!") has nothing for a voice to say.
SAYS_SOMETHING = re.compile(rf"[\w{MARK_CHARS}]")


def lost_at(sentences: Sequence[str], text: str) -> int | None:
    """Where in ``text`` the first non-space character lies that ``sentences``, joined, do not
    hold in order; None when they hold them all."""
    if "".join("".join(sentences).split()) == "".join(text.split()):
        return None  # the splitter's usual answer: every character, cut only at spaces
    joined = iter("".join(sentences))
    for index, char in enumerate(text):
        if not char.isspace() and char not in joined:  # consumes ``joined`` up to ``char``
            return index
    return None


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
        if not isinstance(text, str):
            hint = " (decode bytes first)" if isinstance(text, bytes | bytearray) else ""
            raise TypeError(f"the text to speak must be a str, not {type(text).__name__}{hint}")
        doc = Document(text, language=self.settings.language, source=source)
        self._run("sonicpipe_clean_text", doc, doc=doc)
        cleaned = doc.text
        self._run("sonicpipe_normalize_text", doc, doc=doc)
        self._check_kept(cleaned, doc, "sonicpipe_normalize_text")
        return doc

    def _run(self, hook: str, target: Document | Segment, **kwargs: object) -> None:
        """Call ``hook`` on ``target``; a text it leaves that is not a str is a
        :class:`PluginError` naming the plugin, also when a later plugin of the hook fails
        on it first."""
        try:
            getattr(self.host.hook, hook)(settings=self.settings, **kwargs)
        except Exception as exc:
            if isinstance(target.text, str):
                raise
            raise self._not_text(target, hook) from exc
        if not isinstance(target.text, str):
            raise self._not_text(target, hook)

    def _not_text(self, target: Document | Segment, hook: str) -> PluginError:
        who = self.host.made_by(target, hook)
        return PluginError(f"{who}: {hook} left a {type(target.text).__name__} as the text")

    def split(self, paragraph: str) -> list[str]:
        """Run stage 3 on one paragraph (the whole paragraph if no splitter answers). A
        splitter that answers anything but sentences that hold all of the paragraph is a
        :class:`PluginError` naming it: text it lost would go unsaid without a word."""
        sentences = self.host.hook.sonicpipe_split_sentences(
            text=paragraph, language=self.settings.language, settings=self.settings
        )
        if sentences is None:
            return [paragraph]
        kind = type(sentences).__name__
        if not isinstance(sentences, list | tuple):
            raise self._split_error(sentences, f"returned a {kind}{NOT_SENTENCES}")
        if odd := [s for s in sentences if not isinstance(s, str)]:
            held = type(odd[0]).__name__
            raise self._split_error(sentences, f"returned a {kind} holding a {held}{NOT_SENTENCES}")
        if (lost := lost_at(sentences, paragraph)) is not None:
            raise self._split_error(
                sentences,
                f"lost the paragraph's text from {paragraph[lost : lost + 40]!r}; the sentences, "
                "joined, hold every non-space character of the paragraph in order",
            )
        return [s.strip() for s in sentences if s.strip()]

    def _check_kept(self, before: str, refined: Document | Segment, hook: str) -> None:
        """After ``hook`` rewrote ``before`` into ``refined.text`` (a str): the text holds
        every mark placeholder of ``before`` in order (each is an author's control); else a
        :class:`PluginError` naming the plugin."""
        placeholders = MARK_RE.findall(before)  # most texts have none
        kept = iter(MARK_RE.findall(refined.text) if placeholders else ())
        for placeholder in placeholders:
            if placeholder not in kept:  # consumes ``kept`` up to ``placeholder``
                mark = refined.marks.get(placeholder)
                shown = mark.source or f"{mark.kind} {mark.value}"
                raise PluginError(
                    f"{self.host.made_by(refined, hook)}: {hook} dropped the mark of "
                    f"{shown!r} from the text; mark placeholders must be kept"
                )

    def _split_error(self, sentences: object, problem: str) -> PluginError:
        who = self.host.made_by(sentences, SPLIT_HOOK)
        return PluginError(f"{who}: {SPLIT_HOOK} {problem}")

    def prepare(self, text: str, source: str = "<text>", first_index: int = 0) -> list[Segment]:
        """Run the whole text chain; return the segments in order, refined by stage 4."""
        doc = self.clean(text, source)
        return self.refined(doc, self.sentences(paragraphs(doc.text)), first_index)

    def sentences(self, cleaned: list[str]) -> list[tuple[int, str]]:
        """Stage 3 on the paragraphs of a cleaned document: (paragraph number, sentence)."""
        return [
            (number, s) for number, paragraph in enumerate(cleaned) for s in self.split(paragraph)
        ]

    def refined(
        self, doc: Document, sentences: list[tuple[int, str]], first_index: int = 0
    ) -> list[Segment]:
        """Stage 4: each of ``doc``'s ``sentences`` (:meth:`sentences`) refined into a
        segment, in order; a segment left with nothing to say (blank, or punctuation alone)
        is dropped."""
        segments: list[Segment] = []
        for number, sentence in sentences:
            segment = Segment(
                sentence,
                doc.marks,
                language=doc.language,
                index=first_index + len(segments),
                paragraph=number,
            )
            self._run("sonicpipe_refine_segment", segment, segment=segment)
            self._check_kept(sentence, segment, "sonicpipe_refine_segment")
            if SAYS_SOMETHING.search(segment.text):
                segments.append(segment)
        return segments

    def render(self, segment: Segment, in_force: Defaults | None = None) -> Rendered:
        """Render one segment for the configured model (transcript plus controls), with the
        controls ``in_force`` where it starts (default: the configured ones)."""
        return render(segment, self.settings.model, in_force or self.settings.controls)
