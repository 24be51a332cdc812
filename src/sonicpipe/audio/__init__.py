"""The audio side of sonicpipe: processor chains, DSP and writers.

:class:`AudioChain` runs the processors that the ``sonicpipe_audio_processor`` hook returns
over one stream; :func:`open_writer` asks the ``sonicpipe_audio_writer`` hook for a file
writer. The DSP (resampling, loudness, pauses) and the file formats live in the submodules
and are wired in by the built-in plugins ``resample``, ``loudness``, ``pauses``, ``writers``.
"""

from sonicpipe.audio.chain import BOUNDARIES, AudioChain
from sonicpipe.audio.writers import open_writer

__all__ = ["BOUNDARIES", "AudioChain", "open_writer"]
