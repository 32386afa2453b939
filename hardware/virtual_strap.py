"""An emulated chest strap on bumble's virtual link, for testing the BLE source end to end.

It looks like a Polar H10 from the host's side: advertises Heart Rate (0x180D), serves
Heart Rate Measurement (0x2A37, notify), Body Sensor Location (0x2A38, chest), Battery
Level (0x2A19, read and notify), Device Information (manufacturer, model) and, optionally,
Polar's PMD service. It plays a sequence of HeartSamples at their own pace times ``speed``,
and can be told to drop the link and to come back later.

Time runs on a clock of session seconds (hardware/virtual_clock.py). Give the same clock to
the code under test: with a ``VirtualClock`` a beat is stamped on arrival with the session
time it was sent at, a 3-minute session plays in seconds, and backoff delays, gaps and
timestamps all stay in session units.
"""

from __future__ import annotations

import asyncio
import logging
import math
import struct
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from bumble import gatt, hci
from bumble.core import UUID, AdvertisingData
from bumble.device import Connection, Device

from hardware import pmd_strap
from hardware.bumble_backend import VirtualRadio
from hardware.virtual_clock import StrapClock
from pausepoint.model import HeartSample
from pausepoint.strap import pmd
from pausepoint.strap.hrm import encode_heart_rate

logger = logging.getLogger(__name__)

CHEST = 1
"""Body Sensor Location value for chest (Heart Rate Service 1.0, 3.2)."""
SUPERVISION_TIMEOUT = hci.HCI_ErrorCode.CONNECTION_TIMEOUT_ERROR
"""The reason a host sees when a strap walks out of range."""
PMD_RATES_HZ = {pmd.MeasurementType.ECG: (130,), pmd.MeasurementType.ACC: (25, 50, 100, 200)}
ACC_RANGES_G = (2, 4, 8)
"""What an H10 accepts (hardware/straps.toml)."""
PMD_SAMPLES_PER_FRAME = {pmd.MeasurementType.ECG: 73, pmd.MeasurementType.ACC: 36}
"""An H10 at MTU 232: (232 - 3 - 10) bytes / 3 per ECG sample, / 6 per ACC sample."""
PMD_SAMPLE_BYTES = {pmd.MeasurementType.ECG: 3, pmd.MeasurementType.ACC: 6}
STRAP_EPOCH_NS = 28 * 10**9
"""Where an H10 with an unset clock starts counting (2000-01-01 + 28 s)."""


@dataclass
class Delivery:
    """One Heart Rate notification the strap sent, and when (session seconds)."""

    sample: HeartSample
    payload: bytes
    sent_t_s: float
    delivered: bool
    """False when nobody was subscribed (link down): the beat is lost, as with a real strap."""


@dataclass
class PmdDelivery:
    kind: pmd.MeasurementType
    samples: int
    frame: bytes
    delivered: bool


@dataclass
class StrapLog:
    connections: int = 0
    disconnections: int = 0
    deliveries: list[Delivery] = field(default_factory=list)
    pmd_frames: list[PmdDelivery] = field(default_factory=list)
    pmd_requests: list[bytes] = field(default_factory=list)

    def pmd_sent(self, kind: pmd.MeasurementType) -> list[PmdDelivery]:
        """Frames of ``kind`` that went to a subscriber, in order."""
        return [f for f in self.pmd_frames if f.kind == kind and f.delivered]

    @property
    def delivered_rr_ms(self) -> list[float]:
        return [rr for d in self.deliveries if d.delivered for rr in d.sample.rr_ms]


class VirtualStrap:
    """A Polar-H10-like strap; ``async with`` powers it on and stops it before the loop ends."""

    def __init__(
        self,
        radio: VirtualRadio,
        clock: StrapClock,
        *,
        name: str = "Polar H10 7E3A1B2C",
        address: str = "F0:5A:1B:2C:3D:4E",
        manufacturer: str = "Polar Electro Oy",
        model: str = "H10",
        battery_pct: int = 93,
        body_location: int = CHEST,
        pmd_kinds: Sequence[pmd.MeasurementType] = (
            pmd.MeasurementType.ECG,
            pmd.MeasurementType.ACC,
        ),
        advertising_interval_ms: float = 10.0,
    ) -> None:
        self.name = name
        self.address = address
        self.clock = clock
        self.battery_pct = battery_pct
        self.log = StrapLog()
        self._advertising_interval_ms = advertising_interval_ms
        self._gone = False
        self._stopped = False
        self._subscribers: dict[int, set[Connection]] = {}
        self._progress_t_s = -math.inf
        self._progress_waiters: list[tuple[float, asyncio.Future[None]]] = []
        self._advertising = False
        self._advertising_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._pmd_kinds = tuple(pmd_kinds)
        self._pmd_streams: dict[pmd.MeasurementType, asyncio.Task[None]] = {}
        self.device: Device = radio.add_device(name, address)
        self.device.on(Device.EVENT_CONNECTION, self._on_connection)

        self.heart_rate = self._characteristic(
            gatt.GATT_HEART_RATE_MEASUREMENT_CHARACTERISTIC, gatt.Characteristic.NOTIFY, b""
        )
        self.battery = self._characteristic(
            gatt.GATT_BATTERY_LEVEL_CHARACTERISTIC,
            gatt.Characteristic.READ | gatt.Characteristic.NOTIFY,
            gatt.CharacteristicValue(read=lambda _connection: bytes([self.battery_pct])),
        )
        self.pmd_control = self._characteristic(
            UUID(pmd.PMD_CONTROL_UUID),
            gatt.Characteristic.READ | gatt.Characteristic.WRITE | gatt.Characteristic.INDICATE,
            gatt.CharacteristicValue(
                read=lambda _connection: pmd_strap.build_features(self._pmd_kinds),
                write=self._on_pmd_request,
            ),
            gatt.Characteristic.READABLE | gatt.Characteristic.WRITEABLE,
        )
        self.pmd_data = self._characteristic(
            UUID(pmd.PMD_DATA_UUID), gatt.Characteristic.NOTIFY, b""
        )
        self.device.add_services(
            [
                gatt.Service(
                    gatt.GATT_HEART_RATE_SERVICE,
                    [
                        self.heart_rate,
                        self._characteristic(
                            gatt.GATT_BODY_SENSOR_LOCATION_CHARACTERISTIC,
                            gatt.Characteristic.READ,
                            bytes([body_location]),
                        ),
                    ],
                ),
                gatt.Service(gatt.GATT_BATTERY_SERVICE, [self.battery]),
                *self._pmd_services(),
                gatt.Service(
                    gatt.GATT_DEVICE_INFORMATION_SERVICE,
                    [
                        self._characteristic(
                            gatt.GATT_MANUFACTURER_NAME_STRING_CHARACTERISTIC,
                            gatt.Characteristic.READ,
                            manufacturer.encode(),
                        ),
                        self._characteristic(
                            gatt.GATT_MODEL_NUMBER_STRING_CHARACTERISTIC,
                            gatt.Characteristic.READ,
                            model.encode(),
                        ),
                    ],
                ),
            ]
        )

    def _pmd_services(self) -> list[gatt.Service]:
        """Polar's PMD service: offered only when the strap has PMD kinds (an H10 does)."""
        if not self._pmd_kinds:
            return []
        return [gatt.Service(UUID(pmd.PMD_SERVICE_UUID), [self.pmd_control, self.pmd_data])]

    def _characteristic(
        self,
        uuid: UUID,
        properties: gatt.Characteristic.Properties,
        value: object,
        permissions: gatt.Characteristic.Permissions = gatt.Characteristic.READABLE,
    ) -> gatt.Characteristic:
        characteristic = gatt.Characteristic(uuid, properties, permissions, value)
        characteristic.on(
            gatt.Characteristic.EVENT_SUBSCRIPTION,
            lambda connection, notify, indicate: self._on_subscription(
                characteristic, connection, notify or indicate
            ),
        )
        return characteristic

    # Life cycle

    async def start(self) -> None:
        await self.device.power_on()
        await self._update_advertising()

    async def stop(self) -> None:
        """Stop advertising and drop every link; bumble's timers must not outlive the loop."""
        self._stopped = True
        self._stop_pmd_streams()
        await self._update_advertising()
        for connection in list(self.device.connections.values()):
            await connection.disconnect()
        if self._tasks:
            await asyncio.wait(self._tasks)
        await self.device.power_off()

    async def __aenter__(self) -> VirtualStrap:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _update_advertising(self) -> None:
        """Advertise unless stopped or gone; serialised, as bumble's commands must not overlap.

        (Cancelling an advertising command half-way leaves bumble's host in a broken state,
        so changes queue on a lock instead.)
        """
        async with self._advertising_lock:
            wanted = not (self._gone or self._stopped or self.device.connections)
            if wanted and not self._advertising:
                await self._advertise()
            elif not wanted and self._advertising:
                await self.device.stop_advertising()
            self._advertising = wanted

    async def _advertise(self) -> None:
        data = AdvertisingData(
            [
                (AdvertisingData.FLAGS, bytes([0x06])),
                (
                    AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
                    struct.pack("<H", 0x180D),
                ),
                (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode()),
            ]
        )
        await self.device.start_advertising(
            advertising_data=bytes(data),
            advertising_interval_min=self._advertising_interval_ms,
            advertising_interval_max=self._advertising_interval_ms,
        )

    def _on_connection(self, connection: Connection) -> None:
        self._advertising = False  # the controller stops advertising when a link is made
        self.log.connections += 1
        connection.on(Connection.EVENT_DISCONNECTION, lambda _reason: self._on_disconnection())

    def _on_disconnection(self) -> None:
        self.log.disconnections += 1
        if not self.device.connections:
            self._stop_pmd_streams()
        live = set(self.device.connections.values())
        for connections in self._subscribers.values():
            connections.intersection_update(live)
        self._background(self._update_advertising())

    def _background(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_subscription(
        self, characteristic: gatt.Characteristic, connection: Connection, enabled: bool
    ) -> None:
        subscribed = self._subscribers.setdefault(characteristic.handle, set())
        if enabled:
            subscribed.add(connection)
        else:
            subscribed.discard(connection)

    def subscribed(self, characteristic: gatt.Characteristic) -> bool:
        return bool(self._subscribers.get(characteristic.handle))

    async def notify(self, characteristic: gatt.Characteristic, payload: bytes) -> bool:
        """Send to every subscriber now; False when nobody listens."""
        connections = list(self._subscribers.get(characteristic.handle, ()))
        for connection in connections:
            await self.device.notify_subscriber(connection, characteristic, payload)
        return bool(connections)

    # What the tests drive

    async def play(self, samples: Sequence[HeartSample], start_t_s: float | None = None) -> None:
        """Notify each sample when due: its ``t_s`` shifted to begin now (or at start_t_s)."""
        if not samples:
            return
        offset_s = (self.clock.now() if start_t_s is None else start_t_s) - samples[0].t_s
        for sample in samples:
            due_t_s = sample.t_s + offset_s
            await self.clock.sleep_until(due_t_s)
            payload = sample.raw or encode_heart_rate(
                sample.hr_bpm, sample.rr_ms, sample.contact, sample.energy_kj
            )
            delivered = await self.notify(self.heart_rate, payload)
            self.log.deliveries.append(Delivery(sample, payload, self.clock.now(), delivered))
            self._progress(due_t_s)

    async def reached(self, t_s: float) -> None:
        """Wait until playback has sent everything due up to session time t_s."""
        if self._progress_t_s >= t_s:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._progress_waiters.append((t_s, waiter))
        await waiter

    def _progress(self, t_s: float) -> None:
        self._progress_t_s = t_s
        due = [w for w in self._progress_waiters if w[0] <= t_s]
        for item in due:
            self._progress_waiters.remove(item)
            if not item[1].done():
                item[1].set_result(None)

    async def set_battery(self, battery_pct: int) -> None:
        self.battery_pct = battery_pct
        await self.notify(self.battery, bytes([battery_pct]))

    # Polar PMD

    def _on_pmd_request(self, connection: Connection, value: bytes) -> None:
        """Answer after the write response, as the strap does, by indication."""
        self.log.pmd_requests.append(bytes(value))
        self._background(self._answer_pmd(connection, bytes(value)))

    async def _answer_pmd(self, connection: Connection, value: bytes) -> None:
        await asyncio.sleep(0)
        op, kind = (value + b"\0\0")[:2]
        try:
            request = pmd_strap.parse_request(value)
            status = self._apply_pmd(request)
        except pmd.PmdError as error:
            status = error.status or pmd.ControlStatus.ERROR_INVALID_PARAMETER
        answer = pmd_strap.build_control_response(op, kind, status)
        if connection in self._subscribers.get(self.pmd_control.handle, ()):
            await self.device.indicate_subscriber(connection, self.pmd_control, answer)

    def _apply_pmd(self, request: pmd_strap.PmdRequest) -> pmd.ControlStatus:
        if request.kind not in self._pmd_kinds:
            return pmd.ControlStatus.ERROR_NOT_SUPPORTED
        running = request.kind in self._pmd_streams
        if request.op is pmd.ControlOp.STOP:
            if not running:
                return pmd.ControlStatus.ERROR_ALREADY_IN_STATE
            self._pmd_streams.pop(request.kind).cancel()
            return pmd.ControlStatus.SUCCESS
        if request.op is not pmd.ControlOp.START:
            return pmd.ControlStatus.ERROR_NOT_SUPPORTED
        if running:
            return pmd.ControlStatus.ERROR_ALREADY_IN_STATE
        rate_hz = request.sample_rate_hz
        if rate_hz not in PMD_RATES_HZ[request.kind]:
            return pmd.ControlStatus.ERROR_INVALID_SAMPLE_RATE
        if request.resolution_bits != pmd.DEFAULT_RESOLUTION_BITS[request.kind]:
            return pmd.ControlStatus.ERROR_INVALID_RESOLUTION
        if request.kind is pmd.MeasurementType.ACC and request.range_g not in ACC_RANGES_G:
            return pmd.ControlStatus.ERROR_INVALID_RANGE
        self._pmd_streams[request.kind] = asyncio.get_running_loop().create_task(
            self._stream_pmd(request.kind, rate_hz)
        )
        return pmd.ControlStatus.SUCCESS

    def _stop_pmd_streams(self) -> None:
        for task in self._pmd_streams.values():
            task.cancel()
        self._pmd_streams.clear()

    def _frame_room(self, kind: pmd.MeasurementType) -> int:
        """Samples that fit one notification at the smallest MTU of the subscribers."""
        mtus = [c.att_mtu for c in self._subscribers.get(self.pmd_data.handle, ())]
        if not mtus:
            return PMD_SAMPLES_PER_FRAME[kind]
        return (min(mtus) - 3 - pmd.HEADER_SIZE) // PMD_SAMPLE_BYTES[kind]

    async def _stream_pmd(self, kind: pmd.MeasurementType, rate_hz: int) -> None:
        """Frames of synthetic ECG (a spike a second) or ACC (1 g down, a 1 Hz sway)."""
        per_frame = PMD_SAMPLES_PER_FRAME[kind]
        start_t_s = self.clock.now()
        sent = 0
        while True:
            per_frame = min(per_frame, self._frame_room(kind))
            index = sent + np.arange(per_frame)
            t_s = index / rate_hz
            due_t_s = start_t_s + (sent + per_frame) / rate_hz
            await self.clock.sleep_until(due_t_s)
            timestamp_ns = STRAP_EPOCH_NS + round((start_t_s + t_s[-1]) * 1e9)
            if kind is pmd.MeasurementType.ECG:
                phase = np.mod(t_s, 1.0)
                ecg_uv = 1200 * np.exp(-(((phase - 0.5) / 0.015) ** 2)) - 80
                frame = pmd_strap.build_ecg_frame(timestamp_ns, ecg_uv.astype(np.int64))
            else:
                sway_mg = 150 * np.sin(2 * np.pi * t_s)
                acc_mg = np.stack([sway_mg, 0 * sway_mg, 1000 + 0.3 * sway_mg], axis=1)
                frame = pmd_strap.build_acc_frame(timestamp_ns, acc_mg.astype(np.int64))
            delivered = await self.notify(self.pmd_data, frame)
            self.log.pmd_frames.append(PmdDelivery(kind, per_frame, frame, delivered))
            sent += per_frame

    # Link

    async def drop(self) -> None:
        """Walk out of range: the link times out and nothing is advertised until come_back()."""
        self._gone = True
        await self._update_advertising()
        for connection in list(self.device.connections.values()):
            await connection.disconnect(SUPERVISION_TIMEOUT)

    async def come_back(self) -> None:
        self._gone = False
        await self._update_advertising()
