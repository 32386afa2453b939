"""A heart-rate chest strap over Bluetooth LE (the only module that imports bleak).

``BleSource`` finds a strap, connects, and turns every Heart Rate Measurement
notification (0x2A37) into a ``HeartSample`` stamped with the injected clock, handed
synchronously to the ``on_sample`` callback on the event loop that runs ``run()``
(asyncio in the CLI, the Qt loop through qasync in the dashboard). A callback, not an
async iterator: no queue between notification and pipeline, so no added latency and
no backlog to drain. The callback must not block; if it raises, ``run()`` stops and
raises that error.

When the link drops, the source emits one ``GAP`` event and reconnects by itself: each
attempt is a fresh scan and a new ``BleakClient``, with bounded exponential backoff,
until the strap streams again (``RECONNECTED``) or ``give_up_after_s`` passes (state
``LOST``, ``StrapLost``). bleak calls ``disconnected_callback`` on every disconnect, also
one we asked for, so ``stop()`` marks its own disconnect before making it.

Time (the sample clock, backoff sleeps, scan windows) comes from the injected ``clock``
and ``sleep``, so tests run a drop-and-return in session time without waiting for it.
Malformed notifications are counted per kind (``malformed``), logged once per kind, and
never end the stream.

On a Polar H10 the source can also start PMD streams: ACC becomes ``MotionSample``s
(via ``pmd.motion_g``), ECG frames go raw to ``on_ecg`` for the recorder.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar, TypeVarTuple

from bleak import BleakClient, BleakScanner
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.exc import BleakError
from bleak.uuids import normalize_uuid_16

from pausepoint.errors import UserError
from pausepoint.model import Event, EventKind, HeartSample, MotionSample, Sample
from pausepoint.strap import catalogue as straps
from pausepoint.strap import pmd
from pausepoint.strap.hrm import MalformedPayload, sample_from_notification

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
_Args = TypeVarTuple("_Args")

HEART_RATE_SERVICE_UUID = normalize_uuid_16(0x180D)
HEART_RATE_MEASUREMENT_UUID = normalize_uuid_16(0x2A37)
BODY_SENSOR_LOCATION_UUID = normalize_uuid_16(0x2A38)
BATTERY_LEVEL_UUID = normalize_uuid_16(0x2A19)
MANUFACTURER_NAME_UUID = normalize_uuid_16(0x2A29)
MODEL_NUMBER_UUID = normalize_uuid_16(0x2A24)

BODY_SENSOR_LOCATIONS = {
    0: "other",
    1: "chest",
    2: "wrist",
    3: "finger",
    4: "hand",
    5: "ear lobe",
    6: "foot",
}
"""Body Sensor Location values (Heart Rate Service 1.0, 3.2)."""

ACC_SAMPLE_RATE_HZ = 200
ACC_RANGE_G = 8


class BleBackend(Protocol):
    """The bleak backend classes to use instead of the platform's (tests: an emulated radio)."""

    scanner: type[BaseBleakScanner]
    client: type[BaseBleakClient]


class NoBluetooth(UserError):
    """The computer has no Bluetooth we can use (no adapter, adapter off, no BlueZ);
    ``detail``: what the Bluetooth layer said."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"no Bluetooth adapter available ({detail}); turn Bluetooth on, "
            "or try --simulate argument"
        )
        self.detail = detail


async def _start(scanner: BleakScanner) -> None:
    """Start scanning; a missing or switched-off adapter becomes one clear line."""
    try:
        await scanner.start()
    except (OSError, BleakError) as exc:
        raise NoBluetooth(str(exc) or type(exc).__name__) from exc


async def _read_text(client: BleakClient, uuid: str) -> str | None:
    """A Device Information string characteristic, None when the strap has none."""
    characteristic = client.services.get_characteristic(uuid)
    if characteristic is None:
        return None
    text = bytes(await client.read_gatt_char(characteristic))
    return text.decode("utf-8", "replace").strip("\0")


class StrapNotFound(UserError):
    """No strap answered the first scan."""


class StrapLost(UserError):
    """The strap dropped and did not come back within the reconnect policy's bound."""


class LinkState(enum.StrEnum):
    SCANNING = "scanning"
    CONNECTING = "connecting"
    STREAMING = "streaming"
    RECONNECTING = "reconnecting"
    LOST = "lost"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class FoundStrap:
    """A device advertising the Heart Rate service, as a scan saw it."""

    name: str | None
    address: str
    rssi_dbm: int
    known: bool
    """True when the name matches a strap in hardware/straps.toml."""
    model: str | None = None
    """Vendor and model of a known strap, e.g. "Polar H10"."""


@dataclass(frozen=True, slots=True)
class ConnectedStrap:
    """What the connected strap says about itself; None where it does not say."""

    name: str | None
    address: str
    battery_pct: int | None = None
    body_location: str | None = None
    manufacturer: str | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class ReconnectPolicy:
    """Backoff between attempts and the bound after which a dropped strap counts as lost."""

    first_delay_s: float = 0.5
    factor: float = 2.0
    max_delay_s: float = 2.0
    """A returning strap waits at most this long for the next scan; with a strap's ~1 s
    advertising interval and ~1 s to connect, it streams again within about 5 s."""
    give_up_after_s: float = 300.0
    scan_timeout_s: float = 5.0
    choose_window_s: float = 1.0
    """With no address or name given: how long to keep listening after the first strap."""
    connect_timeout_s: float = 10.0
    request_timeout_s: float = 5.0
    """How long a PMD start may take to answer."""

    def delays_s(self) -> Callable[[], float]:
        """A fresh backoff sequence: first, first*factor, ... capped at max_delay_s."""
        delay_s = self.first_delay_s

        def next_delay() -> float:
            nonlocal delay_s
            current = delay_s
            delay_s = min(delay_s * self.factor, self.max_delay_s)
            return current

        return next_delay


async def scan(
    timeout_s: float = 5.0,
    backend: BleBackend | None = None,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> list[FoundStrap]:
    """Every device advertising Heart Rate within ``timeout_s``, strongest signal first."""
    found: dict[str, tuple[BLEDevice, AdvertisementData]] = {}

    def on_advertisement(device: BLEDevice, adv: AdvertisementData) -> None:
        found[device.address] = (device, adv)

    scanner = BleakScanner(
        on_advertisement,
        service_uuids=[HEART_RATE_SERVICE_UUID],
        backend=backend.scanner if backend else None,
    )
    await _start(scanner)
    try:
        await sleep(timeout_s)
    finally:
        await scanner.stop()
    found_straps = []
    for device, adv in found.values():
        name = adv.local_name or device.name
        known = straps.lookup(name)
        model = f"{known.vendor} {known.model}" if known is not None else None
        found_straps.append(FoundStrap(name, device.address, adv.rssi, known is not None, model))
    return sorted(found_straps, key=lambda s: -s.rssi_dbm)


class BleSource:
    """One strap, from first scan to stop, surviving drops. Run it with ``await run()``.

    Which strap: ``address`` if given, else ``name`` (advertised local name, any case),
    else the ``last_used_address`` when it is around, else the strongest one heard.
    After the first connection the source sticks to that strap's address.

    Callbacks run on the event loop, synchronously, and must not block: ``on_sample``
    gets every HeartSample (and MotionSample with ``acc=True``) in arrival order,
    ``on_event`` the GAP / RECONNECTED events, ``on_state`` each LinkState change,
    ``on_info`` battery and device details, ``on_ecg(t_s, frame)`` each raw PMD ECG frame
    (130 Hz) with its arrival time, for the recorder.
    """

    def __init__(
        self,
        on_sample: Callable[[Sample], None],
        *,
        address: str | None = None,
        name: str | None = None,
        last_used_address: str | None = None,
        on_event: Callable[[Event], None] | None = None,
        on_state: Callable[[LinkState], None] | None = None,
        on_info: Callable[[ConnectedStrap], None] | None = None,
        acc: bool = False,
        on_ecg: Callable[[float, bytes], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        policy: ReconnectPolicy | None = None,
        backend: BleBackend | None = None,
    ) -> None:
        self._on_sample = on_sample
        self._address = address
        self._name = name
        self._last_used_address = last_used_address
        self._on_event = on_event
        self._on_state = on_state
        self._on_info = on_info
        self._acc = acc
        self._on_ecg = on_ecg
        self._clock = clock
        self._sleep = sleep
        self.policy = policy or ReconnectPolicy()
        self._backend = backend
        self.state = LinkState.STOPPED
        self.info: ConnectedStrap | None = None
        self.malformed: Counter[str] = Counter()
        """Malformed notifications so far, by ``stream:kind`` (e.g. ``heart_rate:truncated``)."""
        self._stop = asyncio.Event()
        self._failure: BaseException | None = None
        self._client: BleakClient | None = None
        self._dropped: asyncio.Future[float] | None = None
        self._pmd_answer: asyncio.Future[pmd.ControlResponse] | None = None
        self._started = False

    # ------------------------------------------------------------------ control

    async def run(self) -> None:
        """Stream until stop(); raises StrapNotFound, StrapLost, or the consumer's error.

        A source runs once (a stop() that comes before run() makes it return at once).
        """
        if self._started:
            raise RuntimeError("a BleSource runs once; make a new one to connect again")
        self._started = True
        final = LinkState.STOPPED
        try:
            await self._run()
        except StrapLost:
            final = LinkState.LOST
            raise
        finally:
            await self._disconnect_current()
            self._set_state(final)
        if self._failure is not None:
            raise self._failure

    async def stop(self) -> None:
        """A user-requested disconnect: no GAP, no reconnect; run() returns."""
        self._stop.set()
        await self._disconnect_current()

    # ------------------------------------------------------------------ main loop

    async def _run(self) -> None:
        self._set_state(LinkState.SCANNING)
        device = await self._find()
        if device is None:
            if self._stop.is_set():
                return
            raise StrapNotFound(self._not_found_message())
        gap_since_s: float | None = None
        trouble_since_s = self._clock()
        scans = 1  # fresh scans since the last drop: the attempts it took to get back
        next_delay = self.policy.delays_s()
        while not self._stop.is_set():
            if device is not None:
                dropped_at_s = await self._session(device, gap_since_s, scans)
                if self._stop.is_set():
                    return
                if dropped_at_s is not None:
                    gap_since_s = trouble_since_s = dropped_at_s
                    scans = 0
                    next_delay = self.policy.delays_s()
            if self._clock() - trouble_since_s > self.policy.give_up_after_s:
                raise StrapLost(self._lost_message())
            self._set_state(
                LinkState.RECONNECTING if gap_since_s is not None else LinkState.SCANNING
            )
            if not await self._wait(self._sleep(next_delay())):
                return
            device = await self._find()
            scans += 1

    async def _session(
        self, device: BLEDevice, gap_since_s: float | None, attempts: int
    ) -> float | None:
        """Connect and stream until the link drops (returns the drop time) or stop()."""
        self._set_state(LinkState.RECONNECTING if gap_since_s is not None else LinkState.CONNECTING)
        client = BleakClient(
            device,
            disconnected_callback=self._on_disconnected,
            timeout=self.policy.connect_timeout_s,
            backend=self._backend.client if self._backend else None,
        )
        self._client = client
        self._dropped = asyncio.get_running_loop().create_future()
        try:
            if not await self._wait(client.connect()):
                return None
            await self._set_up(client, device)
        except (BleakError, TimeoutError, OSError) as error:
            logger.warning("connecting to %s failed: %s", device.address, error)
            await self._disconnect_current()
            return None
        self._address = device.address
        self._set_state(LinkState.STREAMING)
        if gap_since_s is not None:
            now_s = self._clock()
            self._emit(
                EventKind.RECONNECTED,
                now_s,
                {"gap_s": round(now_s - gap_since_s, 3), "attempts": attempts},
            )
        dropped = self._dropped
        if not await self._wait(dropped):
            return None
        dropped_at_s = dropped.result()
        logger.warning("link to %s lost; reconnecting", device.address)
        self._emit(EventKind.GAP, dropped_at_s, {"reason": "link lost"})
        self._client = None
        return dropped_at_s

    async def _set_up(self, client: BleakClient, device: BLEDevice) -> None:
        info = ConnectedStrap(name=client.name or device.name, address=device.address)
        services = client.services
        battery = services.get_characteristic(BATTERY_LEVEL_UUID)
        if battery is not None and "read" in battery.properties:
            level = await client.read_gatt_char(battery)
            info = replace(info, battery_pct=level[0] if level else None)
        location = services.get_characteristic(BODY_SENSOR_LOCATION_UUID)
        if location is not None:
            value = await client.read_gatt_char(location)
            if value:
                info = replace(info, body_location=BODY_SENSOR_LOCATIONS.get(value[0], "other"))
        manufacturer = await _read_text(client, MANUFACTURER_NAME_UUID)
        if manufacturer is not None:
            info = replace(info, manufacturer=manufacturer)
        model = await _read_text(client, MODEL_NUMBER_UUID)
        if model is not None:
            info = replace(info, model=model)
        self._set_info(info)
        if services.get_characteristic(HEART_RATE_MEASUREMENT_UUID) is None:
            raise BleakError(f"{device.address} has no Heart Rate Measurement characteristic")
        await client.start_notify(HEART_RATE_MEASUREMENT_UUID, self._on_heart_rate)
        if battery is not None and "notify" in battery.properties:
            await client.start_notify(battery, self._on_battery)
        if self._acc or self._on_ecg is not None:
            await self._start_pmd(client)

    # ------------------------------------------------------------------ PMD (Polar H10)

    async def _start_pmd(self, client: BleakClient) -> None:
        """Start ECG and/or ACC; a strap that will not stream them still streams heart rate."""
        control = client.services.get_characteristic(pmd.PMD_CONTROL_UUID)
        data = client.services.get_characteristic(pmd.PMD_DATA_UUID)
        if control is None or data is None:
            logger.info("%s has no PMD service: no ECG or ACC stream", client.address)
            return
        wanted = []
        if self._on_ecg is not None:
            request = pmd.start_request(pmd.MeasurementType.ECG, pmd.ECG_SAMPLE_RATE_HZ)
            wanted.append((pmd.MeasurementType.ECG, request))
        if self._acc:
            request = pmd.start_request(
                pmd.MeasurementType.ACC, ACC_SAMPLE_RATE_HZ, range_g=ACC_RANGE_G
            )
            wanted.append((pmd.MeasurementType.ACC, request))
        try:
            offered = pmd.parse_features(bytes(await client.read_gatt_char(control)))
            await client.start_notify(control, self._on_pmd_control)
            await client.start_notify(data, self._on_pmd_data)
            for kind, request in wanted:
                if kind not in offered:
                    logger.warning("%s does not offer PMD %s", client.address, kind.name)
                    continue
                answer = await self._pmd_request(client, control, request)
                if answer is None:
                    logger.warning("%s did not answer PMD start %s", client.address, kind.name)
                elif not answer.ok:
                    logger.warning("%s refused PMD %s", client.address, answer.describe())
        except (BleakError, pmd.PmdError) as error:
            if not client.is_connected:
                raise
            logger.warning("%s: no PMD streams (%s)", client.address, error)

    async def _pmd_request(
        self, client: BleakClient, control: BleakGATTCharacteristic, request: bytes
    ) -> pmd.ControlResponse | None:
        self._pmd_answer = asyncio.get_running_loop().create_future()
        await client.write_gatt_char(control, request, response=True)
        answer = self._pmd_answer
        try:
            await self._first_of(answer, self._sleep(self.policy.request_timeout_s))
        finally:
            self._pmd_answer = None
        return answer.result() if answer.done() else None

    def _on_pmd_control(self, _characteristic: BleakGATTCharacteristic, data: bytearray) -> None:
        try:
            answer = pmd.parse_control_response(bytes(data))
        except pmd.PmdError as error:
            self._count_malformed("pmd_control", error.kind, str(error), data)
            return
        if self._pmd_answer is not None and not self._pmd_answer.done():
            self._pmd_answer.set_result(answer)

    def _on_pmd_data(self, _characteristic: BleakGATTCharacteristic, data: bytearray) -> None:
        t_s = self._clock()
        raw = bytes(data)
        try:
            frame = pmd.parse_data_frame(raw)
        except pmd.PmdError as error:
            self._count_malformed("pmd_data", error.kind, str(error), raw)
            return
        if isinstance(frame, pmd.EcgFrame):
            if self._on_ecg is not None:
                self._guarded(self._on_ecg, t_s, raw)
        elif self._acc:
            self._guarded(self._on_sample, MotionSample(t_s=t_s, motion_g=pmd.motion_g(frame)))

    # ------------------------------------------------------------------ notifications

    def _on_heart_rate(self, _characteristic: BleakGATTCharacteristic, data: bytearray) -> None:
        t_s = self._clock()
        try:
            sample: HeartSample = sample_from_notification(t_s, bytes(data))
        except MalformedPayload as error:
            self._count_malformed("heart_rate", error.kind, str(error), data)
            return
        self._guarded(self._on_sample, sample)

    def _on_battery(self, _characteristic: BleakGATTCharacteristic, data: bytearray) -> None:
        if len(data) != 1 or data[0] > 100:
            self._count_malformed("battery", "out_of_range", "not one byte of 0-100", data)
            return
        if self.info is not None:
            self._set_info(replace(self.info, battery_pct=data[0]))

    def _count_malformed(
        self, stream: str, kind: str, reason: str, data: bytes | bytearray
    ) -> None:
        key = f"{stream}:{kind}"
        self.malformed[key] += 1
        if self.malformed[key] == 1:
            logger.warning(
                "malformed %s notification (%s): %s; further ones of this kind are only counted",
                stream,
                reason,
                bytes(data).hex(" "),
            )

    def _guarded(self, callback: Callable[[*_Args], None], *args: *_Args) -> None:
        """Call a consumer; its error ends run() instead of unwinding into bleak."""
        if self._failure is not None:
            return
        try:
            callback(*args)
        except Exception as error:
            logger.exception("consumer failed; stopping the BLE source")
            self._failure = error
            self._stop.set()

    def _on_disconnected(self, client: BleakClient) -> None:
        if client is not self._client or self._stop.is_set():
            return
        if self._dropped is not None and not self._dropped.done():
            self._dropped.set_result(self._clock())

    # ------------------------------------------------------------------ helpers

    async def _find(self) -> BLEDevice | None:
        """One fresh scan for the wanted strap; None when it is not heard in time."""
        found: dict[str, tuple[BLEDevice, int]] = {}
        loop = asyncio.get_running_loop()
        chosen: asyncio.Future[BLEDevice] = loop.create_future()
        first_heard: asyncio.Future[None] = loop.create_future()
        address = self._address.upper() if self._address else None
        name = self._name.casefold() if self._name else None
        last_used = self._last_used_address.upper() if self._last_used_address else None

        def on_advertisement(device: BLEDevice, adv: AdvertisementData) -> None:
            if chosen.done():
                return
            heard_name = adv.local_name or device.name
            if address is not None:
                if device.address.upper() == address:
                    chosen.set_result(device)
                return
            if name is not None:
                if heard_name and heard_name.casefold() == name:
                    chosen.set_result(device)
                return
            found[device.address] = (device, adv.rssi)
            if last_used is not None and device.address.upper() == last_used:
                chosen.set_result(device)
            elif not first_heard.done():
                first_heard.set_result(None)

        scanner = BleakScanner(
            on_advertisement,
            service_uuids=[HEART_RATE_SERVICE_UUID],
            backend=self._backend.scanner if self._backend else None,
        )
        await _start(scanner)
        try:
            if not await self._wait(
                self._first_of(chosen, self._sleep(self.policy.scan_timeout_s))
            ):
                return None
            if not chosen.done() and first_heard.done():
                await self._wait(self._first_of(chosen, self._sleep(self.policy.choose_window_s)))
        finally:
            await scanner.stop()
        if chosen.done():
            return chosen.result()
        if found and address is None and name is None:
            return max(found.values(), key=lambda item: item[1])[0]
        return None

    @staticmethod
    async def _first_of(future: asyncio.Future[_T], timeout: Awaitable[None]) -> None:
        """Wait until ``future`` is done or ``timeout`` (an injected sleep) is over."""
        sleeper = asyncio.ensure_future(timeout)
        try:
            await asyncio.wait((future, sleeper), return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()

    async def _wait(self, awaitable: Awaitable[_T]) -> bool:
        """Await unless stop() comes first; False when stopped (the awaitable is cancelled).
        Cancelled itself (Ctrl-C), it cancels the awaitable before going: a connection under
        way must not complete after run() has let go, with nobody left to close it."""
        task = asyncio.ensure_future(awaitable)
        stopper = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait((task, stopper), return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            await self._cancel(task)
            raise
        finally:
            stopper.cancel()
        if not task.done():
            await self._cancel(task)
            return False
        task.result()
        return True

    @staticmethod
    async def _cancel(task: asyncio.Future[_T]) -> None:
        """Cancel ``task`` and wait until it has ended (a connect closes its half-made link)."""
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, BleakError, TimeoutError, OSError):
            await task

    async def _disconnect_current(self) -> None:
        client, self._client = self._client, None
        if client is not None and client.is_connected:
            try:
                await client.disconnect()
            except (BleakError, TimeoutError, OSError) as error:
                logger.debug("disconnect: %s", error)

    def _set_state(self, state: LinkState) -> None:
        if state == self.state:
            return
        self.state = state
        if self._on_state is not None:
            self._guarded(self._on_state, state)

    def _set_info(self, info: ConnectedStrap) -> None:
        self.info = info
        if self._on_info is not None:
            self._guarded(self._on_info, info)

    def _emit(self, kind: EventKind, t_s: float, detail: dict[str, Any]) -> None:
        if self._on_event is not None:
            self._guarded(self._on_event, Event(t_s=t_s, kind=kind, detail=detail))

    def _wanted(self) -> str:
        if self._address:
            return f"strap {self._address}"
        if self._name:
            return f"strap named {self._name!r}"
        return "heart-rate strap"

    def _not_found_message(self) -> str:
        return (
            f"no {self._wanted()} found within {self.policy.scan_timeout_s:g} s: wet the "
            "electrodes, put the strap on, keep it near this computer and try again"
        )

    def _lost_message(self) -> str:
        return (
            f"{self._wanted()} lost for more than {self.policy.give_up_after_s:g} s: check "
            "that it is worn and charged, then start again (the session so far is saved)"
        )
