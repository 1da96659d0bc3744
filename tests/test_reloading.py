"""In-memory copies of data files are rebuilt when a file is replaced, in every process: the
stamp check (inode, time, size) at most once every few seconds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fieldcrm import reloading
from fieldcrm.config import Settings
from fieldcrm.geocoding.gazetteer import gazetteer_cache, load_gazetteer
from fieldcrm.reloading import FileBacked, stamps
from fieldcrm.services import roads

HEADER = (
    "code_insee,nom,type,commune_parent,code_departement,codes_postaux,population,"
    "latitude,longitude\n"
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _replace(path: Path, text: str) -> None:
    """Write ``text`` beside ``path`` and rename it over (how a deploy replaces a file)."""
    fresh = path.with_suffix(".new")
    fresh.write_text(text, encoding="utf-8")
    os.replace(fresh, path)


def test_value_is_rebuilt_only_after_its_file_changes_and_the_interval_passes(
    tmp_path: Path,
) -> None:
    source = tmp_path / "data.txt"
    source.write_text("one", encoding="utf-8")
    clock = Clock()
    cache = FileBacked(lambda: source.read_text(encoding="utf-8"), lambda: [source], clock=clock)
    cache.check_every_s = 5.0
    assert not cache.loaded
    assert cache.get() == "one" and cache.builds == 1
    _replace(source, "two")
    clock.now += 4.9
    assert cache.get() == "one"  # not checked yet: at most one stat per interval
    clock.now += 0.2
    assert cache.get() == "two" and cache.builds == 2
    clock.now += 10
    assert cache.get() == "two" and cache.builds == 2  # unchanged file: not rebuilt


def test_same_size_and_time_but_another_file_is_a_change(tmp_path: Path) -> None:
    source = tmp_path / "data.txt"
    source.write_text("aaa", encoding="utf-8")
    before = stamps([source])
    info = source.stat()
    _replace(source, "bbb")
    os.utime(source, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert stamps([source]) != before  # the inode tells the replaced file apart


def test_a_missing_file_is_a_stamp_and_its_arrival_a_change(tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    missing = stamps([extra])
    assert missing == ((str(extra), 0, 0, -1),)
    extra.write_text("x", encoding="utf-8")
    assert stamps([extra]) != missing


def test_replaced_communes_file_reloads_the_gazetteer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reloading, "CHECK_EVERY_S", 0.0)
    communes = tmp_path / "communes.csv"
    communes.write_text(HEADER + "06088,Nice,COM,,06,06000,340000,43.70,7.27\n", "utf-8")
    first = load_gazetteer(communes)
    assert [c.name for c in first.communes] == ["Nice"]
    assert load_gazetteer(communes) is first  # unchanged: the same object
    _replace(communes, HEADER + "06029,Cannes,COM,,06,06400,74000,43.55,7.01\n")
    second = load_gazetteer(communes)
    assert [c.name for c in second.communes] == ["Cannes"]
    assert gazetteer_cache(communes).builds == 2


def test_replaced_road_file_reloads_the_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reloading, "CHECK_EVERY_S", 0.0)
    network = tmp_path / "roads.osm.pbf"
    network.write_bytes(b"first")
    built: list[bytes] = []

    def fake_load(settings: Settings) -> object:
        built.append(Path(settings.road_network_file).read_bytes())
        return object()

    monkeypatch.setattr(roads, "_load", fake_load)
    settings = Settings(_env_file=None, road_network_file=network, road_cache_dir=tmp_path)
    first = roads._loaded(settings)
    assert roads._loaded(settings) is first and built == [b"first"]
    network.write_bytes(b"second, longer")
    assert roads._loaded(settings) is not first
    assert built == [b"first", b"second, longer"]
