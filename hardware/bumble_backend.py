"""A bleak backend over Google's bumble: the real bleak client, talking to emulated devices.

bleak takes backend *classes* (``BleakScanner(..., backend=)``, ``BleakClient(..., backend=)``)
and builds them itself, so the classes handed out here are bound to one ``VirtualRadio``:
an in-process bumble ``LocalLink`` (the air) plus one central device (the host adapter).
Emulated peripherals join the same radio with ``VirtualRadio.add_device``.

Behaviour copied from bleak's platform backends on purpose: ``disconnected_callback`` fires on
every disconnect, asked for or not (as on BlueZ), a connect to a device that is not
advertising times out, and ATT errors surface as ``BleakGATTProtocolError``.

Addresses on the virtual link must be static *random* addresses (top two bits set): bumble
routes link-layer data by random address, and a public one stalls the MTU exchange.
"""

from __future__ import annotations

import asyncio
import logging
import uuid as uuid_module
from collections.abc import Callable
from typing import Any, ClassVar

from bleak.assigned_numbers import CHARACTERISTIC_PROPERTIES
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError, BleakGATTProtocolError
from bumble import att, hci
from bumble import core as bumble_core
from bumble.controller import Controller
from bumble.core import AdvertisingData
from bumble.device import Advertisement, Connection, Device, Peer
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

logger = logging.getLogger(__name__)

CENTRAL_ADDRESS = "C0:FF:EE:00:00:01"
REQUESTED_MTU = 247
"""What the central asks for after connecting; a Polar H10 settles on 232, most hosts on 247."""


def bleak_uuid(uuid: bumble_core.UUID) -> str:
    """bleak's normal form: lower-case 128-bit string."""
    return str(uuid_module.UUID(bytes=bytes(reversed(uuid.uuid_128_bytes))))


def is_static_random(address: str) -> bool:
    return int(address.split(":")[0], 16) & 0xC0 == 0xC0


class VirtualRadio:
    """The air between emulated devices, and the host adapter bleak drives on it."""

    def __init__(self, central_address: str = CENTRAL_ADDRESS) -> None:
        self.link = LocalLink()
        self._central_address = central_address
        self._central: Device | None = None
        self._central_lock = asyncio.Lock()
        self._scan_users = 0
        self.scans_started = 0
        """How many bleak scanners have started on this radio (each reconnect attempt is one)."""

    def add_device(self, name: str, address: str) -> Device:
        """A device with its own controller on this link (not yet powered on)."""
        if not is_static_random(address):
            raise ValueError(f"{address} is not a static random address (first octet >= C0)")
        controller = Controller(name, link=self.link)
        host = Host(controller, AsyncPipeSink(controller))
        return Device(name=name, address=hci.Address(address), host=host)

    async def central(self) -> Device:
        async with self._central_lock:
            if self._central is None:
                central = self.add_device("host", self._central_address)
                await central.power_on()
                self._central = central
            return self._central

    async def acquire_scan(self) -> Device:
        """Scanning is shared: bumble's central has one scanner, bleak may open several."""
        central = await self.central()
        self.scans_started += 1
        self._scan_users += 1
        if self._scan_users == 1:
            await central.start_scanning(filter_duplicates=False)
        return central

    async def release_scan(self) -> None:
        self._scan_users -= 1
        if self._scan_users == 0 and self._central is not None:
            await self._central.stop_scanning()

    async def close(self) -> None:
        """Drop every link of the host adapter; call before the event loop closes."""
        if self._central is None:
            return
        for connection in list(self._central.connections.values()):
            await connection.disconnect()
        if self._scan_users:
            self._scan_users = 0
            await self._central.stop_scanning()
        await self._central.power_off()
        self._central = None

    def backend(self) -> BumbleBackend:
        return BumbleBackend(
            scanner=type("BumbleScanner", (BumbleScanner,), {"radio": self}),
            client=type("BumbleClient", (BumbleClient,), {"radio": self}),
        )


class BumbleBackend:
    """The pair of classes to pass as ``backend=`` to BleakScanner and BleakClient."""

    def __init__(self, scanner: type[BumbleScanner], client: type[BumbleClient]) -> None:
        self.scanner = scanner
        self.client = client


def _advertisement_data(advertisement: Advertisement) -> AdvertisementData:
    data = advertisement.data
    name = data.get(AdvertisingData.COMPLETE_LOCAL_NAME) or data.get(
        AdvertisingData.SHORTENED_LOCAL_NAME
    )
    uuid_types = (
        AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.COMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.INCOMPLETE_LIST_OF_32_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
        AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
    )
    # Active scanning appends the scan response, which may repeat the advertised UUIDs.
    service_uuids = list(
        dict.fromkeys(
            bleak_uuid(uuid)
            for ad_type in uuid_types
            for uuid_list in data.get_all(ad_type)
            for uuid in uuid_list
        )
    )
    manufacturer_data = dict(data.get_all(AdvertisingData.MANUFACTURER_SPECIFIC_DATA))
    service_data = {
        bleak_uuid(uuid): bytes(payload)
        for ad_type in (
            AdvertisingData.SERVICE_DATA_16_BIT_UUID,
            AdvertisingData.SERVICE_DATA_32_BIT_UUID,
            AdvertisingData.SERVICE_DATA_128_BIT_UUID,
        )
        for uuid, payload in data.get_all(ad_type)
    }
    return AdvertisementData(
        local_name=name,
        manufacturer_data=manufacturer_data,
        service_data=service_data,
        service_uuids=service_uuids,
        tx_power=data.get(AdvertisingData.TX_POWER_LEVEL),
        rssi=advertisement.rssi,
        platform_data=(advertisement,),
    )


class BumbleScanner(BaseBleakScanner):
    radio: ClassVar[VirtualRadio]

    def __init__(
        self,
        detection_callback: Callable[..., Any] | None,
        service_uuids: list[str] | None,
        scanning_mode: str = "active",
        **kwargs: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._central: Device | None = None

    async def start(self) -> None:
        self.seen_devices = {}
        self._central = await self.radio.acquire_scan()
        self._central.on(Device.EVENT_ADVERTISEMENT, self._on_advertisement)

    async def stop(self) -> None:
        if self._central is None:
            return
        self._central.remove_listener(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
        self._central = None
        await self.radio.release_scan()

    def _on_advertisement(self, advertisement: Advertisement) -> None:
        adv = _advertisement_data(advertisement)
        if not self.is_allowed_uuid(adv.service_uuids):
            return
        address = advertisement.address.to_string(False)
        device = self.create_or_update_device(
            address, address, adv.local_name, advertisement.address, adv
        )
        self.call_detection_callbacks(device, adv)


class BumbleClient(BaseBleakClient):
    radio: ClassVar[VirtualRadio]

    def __init__(
        self,
        address_or_ble_device: BLEDevice | str,
        *,
        disconnected_callback: Callable[[], None] | None = None,
        timeout: float = 10.0,
        services: set[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            address_or_ble_device, disconnected_callback=disconnected_callback, timeout=timeout
        )
        if isinstance(address_or_ble_device, BLEDevice):
            details = address_or_ble_device.details
            self._peer_address = (
                details if isinstance(details, hci.Address) else hci.Address(self.address)
            )
            self._name = address_or_ble_device.name or self.address
        else:
            self._peer_address = hci.Address(address_or_ble_device)
            self._name = address_or_ble_device
        self._service_filter = services
        self._connection: Connection | None = None
        self._subscribers: dict[int, Callable[[bytes], None]] = {}

    @property
    def name(self) -> str:
        return self._name

    @property
    def mtu_size(self) -> int:
        return self._connection.att_mtu if self._connection else att.ATT_DEFAULT_MTU

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        if pair:
            logger.info("pairing is not emulated; connecting without it")
        central = await self.radio.central()
        try:
            connection = await central.connect(self._peer_address, timeout=self._timeout)
        except bumble_core.TimeoutError as error:
            raise TimeoutError(f"{self.address} did not answer within {self._timeout} s") from error
        except bumble_core.ConnectionError as error:
            raise BleakError(f"connecting to {self.address} failed: {error}") from error
        self._connection = connection
        connection.on(Connection.EVENT_DISCONNECTION, self._on_disconnection)
        try:
            peer = Peer(connection)
            await self._guard(peer.request_mtu(REQUESTED_MTU))
            self.services = await self._guard(self._discover(peer))
        except BaseException:
            if self._connection is not None:
                await self.disconnect()
            raise

    async def _discover(self, peer: Peer) -> BleakGATTServiceCollection:
        collection = BleakGATTServiceCollection()
        for service_proxy in await peer.discover_services():
            uuid = bleak_uuid(service_proxy.uuid)
            if self._service_filter is not None and uuid not in self._service_filter:
                continue
            service = BleakGATTService(service_proxy, service_proxy.handle, uuid)
            collection.add_service(service)
            for proxy in await service_proxy.discover_characteristics():
                properties = [
                    name
                    for bit, name in CHARACTERISTIC_PROPERTIES.items()
                    if proxy.properties & bit
                ]
                characteristic = BleakGATTCharacteristic(
                    proxy,
                    proxy.handle,
                    bleak_uuid(proxy.uuid),
                    properties,
                    lambda: self.mtu_size - 3,
                    service,
                )
                collection.add_characteristic(characteristic)
                for descriptor in await proxy.discover_descriptors():
                    collection.add_descriptor(
                        BleakGATTDescriptor(
                            descriptor,
                            descriptor.handle,
                            bleak_uuid(descriptor.type),
                            characteristic,
                        )
                    )
        return collection

    def _on_disconnection(self, reason: int) -> None:
        logger.debug("%s disconnected (reason 0x%02x)", self.address, reason)
        self._connection = None
        self._subscribers.clear()
        if self._disconnected_callback is not None:
            self._disconnected_callback()

    async def _guard(self, request: Any) -> Any:
        """Run one GATT request; turn bumble's failures into bleak's exceptions.

        bumble cancels a pending request when the link drops, which would look like our
        own task being cancelled; that case becomes a BleakError instead.
        """
        if self._connection is None:
            request.close()
            raise BleakError("Not connected")
        try:
            return await request
        except att.ATT_Error as error:
            raise BleakGATTProtocolError(error.error_code) from error
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self._connection is None and task is not None and not task.cancelling():
                raise BleakError(f"{self.address} disconnected during a request") from None
            raise

    async def disconnect(self) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            await connection.disconnect()
        except bumble_core.BaseBumbleError as error:
            logger.debug("disconnect of %s: %s", self.address, error)

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise BleakError("pairing is not emulated by the bumble backend")

    async def unpair(self) -> None:
        raise BleakError("pairing is not emulated by the bumble backend")

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        return bytearray(await self._guard(characteristic.obj.read_value()))

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        return bytearray(await self._guard(descriptor.obj.read_value()))

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: Any, response: bool
    ) -> None:
        await self._guard(characteristic.obj.write_value(bytes(data), with_response=response))

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: Any) -> None:
        await self._guard(descriptor.obj.write_value(bytes(data), with_response=True))

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        def on_value(value: bytes) -> None:
            callback(bytearray(value))

        await self._guard(characteristic.obj.subscribe(on_value, prefer_notify=True))
        self._subscribers[characteristic.handle] = on_value

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        subscriber = self._subscribers.pop(characteristic.handle, None)
        if subscriber is not None:
            await self._guard(characteristic.obj.unsubscribe(subscriber))
