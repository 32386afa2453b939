"""A private desktop for the tests: a PulseAudio server with a null sink whose monitor the tests
record, and a D-Bus session bus with a notification server that keeps what it is sent.

Both are real (Debian's ``pulseaudio`` and ``dbus-daemon``), started per test session in a
private folder, so no test plays a sound on a person's speakers or shows on their desktop.
"""

import asyncio
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SINK = "cue"
RECORD_RATE_HZ = 44_100
CHUNK_FRAMES = 441
"""10 ms of mono s16le: the resolution of the arrival times."""
AUDIBLE = 200
"""Sample magnitude above which a chunk counts as sound (the null sink is exactly 0 at rest)."""


def _wait_for(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not come up within {timeout_s} s")


def audio_missing() -> str | None:
    """Why the audio tests cannot run here, or None."""
    for tool in ("pulseaudio", "pactl", "parec", "pacat"):
        if shutil.which(tool) is None:
            return f"no {tool}: install Debian's pulseaudio and pulseaudio-utils"
    return None


class AudioServer:
    """PulseAudio with one null sink, the default output; a silent stream keeps it awake (an
    idle sink adds up to 1.6 s before the first sound)."""

    def __init__(self, folder: Path) -> None:
        self.runtime_dir = folder / "runtime"
        self.runtime_dir.mkdir(mode=0o700, parents=True)
        self.server = f"unix:{self.runtime_dir / 'pulse' / 'native'}"
        self.env = {
            **os.environ,
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "PULSE_SERVER": self.server,
        }
        subprocess.run(
            [
                "pulseaudio",
                "-D",
                "-n",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "--load=module-native-protocol-unix",
                f"--load=module-null-sink sink_name={SINK}",
            ],
            env=self.env,
            check=True,
            capture_output=True,
        )
        self._keep_awake: subprocess.Popen[bytes] | None = None
        try:
            _wait_for(self._answers, 10.0, "the audio server")
            subprocess.run(["pactl", "set-default-sink", SINK], env=self.env, check=True)
        except (RuntimeError, subprocess.CalledProcessError):
            self.stop()
            raise
        self._keep_awake = subprocess.Popen(
            ["pacat", "-p", "--raw", "/dev/zero"], env=self.env, stdin=subprocess.DEVNULL
        )

    def _answers(self) -> bool:
        info = subprocess.run(["pactl", "info"], env=self.env, capture_output=True)
        return info.returncode == 0

    def record(self) -> "Recording":
        return Recording(self.env)

    def stop(self) -> None:
        if self._keep_awake is not None:
            self._keep_awake.kill()
            self._keep_awake.wait()
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True)


@dataclass
class Recording:
    """What the sink plays, chunk by chunk, each stamped (monotonic) as it arrives: offsets
    inside one recorded file lie, since the server rewinds the monitor when a stream joins."""

    env: dict[str, str]
    chunks: list[tuple[float, np.ndarray]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._proc = subprocess.Popen(
            [
                "parec",
                "-d",
                f"{SINK}.monitor",
                "--raw",
                "--format=s16le",
                f"--rate={RECORD_RATE_HZ}",
                "--channels=1",
                "--latency-msec=10",
            ],
            env=self.env,
            stdout=subprocess.PIPE,
        )
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        while chunk := self._proc.stdout.read(CHUNK_FRAMES * 2):
            with self._lock:
                self.chunks.append((time.monotonic(), np.frombuffer(chunk, "<i2").copy()))

    def stop(self) -> None:
        self._proc.kill()
        self._reader.join(timeout=5)
        self._proc.communicate(timeout=5)

    def sounds(self, gap_s: float = 0.3) -> list[tuple[float, np.ndarray]]:
        """Each run of audible chunks (quiet for less than ``gap_s`` inside): its arrival time
        and its samples."""
        with self._lock:
            chunks = list(self.chunks)
        runs: list[tuple[float, list[np.ndarray]]] = []
        last_loud_s = -np.inf
        for t_s, samples in chunks:
            loud = bool(np.max(np.abs(samples), initial=0) > AUDIBLE)
            if loud and t_s - last_loud_s > gap_s:
                runs.append((t_s, []))
            if (runs and t_s - last_loud_s <= gap_s) or loud:
                runs[-1][1].append(samples)
            if loud:
                last_loud_s = t_s
        return [(t_s, np.concatenate(parts)) for t_s, parts in runs]


def dominant_hz(samples: np.ndarray, rate_hz: int = RECORD_RATE_HZ) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.fft.rfftfreq(samples.size, 1.0 / rate_hz)[np.argmax(spectrum)])


def dbus_missing() -> str | None:
    if shutil.which("dbus-daemon") is None:
        return "no dbus-daemon: install Debian's dbus-daemon"
    try:
        import dbus_fast  # noqa: F401
    except ImportError:
        return "no dbus-fast (a dependency of desktop-notifier on Linux)"
    return None


@dataclass
class Notice:
    app_name: str
    summary: str
    body: str
    actions: list[str]


class SessionBus:
    """A private D-Bus session bus; ``address`` goes into DBUS_SESSION_BUS_ADDRESS."""

    def __init__(self, folder: Path) -> None:
        socket = folder / "bus"
        self._proc = subprocess.Popen(
            [
                "dbus-daemon",
                "--session",
                "--nofork",
                "--print-address=1",
                f"--address=unix:path={socket}",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._proc.stdout is not None
        self.address = self._proc.stdout.readline().strip()
        if not self.address:
            self.stop()
            raise RuntimeError("the session bus did not start")

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.communicate(timeout=5)


class NotificationServer:
    """org.freedesktop.Notifications on a bus, run in its own thread and loop: it records each
    notification and can click one (the ``ActionInvoked`` signal a desktop sends)."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.received: list[Notice] = []
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the notification server did not start")

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._serve())
        self._loop.run_forever()

    async def _serve(self) -> None:
        from dbus_fast.aio import MessageBus
        from dbus_fast.service import ServiceInterface, method, signal

        received = self.received

        class Notifications(ServiceInterface):
            def __init__(self) -> None:
                super().__init__("org.freedesktop.Notifications")
                self._next_id = 0

            @method()
            def Notify(
                self,
                app_name: "s",  # noqa: F821
                replaces_id: "u",  # noqa: F821
                app_icon: "s",  # noqa: F821
                summary: "s",  # noqa: F821
                body: "s",  # noqa: F821
                actions: "as",  # noqa: F722
                hints: "a{sv}",  # noqa: F722
                expire_timeout: "i",  # noqa: F821
            ) -> "u":  # noqa: F821
                self._next_id += 1
                received.append(Notice(app_name, summary, body, list(actions)))
                return self._next_id

            @method()
            def GetCapabilities(self) -> "as":  # noqa: F722
                return ["body", "actions"]

            @method()
            def GetServerInformation(self) -> "ssss":  # noqa: F821
                return ["test-notifications", "pausepoint", "1.0", "1.2"]

            @method()
            def CloseNotification(self, notification_id: "u"):  # noqa: F821
                pass

            @signal()
            def ActionInvoked(self, notification_id: "u", action_key: "s") -> "us":  # noqa: F821
                return [notification_id, action_key]

        self._bus = await MessageBus(bus_address=self.address).connect()
        self._service = Notifications()
        self._bus.export("/org/freedesktop/Notifications", self._service)
        await self._bus.request_name("org.freedesktop.Notifications")
        self._ready.set()

    def click(self, notification_id: int, action_key: str = "default") -> None:
        self._loop.call_soon_threadsafe(self._service.ActionInvoked, notification_id, action_key)

    async def _hang_up(self) -> None:
        self._bus.disconnect()
        await self._bus.wait_for_disconnect()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._hang_up(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()
