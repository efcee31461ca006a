"""ELMo: parity of each part against its explicit formula, and properties of the biLM and mix."""

from __future__ import annotations

import copy

import pytest
import torch

from reproductions.common.parity import assert_all_passed, init_weights_
from reproductions.elmo import PAPER_ID, TITLE, BiLM, ElmoConfig, ScalarMix, encode_chars
from reproductions.elmo.check import run_checks
from reproductions.elmo.model import BOW, EOW, PAD_CHAR, reverse_padded
from reproductions.elmo.train import coarse_tag

pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections")


def tiny(**changes: object) -> ElmoConfig:
    base = dict(
        vocab_size=19,
        char_dim=4,
        filters=[(1, 3), (2, 4)],
        n_highway=1,
        max_chars=7,
        proj_dim=5,
        hidden=6,
        n_layers=2,
        dropout=0.0,
    )
    base.update(changes)
    return ElmoConfig(**base)


def _tiny_bilm(seed: int) -> tuple[ElmoConfig, BiLM]:
    """A float64 `tiny()` biLM with N(0, 0.3) weights, after `torch.manual_seed(seed)`."""
    torch.manual_seed(seed)
    cfg = tiny()
    model = BiLM(cfg).double().eval()
    init_weights_(model, std=0.3)
    return cfg, model


def test_parity_suite_passes_in_float64_and_float32() -> None:
    checks = run_checks(quick=True)
    assert_all_passed(checks)
    names = {c["name"] for c in checks}
    # Every part the brief names is compared, with gradients, in both precisions.
    for part in (
        "conv + max-over-time",
        "highway",
        "char CNN",
        "cell loop",
        "biLM layers",
        "biLM loss",
        "scalar mix vs sum",
        "biLM grads",
        "scalar mix grads",
    ):
        assert sum(part in n for n in names) == 1, part
    assert {c["dtype"] for c in checks} == {"float64", "float32"}


def test_package_names_paper() -> None:
    assert PAPER_ID == "1802.05365"
    assert "contextualized" in TITLE


def test_encode_chars_wraps_bytes_and_truncates() -> None:
    rows = encode_chars(["ab", "<S>", "abcdefghij"], max_chars=6)
    assert rows[0].tolist() == [BOW, ord("a") + 1, ord("b") + 1, EOW, PAD_CHAR, PAD_CHAR]
    assert rows[1, 0] == BOW and rows[1, 2] == EOW and rows[1, 1] not in (BOW, EOW, PAD_CHAR)
    # A long word keeps its first max_chars - 2 bytes and still ends with EOW.
    assert rows[2].tolist() == [BOW, *[ord(c) + 1 for c in "abcd"], EOW]


def test_reverse_padded_reverses_inside_each_length_only() -> None:
    x = torch.arange(10.0).reshape(2, 5, 1)
    out = reverse_padded(x, torch.tensor([5, 3]))
    assert out[0, :, 0].tolist() == [4, 3, 2, 1, 0]
    assert out[1, :, 0].tolist() == [7, 6, 5, 8, 9]


def test_forward_layer_ignores_the_future_and_backward_ignores_the_past() -> None:
    # The biLM's defining property: h_fwd at k sees tokens <= k only, h_bwd at k tokens >= k only.
    cfg, model = _tiny_bilm(seed=0)
    chars = torch.randint(1, 257, (1, 6, cfg.max_chars))
    changed = chars.clone()
    changed[0, 4] = torch.randint(1, 257, (cfg.max_chars,))
    a, b = model(chars).layers, model(changed).layers
    d = cfg.proj_dim
    for j in (1, 2):
        assert torch.allclose(a[j][0, :4, :d], b[j][0, :4, :d])  # forward: before the change
        assert not torch.allclose(a[j][0, 4:, :d], b[j][0, 4:, :d])
        assert torch.allclose(a[j][0, 5:, d:], b[j][0, 5:, d:])  # backward: after the change
        assert not torch.allclose(a[j][0, :5, d:], b[j][0, :5, d:])


def test_padding_does_not_change_a_sentence() -> None:
    cfg, model = _tiny_bilm(seed=1)
    chars = torch.randint(1, 257, (2, 5, cfg.max_chars))
    targets = torch.randint(0, cfg.vocab_size, (2, 5))
    alone = model(chars[:1, :3], torch.tensor([3]), targets[:1, :3])
    targets_padded = targets.clone()
    targets_padded[0, 3:] = -100
    batched = model(chars, torch.tensor([3, 5]), targets_padded)
    for h_alone, h_batch in zip(alone.layers, batched.layers, strict=True):
        assert torch.allclose(h_alone[0], h_batch[0, :3], atol=1e-12)
    single = model(chars[1:], torch.tensor([5]), targets[1:])
    # Token-weighted mean over both sentences: 2 + 4 predictions per direction.
    expected = (2 * alone.forward_loss + 4 * single.forward_loss) / 6
    assert torch.allclose(batched.forward_loss, expected, atol=1e-12)


def test_residual_connection_from_second_layer() -> None:
    cfg = tiny(n_layers=2)
    model = BiLM(cfg).double().eval()
    init_weights_(model, std=0.3)
    chars = torch.randint(1, 257, (1, 4, cfg.max_chars))
    layers = model(chars).layers
    # Zeroing layer 2's LSTM output weights leaves h_2 = h_1 (+ the residual) exactly.
    silent = copy.deepcopy(model)
    with torch.no_grad():
        for lstm in (silent.forward_layers[1], silent.backward_layers[1]):
            lstm.weight_hr_l0.zero_()
    out = silent(chars).layers
    assert torch.allclose(out[2], layers[1]) and torch.allclose(out[1], layers[1])


def test_scalar_mix_uniform_at_start_and_softmax_weighted() -> None:
    mix = ScalarMix(3).double()
    layers = [torch.full((2, 4), float(v), dtype=torch.float64) for v in (1, 2, 6)]
    assert torch.allclose(mix(layers), torch.full((2, 4), 3.0, dtype=torch.float64))
    with torch.no_grad():
        mix.scalar_parameters.copy_(torch.tensor([0.0, 0.0, 50.0]))
        mix.gamma.fill_(0.5)
    # Softmax puts (almost) all weight on layer 2; gamma scales the result.
    assert torch.allclose(mix(layers), torch.full((2, 4), 3.0, dtype=torch.float64))


def test_tied_softmax_is_shared_by_both_directions() -> None:
    model = BiLM(tiny())
    softmaxes = [
        m for m in model.modules() if isinstance(m, torch.nn.Linear) and m.out_features == 19
    ]
    assert len(softmaxes) == 1


def test_coarse_tag_drops_brown_marks() -> None:
    assert [coarse_tag(t) for t in ("nn-tl", "vb-hl", "np$", "--", "*")] == [
        "nn",
        "vb",
        "np$",
        "--",
        "*",
    ]
