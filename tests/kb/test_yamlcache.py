"""The parse cache of knowledge-base files (engine/kb/yamlcache.py): the same data as a fresh parse, keyed by the
file's bytes, never holding a file that failed, passed over when broken or turned off."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.kb import yamlcache
from engine.kb.loader import DEFAULT_KB_PATH, load_kb
from engine.kb.yamlio import DuplicateKeyError, load_yaml, load_yaml_text


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SMART_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.marshal"))


def test_cached_data_equal_a_fresh_parse(cache: Path) -> None:
    files = sorted(DEFAULT_KB_PATH.rglob("*.yaml"))
    assert files
    first = {p: load_yaml(p) for p in files}
    assert len(_entries(cache)) == len({p.read_bytes() for p in files})
    for path in files:
        fresh = load_yaml_text(path.read_text(encoding="utf-8"))
        cached = load_yaml(path)
        assert cached == fresh == first[path]
        assert cached is not first[path] or not isinstance(cached, dict | list)  # never a shared object


def test_a_changed_file_is_parsed_again(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\nb: [x, 2.5, null, true]\n", encoding="utf-8")
    assert load_yaml(path) == {"a": 1, "b": ["x", 2.5, None, True]}
    path.write_text("a: 2\n", encoding="utf-8")
    assert load_yaml(path) == {"a": 2}
    assert len(_entries(cache)) == 2


def test_a_file_that_fails_is_never_cached(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DuplicateKeyError):
            load_yaml(path)
    assert _entries(cache) == []


def test_a_broken_cache_entry_is_passed_over(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("k: {x: 1}\n", encoding="utf-8")
    load_yaml(path)
    (entry,) = _entries(cache)
    entry.write_bytes(b"\x00not marshal")
    assert load_yaml(path) == {"k": {"x": 1}}


def test_off_and_unwritable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("k: 1\n", encoding="utf-8")
    monkeypatch.setenv("SMART_AUDIT_CACHE_DIR", "off")
    assert yamlcache.cache_dir() is None and load_yaml(path) == {"k": 1}
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("SMART_AUDIT_CACHE_DIR", str(blocker))  # cannot hold a directory: the cache is passed over
    assert load_yaml(path) == {"k": 1}


def test_the_knowledge_base_loads_the_same_from_the_cache(cache: Path) -> None:
    fresh = load_kb()
    cached = load_kb()
    assert _entries(cache)
    assert cached.version.hash == fresh.version.hash
    assert sorted(cached.rules) == sorted(fresh.rules) and sorted(cached.options) == sorted(fresh.options)


def test_a_failed_write_leaves_no_temporary_file(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("k: 1\n", encoding="utf-8")

    def refuse(src: str, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(yamlcache.os, "replace", refuse)
    assert load_yaml(path) == {"k": 1}
    assert [p for p in cache.rglob("*") if p.is_file()] == []
