"""The BLE source end to end: real bleak client, bumble backend, virtual strap.

Session time is scaled (see conftest), so "5 s" below means 5 session seconds.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable

import pytest

from pausepoint.model import EventKind, HeartSample, rr_ms_from_ticks, rr_ticks_from_ms
from pausepoint.sources.simulated.scenarios import simulate
from pausepoint.strap import pmd
from pausepoint.strap.ble import (
    BleSource,
    LinkState,
    ReconnectPolicy,
    StrapLost,
    StrapNotFound,
    scan,
)

from .conftest import Rig

# Start requests as DESIGN.md gives them (Polar BLE SDK): ECG 130 Hz; ACC 200 Hz, 16 bit, 8 g.
ECG_START = bytes.fromhex("02 00 00 01 82 00 01 01 0E 00")
ACC_START = bytes.fromhex("02 02 00 01 C8 00 01 01 10 00 02 01 08 00")


async def start(rig: Rig, source: BleSource) -> asyncio.Task[None]:
    """Run the source until it streams; fail if run() ends first."""
    task = asyncio.create_task(source.run())
    streaming = asyncio.create_task(rig.until_state(source, LinkState.STREAMING))
    done, _ = await asyncio.wait({task, streaming}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        streaming.cancel()
        task.result()
        raise AssertionError("run() returned before streaming")
    return task


async def until(rig: Rig, predicate: Callable[[], bool], within_s: float = 30.0) -> None:
    """Wait (in session time) until predicate holds; fail after within_s."""
    deadline_s = rig.clock.now() + within_s
    while not predicate():
        assert rig.clock.now() < deadline_s, "condition not met in time"
        await rig.clock.sleep(0.05)


def received_rr_ms(rig: Rig) -> list[float]:
    return [rr for sample in rig.heart for rr in sample.rr_ms]


def test_scan_finds_known_and_unknown_straps(run_rig) -> None:
    async def test(rig: Rig) -> None:
        await rig.strap()
        await rig.strap(name="Acme Pulse 42", address="F1:23:45:67:89:AB", pmd_kinds=())
        found = await scan(2.0, rig.backend, sleep=rig.clock.sleep)
        by_name = {strap.name: strap for strap in found}
        assert set(by_name) == {"Polar H10 7E3A1B2C", "Acme Pulse 42"}
        h10, other = by_name["Polar H10 7E3A1B2C"], by_name["Acme Pulse 42"]
        assert (h10.address, h10.known, h10.model) == ("F0:5A:1B:2C:3D:4E", True, "Polar H10")
        assert (other.address, other.known, other.model) == ("F1:23:45:67:89:AB", False, None)
        assert all(isinstance(strap.rssi_dbm, int) for strap in found)

    run_rig(test)


@pytest.mark.parametrize("how", ["name", "address", "last_used"])
def test_connects_to_the_strap_asked_for(run_rig, how: str) -> None:
    async def test(rig: Rig) -> None:
        await rig.strap()
        wanted = await rig.strap(name="Acme Pulse 42", address="F1:23:45:67:89:AB", pmd_kinds=())
        target = {
            "name": {"name": "acme pulse 42"},
            "address": {"address": "f1:23:45:67:89:ab"},
            "last_used": {"last_used_address": "F1:23:45:67:89:AB"},
        }[how]
        source = rig.source(**target)
        task = await start(rig, source)
        assert source.info is not None
        assert (source.info.name, source.info.address) == (wanted.name, wanted.address)
        assert wanted.log.connections == 1
        assert rig.straps[0].log.connections == 0
        await source.stop()
        await task

    run_rig(test)


def test_streams_every_rr_of_a_3_minute_argument(run_rig) -> None:
    recording = simulate("argument", seed=3, minutes=3.0)
    sent = recording.heart_samples()
    sent_rr_ms = list(recording.rr_ms())

    async def test(rig: Rig) -> None:
        strap = await rig.strap(battery_pct=77)
        source = rig.source()
        task = await start(rig, source)
        await strap.play(sent)
        await until(rig, lambda: len(rig.heart) >= len(sent))
        await source.stop()
        await task

        assert all(d.delivered for d in strap.log.deliveries)
        assert len(rig.heart) == len(sent)
        assert received_rr_ms(rig) == sent_rr_ms  # none lost, none duplicated, same order
        assert all(rr_ms_from_ticks(rr_ticks_from_ms(rr)) == rr for rr in received_rr_ms(rig))
        assert [s.raw for s in rig.heart] == [d.payload for d in strap.log.deliveries]
        assert [s.hr_bpm for s in rig.heart] == [s.hr_bpm for s in sent]
        arrival_t_s = [s.t_s for s in rig.heart]
        assert arrival_t_s == sorted(arrival_t_s)
        assert arrival_t_s[-1] - arrival_t_s[0] == pytest.approx(
            sent[-1].t_s - sent[0].t_s, abs=1.0
        )
        info = rig.infos[-1]
        assert (info.battery_pct, info.body_location) == (77, "chest")
        assert (info.manufacturer, info.model) == ("Polar Electro Oy", "H10")
        assert rig.events == []
        assert not source.malformed
        assert rig.states == [
            LinkState.SCANNING,
            LinkState.CONNECTING,
            LinkState.STREAMING,
            LinkState.STOPPED,
        ]

    run_rig(test, speed=60.0)


def test_battery_notifications_update_the_info(run_rig) -> None:
    async def test(rig: Rig) -> None:
        strap = await rig.strap(battery_pct=64)
        source = rig.source()
        task = await start(rig, source)
        await strap.set_battery(41)
        await until(rig, lambda: rig.infos[-1].battery_pct == 41)
        assert [info.battery_pct for info in rig.infos] == [64, 41]
        await source.stop()
        await task

    run_rig(test)


def test_pmd_ecg_and_acc_frames_decode_with_the_right_counts(run_rig) -> None:
    async def test(rig: Rig) -> None:
        strap = await rig.strap()
        source = rig.source(acc=True, on_ecg=lambda t_s, raw: rig.ecg_frames.append((t_s, raw)))
        task = await start(rig, source)
        await until(rig, lambda: len(rig.ecg_frames) >= 20 and len(rig.motion) >= 40)
        await source.stop()
        await task

        assert strap.log.pmd_requests == [ECG_START, ACC_START]
        frames = [pmd.parse_data_frame(raw) for _, raw in rig.ecg_frames]
        assert all(isinstance(frame, pmd.EcgFrame) for frame in frames)
        assert {len(frame) for frame in frames} == {73}
        steps_ns = {b.timestamp_ns - a.timestamp_ns for a, b in itertools.pairwise(frames)}
        assert all(step / 73 == pytest.approx(1e9 / 130, rel=1e-6) for step in steps_ns)
        # Every frame sent arrived, in order; the one in flight at stop() may be cut off.
        ecg_sent = strap.log.pmd_sent(pmd.MeasurementType.ECG)
        assert [raw for _, raw in rig.ecg_frames] == [f.frame for f in ecg_sent[: len(frames)]]
        assert len(ecg_sent) - len(frames) <= 1
        acc_sent = strap.log.pmd_sent(pmd.MeasurementType.ACC)
        assert {f.samples for f in acc_sent} == {36}
        assert 0 <= len(acc_sent) - len(rig.motion) <= 1
        expected_g = [pmd.motion_g(pmd.parse_data_frame(f.frame)) for f in acc_sent]
        assert [m.motion_g for m in rig.motion] == expected_g[: len(rig.motion)]
        assert max(expected_g) > 0.01  # the strap's 1 Hz sway shows as movement

    run_rig(test, speed=25.0)


def test_a_strap_without_pmd_streams_heart_rate_alone(run_rig) -> None:
    async def test(rig: Rig) -> None:
        strap = await rig.strap(name="Acme Pulse 42", address="F1:23:45:67:89:AB", pmd_kinds=())
        source = rig.source(acc=True, on_ecg=lambda t_s, raw: rig.ecg_frames.append((t_s, raw)))
        task = await start(rig, source)
        await strap.notify(strap.heart_rate, bytes.fromhex("10 3C 00 04"))
        await until(rig, lambda: len(rig.heart) == 1)
        await source.stop()
        await task
        assert rig.heart[0].rr_ms == (1000.0,)
        assert rig.motion == [] and rig.ecg_frames == []
        assert strap.log.pmd_requests == []

    run_rig(test)


def test_drop_and_return_reconnects_with_one_gap(run_rig) -> None:
    sent = simulate("argument", seed=5, minutes=1.5).heart_samples()

    async def test(rig: Rig) -> None:
        strap = await rig.strap()
        source = rig.source()
        task = await start(rig, source)
        play_start_s = rig.clock.now()
        play = asyncio.create_task(strap.play(sent, start_t_s=play_start_s))
        await strap.reached(play_start_s + 30.0)
        dropped_at_s = rig.clock.now()
        await strap.drop()
        await strap.reached(play_start_s + 50.0)
        returned_at_s = rig.clock.now()
        await strap.come_back()
        await play
        delivered_rr_ms = strap.log.delivered_rr_ms
        await until(rig, lambda: len(received_rr_ms(rig)) >= len(delivered_rr_ms))
        await source.stop()
        await task

        (gap,) = rig.events_of(EventKind.GAP)
        (reconnected,) = rig.events_of(EventKind.RECONNECTED)
        assert dropped_at_s <= gap.t_s < dropped_at_s + 1.0
        assert returned_at_s < reconnected.t_s <= returned_at_s + 5.0
        assert reconnected.detail["gap_s"] == pytest.approx(reconnected.t_s - gap.t_s, abs=0.01)
        assert [e.kind for e in rig.events] == [EventKind.GAP, EventKind.RECONNECTED]
        assert rig.states == [
            LinkState.SCANNING,
            LinkState.CONNECTING,
            LinkState.STREAMING,
            LinkState.RECONNECTING,
            LinkState.STREAMING,
            LinkState.STOPPED,
        ]
        assert strap.log.connections == 2
        # Each attempt to get back was a fresh scan; the first scan found the strap at start.
        assert rig.radio.scans_started == 1 + reconnected.detail["attempts"]
        lost = [d for d in strap.log.deliveries if not d.delivered]
        assert 19 <= len(lost) <= 26  # the 20 s away, plus the time to reconnect
        assert received_rr_ms(rig) == delivered_rr_ms  # what was sent arrived, once
        after = [s for s in rig.heart if s.t_s > reconnected.t_s]
        assert len(after) >= 35  # the stream went on to the end of the recording

    run_rig(test, speed=10.0)


def test_user_disconnect_does_not_reconnect(run_rig) -> None:
    sent = [HeartSample(t_s=float(i), hr_bpm=60, rr_ms=(1000.0,)) for i in range(60)]

    async def test(rig: Rig) -> None:
        strap = await rig.strap()
        source = rig.source()
        task = await start(rig, source)
        play_start_s = rig.clock.now()
        play = asyncio.create_task(strap.play(sent, start_t_s=play_start_s))
        await strap.reached(play_start_s + 20.0)
        await source.stop()
        await task  # run() returns: a requested disconnect is no failure
        await play  # 40 s more with the strap advertising and nobody coming back

        assert strap.log.connections == 1
        assert strap.log.disconnections == 1
        assert rig.events == []
        assert LinkState.RECONNECTING not in rig.states
        assert rig.states[-1] == LinkState.STOPPED
        # What was sent before stop() arrived, once; a notification in flight may be cut off.
        delivered_rr_ms = strap.log.delivered_rr_ms
        assert received_rr_ms(rig) == delivered_rr_ms[: len(received_rr_ms(rig))]
        assert 21 <= len(rig.heart) <= 22 and len(delivered_rr_ms) - len(rig.heart) <= 1

    run_rig(test, speed=25.0)


def test_malformed_notifications_are_counted_and_do_not_stop_the_stream(
    run_rig, caplog: pytest.LogCaptureFixture
) -> None:
    good = bytes.fromhex("16 48 55 03 48 03")  # 72 bpm, RR 833.0 and 820.3 ms
    bad = {
        "heart_rate:empty": b"",
        "heart_rate:truncated": bytes.fromhex("11 48"),  # uint16 HR cut short
        "heart_rate:odd_rr_bytes": bytes.fromhex("10 3C 00 04 00"),
        "heart_rate:trailing_bytes": bytes.fromhex("E0 3C 55 AA"),  # garbage flags
        "heart_rate:zero_rr": bytes.fromhex("10 3C 00 00"),
    }

    async def test(rig: Rig) -> None:
        strap = await rig.strap()
        source = rig.source(acc=True)
        task = await start(rig, source)
        for payload in [good, *bad.values(), good, *bad.values(), good]:
            await strap.notify(strap.heart_rate, payload)
        await strap.notify(strap.pmd_data, bytes.fromhex("02 01 02"))
        await until(rig, lambda: len(rig.heart) == 3 and sum(source.malformed.values()) == 11)
        await until(rig, lambda: len(rig.motion) >= 2)  # PMD frames still decode
        await strap.notify(strap.heart_rate, good)
        await until(rig, lambda: len(rig.heart) == 4)
        await source.stop()
        await task

        assert dict(source.malformed) == {**{kind: 2 for kind in bad}, "pmd_data:truncated": 1}
        assert [s.raw for s in rig.heart] == [good] * 4
        assert rig.heart[0].rr_ms == (rr_ms_from_ticks(0x0355), rr_ms_from_ticks(0x0348))
        warnings = [r for r in caplog.records if "malformed" in r.getMessage()]
        assert len(warnings) == len(bad) + 1  # once per kind
        assert rig.events == []

    with caplog.at_level(logging.WARNING, logger="pausepoint.strap.ble"):
        run_rig(test)


def test_no_strap_raises_strap_not_found(run_rig) -> None:
    async def test(rig: Rig) -> None:
        source = rig.source()
        with pytest.raises(StrapNotFound) as raised:
            await source.run()
        assert "\n" not in str(raised.value)
        assert "no heart-rate strap found" in str(raised.value)
        assert rig.states == [LinkState.SCANNING, LinkState.STOPPED]

    run_rig(test)


def test_a_strap_that_never_returns_is_lost(run_rig) -> None:
    async def test(rig: Rig) -> None:
        strap = await rig.strap()
        source = rig.source(policy=ReconnectPolicy(give_up_after_s=30.0))
        task = await start(rig, source)
        dropped_at_s = rig.clock.now()
        await strap.drop()
        with pytest.raises(StrapLost):
            await task
        assert rig.clock.now() - dropped_at_s == pytest.approx(30.0, abs=10.0)
        assert [e.kind for e in rig.events] == [EventKind.GAP]
        assert rig.states[-2:] == [LinkState.RECONNECTING, LinkState.LOST]
        assert strap.log.connections == 1

    run_rig(test)


def test_a_failing_consumer_stops_the_source_with_its_error(run_rig) -> None:
    async def test(rig: Rig) -> None:
        strap = await rig.strap()

        def explode(_sample: object) -> None:
            raise ZeroDivisionError("consumer bug")

        source = BleSource(explode, clock=rig.clock.now, sleep=rig.clock.sleep, backend=rig.backend)
        task = asyncio.create_task(source.run())
        await until(rig, lambda: strap.subscribed(strap.heart_rate))
        await strap.notify(strap.heart_rate, bytes.fromhex("10 3C 00 04"))
        with pytest.raises(ZeroDivisionError):
            await task
        assert source.state == LinkState.STOPPED
        await until(rig, lambda: not strap.device.connections)

    run_rig(test)
