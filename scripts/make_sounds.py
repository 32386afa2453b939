"""Write pausepoint's cue sounds into the package (src/pausepoint/data/sounds/), from code.

Run after changing pausepoint.cues.synth; a test checks the shipped files match it.
"""

from pathlib import Path

from pausepoint.cues.sounds import SOUNDS_DIR, sound_file
from pausepoint.cues.synth import Cue, synthesize, wav_bytes


def main() -> None:
    SOUNDS_DIR.mkdir(parents=True, exist_ok=True)
    for cue in Cue:
        path = sound_file(cue)
        path.write_bytes(wav_bytes(synthesize(cue)))
        print(f"{Path(path).name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
