"""Every hook of sonicpipe: what it receives, what it returns, and where it runs.

A plugin is any module or object with functions named like the hooks below and marked with
:data:`hookimpl` (one named like a hook but not marked is an error, not silently skipped).
Hooks take keyword arguments, so an implementation may accept only the arguments it needs,
by name (``*args`` and ``**kwargs`` get nothing).
Built-in plugins (``sonicpipe.builtin.*``) use exactly this contract.

Three optional attributes describe a plugin to the host:

- ``sonicpipe_name``: its name (``sonicpipe_name = "censor"``), the one its options table
  (``[options.censor]``), ``disable`` and ``sonicpipe plugins`` use however it is registered;
  without it, an installed plugin is named by its entry point, a configured one by its
  reference, a Python one by its module (or ``module.Class``). A name another plugin has is
  an error. A plugin that reads ``settings.plugin_options(name)`` declares it, so that its
  table has one name however the plugin is registered.
- ``sonicpipe_options``: the keys its options table may hold (``sonicpipe_options =
  ("words",)``; empty: it takes no options). The host rejects any other key when it loads,
  naming the settings file, so a misspelt option cannot be ignored, and ``sonicpipe plugins``
  lists them. A plugin that declares none gets its table as it is; the values are the
  plugin's to check.
- ``__version__``: the version ``sonicpipe plugins`` shows for a plugin that is not installed
  (an installed one shows its distribution's).

A :class:`~sonicpipe.config.ConfigError` that a hook raises about its options reaches the
user led by the settings file's name. Any other exception out of a hook of yours reaches them
as a :class:`~sonicpipe.plugins.PluginError` naming your plugin and the hook, with the
exception's type and message and the last line of your hook's file it went through (the
exception itself, with its traceback, is the error's ``__cause__``). So does an answer
a hook does not take: a value returned by the hooks that work in place (``clean_text``,
``normalize_text``, ``refine_segment``), or an object without the methods of its protocol.

The text side runs in this order, once per text (or once per sentence of a streamed turn)::

    sonicpipe_clean_text  ->  sonicpipe_normalize_text  ->  sonicpipe_split_sentences
        ->  sonicpipe_refine_segment (per segment)  ->  rendered for the model

A text's hooks run one after the other in one thread, but not always the caller's: the async
API prepares a long text in a worker thread (a book, each chapter in one), and pipelines in
different threads prepare texts at the same time. A hook that keeps state between calls
guards it.

Within one hook, implementations run in pluggy's order: ``tryfirst`` ones, then the others,
then ``trylast`` ones; the most recently registered runs first among ``tryfirst`` ones and
among the others, but last among ``trylast`` ones. Plugins are registered in this order: the
built-ins, installed plugins by entry-point name (wherever they are installed), then
``plugins`` from settings, then Python ones. So a plugin of yours runs before the built-ins
that have the same mark, except with ``trylast``: after them. ``sonicpipe plugins`` prints
the order in force.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import pluggy

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np

    from sonicpipe.config import Settings
    from sonicpipe.model import Document, Segment

PROJECT = "sonicpipe"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- text, before segmentation ---------------------------------------------------------------


@hookspec
def sonicpipe_clean_text(doc: Document, settings: Settings) -> None:
    """Stage 1: clean ``doc.text`` in place.

    Lift author markup into marks (see :class:`sonicpipe.model.MarkTable`; the built-in
    ``markup`` plugin runs ``tryfirst`` so later hooks never see tags), then fix Unicode,
    quotes, whitespace, markdown, emoji, URLs. Leave paragraphs separated by one blank line.
    Raise an exception whose message names ``doc.source`` and the line for bad input.
    """


@hookspec
def sonicpipe_normalize_text(doc: Document, settings: Settings) -> None:
    """Stage 2: rewrite ``doc.text`` in place into words a narrator would say.

    Numbers, money, dates, times, units, abbreviations, symbols, for ``doc.language``. An
    implementation that does not know the language leaves the text alone. Mark placeholders
    must be kept where they are: one dropped (an author's control lost) is an error naming the
    plugin. Add controls of your own with ``doc.marks.add(Mark(...))``, which returns the
    placeholder to put in the text.
    """


@hookspec(firstresult=True)
def sonicpipe_split_sentences(text: str, language: str, settings: Settings) -> list[str] | None:
    """Stage 3: split one paragraph into sentences; the first non-None result wins.

    ``text`` holds no blank line (the built-in ``cleanup`` has also joined its single line
    breaks). The returned sentences, joined, must contain every non-space character of ``text``
    (mark placeholders included) in order; a result that is not a list of str, or that loses
    text, is an error naming the plugin. Return None to leave the paragraph to the next
    splitter (the built-in ``segment`` one is ``trylast``).
    """


@hookspec(firstresult=True)
def sonicpipe_sentence_stream(language: str, settings: Settings) -> SentenceStream | None:
    """Return a new streaming splitter for text arriving in fragments (LLM tokens).

    The first non-None result wins. Used by conversational turns before stage 1: it gets the
    text as fed (author markup, markdown and URLs as written), and each sentence it returns
    goes through stages 1 to 4 on its own. So a sentence must not cut author markup
    (``[...]``, ``<...>``, ``<<...>>``, or a paired tag from its close): the half of a tag
    would be read aloud or be an error (the built-in ``segment`` one keeps markup whole).
    """


# -- text, per segment -------------------------------------------------------------------------


@hookspec
def sonicpipe_refine_segment(segment: Segment, settings: Settings) -> None:
    """Stage 4: refine one segment in place (pronunciations, per-sentence controls).

    Runs on every segment after splitting; ``segment.text`` is one sentence. Replace words by
    marks (``segment.marks.add``, shared with the whole document; for IPA) or by plain text
    (sounds-like spellings); append to ``segment.notes`` for anything the user should see.
    The segment's mark placeholders must stay, in order, as in stage 2. A segment left blank
    is not sent.
    """


# -- audio -----------------------------------------------------------------------------------


@hookspec
def sonicpipe_audio_processor(settings: Settings) -> AudioProcessor | None:
    """Return a new processor for one audio stream, or None to stay out of it.

    Called once per stream; the processors returned form the chain, in hook call order.
    Each gets the previous one's output. A processor reads its options from
    ``settings.plugin_options(<its plugin name>)`` and returns None when it has nothing to
    do, so the default chain stays cheap. The built-ins run in this order: ``pauses``
    (``tryfirst``), ``resample``, ``loudness`` (``trylast``: its true-peak ceiling holds at
    the output rate). An unmarked processor of yours runs after ``pauses`` and before
    ``resample`` (at Sonic's rate); a ``trylast`` one after ``loudness``, past its ceiling.
    A processor's methods are called one at a time, in the stream's order, but not always
    in one thread: the async API hands large chunks, boundaries and the end of a stream to a
    worker thread, off the event loop.
    """


@hookspec(firstresult=True)
def sonicpipe_audio_writer(
    target: Path, sample_rate: int, settings: Settings
) -> AudioWriter | None:
    """Return a writer for the file ``target``, or None if its suffix is not yours.

    The first non-None result wins, so a plugin adds a format by answering for its suffix
    (and may replace a built-in one with ``tryfirst``). ``sample_rate`` is the rate of the
    samples the writer will get; writers read their options from
    ``settings.plugin_options(<their plugin name>)``. A render hands the writer a temporary
    name beside the file, with the same suffix (``out.part.au`` for ``out.au``), and renames
    it once ``close`` returns; when the render fails it calls ``close`` and deletes it, so a
    writer need not write atomically itself.
    """


class SentenceStream(Protocol):
    """A splitter fed text fragments; emits each sentence once its end is certain."""

    def feed(self, fragment: str) -> list[str]:
        """Add a fragment; return the sentences completed by it (maybe none)."""
        ...

    def flush(self) -> list[str]:
        """Return whatever is held now, as sentences: at the end of input, or mid-stream when
        the text pauses (``turn.flush()``); feeding may go on after it."""
        ...


class AudioProcessor(Protocol):
    """A stateful audio stage for one stream: mono float32 samples in, samples out.

    Every method that returns samples returns a one-dimensional float32 numpy array (maybe
    empty); anything else, or an ``open`` that returns no rate, is an error naming the
    processor and its plugin.

    A processor may also define ``boundary(kind: str) -> np.ndarray``: the chain calls it
    where a sentence (``kind="sentence"``) or a paragraph (``"paragraph"``) of the stream
    ends, and passes on what it returns, like ``process``. Processors without it simply do
    not see boundaries. A processor that moves audio in time (cuts or inserts silence) may
    define ``output_span(start, end) -> tuple[float, float] | None``: where a stretch of its
    input (seconds) lies in its output, or None while it cannot tell yet; word timestamps
    follow it. Without it, a stage that changes the stream's length drops its words, with a
    warning.

    The streams of a conversation (the turns of a voice agent) are one voice's replies, each
    with processors of its own. A processor that measures the voice may carry what it learnt
    to the next turn: ``carry() -> object`` returns it, and the processor of its class at its
    place in the next turn's chain gets it in ``resume(carried)``, just after its ``open``.
    ``carry`` may be called from another thread while the processor works: return an
    immutable value. Processors without them start every turn afresh, as every stream does.
    """

    def open(self, sample_rate: int) -> int:
        """Prepare for a stream at ``sample_rate``; return the output sample rate."""
        ...

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Take one chunk; return the samples ready so far (maybe empty)."""
        ...

    def flush(self) -> np.ndarray:
        """End of stream: return all samples still held."""
        ...


class AudioWriter(Protocol):
    """A sink for one stream of mono float32 samples: a file, or a socket for telephony."""

    def write(self, samples: np.ndarray) -> None:
        """Encode and write one chunk."""
        ...

    def chapter(self, title: str) -> None:
        """Start a chapter named ``title`` here (formats without chapters ignore it)."""
        ...

    def close(self) -> None:
        """Finish the file (headers, chapter table) and release it."""
        ...
