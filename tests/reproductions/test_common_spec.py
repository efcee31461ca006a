"""Every train script's `CONFIGS` is one typed shape (`reproductions.common.spec`), and what a
committed results file recorded as its config is what the typed spec's `record()` gives."""

from __future__ import annotations

import dataclasses
import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from reproductions.common.spec import RunSpec, TrainedSpec
from tracker.repro import DEFAULT_PACKAGE, discover

ROOT = Path(__file__).resolve().parents[2]
TRAINABLE = sorted(r.module for r in discover(DEFAULT_PACKAGE) if r.has_train)


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _recorded(reproduction: str, run: str) -> dict[str, Any]:
    path = ROOT / "reproductions" / reproduction / "results" / f"{run}.json"
    return json.loads(path.read_text(encoding="utf-8"))["provenance"]["config"]


@pytest.mark.parametrize("module", TRAINABLE)
def test_every_config_is_a_frozen_run_spec_whose_record_is_json(module: str) -> None:
    configs = importlib.import_module(f"{module}.train").CONFIGS
    assert configs
    for name, spec in configs.items():
        assert isinstance(spec, RunSpec), (module, name)
        field = dataclasses.fields(spec)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(spec, field, None)
        record = spec.record()
        json.dumps(record)  # a results file can hold it
        if isinstance(spec, TrainedSpec):
            assert {"model", "train"} <= set(record) and "steps" in spec.train


def test_a_variant_built_with_replace_leaves_its_base_alone() -> None:
    from reproductions.seq2seq.train import CONFIGS

    assert CONFIGS["tiny"].train["steps"] == 4 and CONFIGS["small"].train["steps"] == 800
    assert CONFIGS["tiny"].arms is CONFIGS["small"].arms  # shared, as the dicts shared them
    assert CONFIGS["paper"].arms["luong"]["dropout"] == 0.2
    assert "dropout" not in CONFIGS["small"].arms["luong"]


def test_committed_results_recorded_what_the_typed_specs_record() -> None:
    from reproductions.albert.train import CONFIGS as ALBERT
    from reproductions.bert.train import CONFIGS as BERT
    from reproductions.edit_distance.train import CONFIGS as EDIT
    from reproductions.gpt2.train import DEPTH
    from reproductions.hmm.train import CONFIGS as HMM
    from reproductions.lstm_gru.train import CONFIGS as LSTM
    from reproductions.seq2seq.train import CONFIGS as SEQ2SEQ

    run_keys = {"arms", "start"}
    cases = [
        ("edit_distance", "small", EDIT["small"].record(), {"corruption"}),
        ("lstm_gru", "small", LSTM["small"].record(), set()),
        ("seq2seq", "small", SEQ2SEQ["small"].record(), {"vocab_size"}),
        ("hmm", "small", HMM["small"].record(), {"chosen_on_valid", "order", "max_sentences"}),
        ("bert", "minilm", BERT["minilm"].record(), run_keys),
        ("albert", "table4", ALBERT["table4"].record(), run_keys),
        ("gpt2", "depth", DEPTH.record(), {"model"}),  # the model as sized by the data
    ]
    for reproduction, run, record, from_the_run in cases:
        recorded = _recorded(reproduction, run)
        assert set(recorded) == set(record) | from_the_run, (reproduction, run)
        mine = {k: v for k, v in _json(record).items() if k not in from_the_run}
        assert mine == {k: recorded[k] for k in mine}, (reproduction, run)
