"""The claim experiments' commands: help with an example, and the small pure pieces their claims
rest on (loss read at equal seconds, paired bootstrap of BLEU, Kim's multichannel layer)."""

from __future__ import annotations

import pytest
import torch


@pytest.mark.parametrize(
    "module",
    [
        "reproductions.transformer.versus",
        "reproductions.classifiers.kim",
        "reproductions.lstm_gru.dropout",
    ],
)
def test_help_has_an_example(module: str, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    main = importlib.import_module(module).main
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    assert f"Example: python -m {module}" in capsys.readouterr().out


def test_loss_at_seconds_interpolates_between_evaluations() -> None:
    from reproductions.transformer.versus import loss_at_seconds

    loss = [[50, 6.0], [100, 5.0], [150, 4.0]]
    seconds = [[50, 10.0], [100, 30.0], [150, 50.0]]
    assert loss_at_seconds(loss, seconds, 20.0) == pytest.approx(5.5)
    assert loss_at_seconds(loss, seconds, 50.0) == pytest.approx(4.0)
    assert loss_at_seconds(loss, seconds, 99.0) == 4.0  # past the end: the last loss


def test_paired_bootstrap_gives_zero_spread_for_identical_systems() -> None:
    from reproductions.transformer.versus import paired_bootstrap_bleu

    refs = ["el dijo que si", "y fue la luz", "en el principio"] * 4
    a, b, se = paired_bootstrap_bleu(refs, refs, refs, samples=20)
    assert a == b == pytest.approx(100.0) and se == 0.0
    worse = ["el dijo", "y la", "en el principio"] * 4
    a, b, se = paired_bootstrap_bleu(refs, worse, refs, samples=50)
    assert a > b and se > 0


def test_multichannel_filters_are_shared_and_the_bias_counted_once() -> None:
    from reproductions.classifiers.kim import MultichannelCNN
    from reproductions.classifiers.model import TextCNN, TextCNNConfig

    torch.manual_seed(0)
    cfg = TextCNNConfig(vocab_size=10, embed_dim=4, n_filters=3, widths=(2,), dropout=0.0)
    vectors = torch.randn(10, 4)
    model = MultichannelCNN(cfg, vectors)
    ids = torch.tensor([[2, 3, 4, 0]])
    # With both channels equal, w.x + w.x + b is one filter over 2x the input: compare with a
    # single-channel CNN whose embedding is doubled.
    single = TextCNN(cfg)
    single.load_state_dict({k: v for k, v in model.state_dict().items() if k != "static.weight"})
    single.embedding.weight.data.mul_(2.0)
    assert torch.allclose(model.features(ids), single.features(ids), atol=1e-6)
    model.embedding.weight.data.add_(1.0)  # the tuned channel moves, the static one does not
    assert torch.equal(model.static.weight, vectors)


def test_dropout_claim_needs_every_seed_and_a_margin_beyond_two_standard_errors() -> None:
    from reproductions.lstm_gru.dropout import claim_of

    seeds = [0, 1, 2]
    clear = claim_of(
        {"no dropout": [200.0, 201.0, 202.0], "dropout 0.5": [190.0, 190.5, 192.0]}, seeds
    )
    assert clear.holds and clear.evidence["reductions"] == [10.0, 10.5, 10.0]
    # Lower perplexity is better: the arms the other way round must not hold.
    swapped = claim_of(
        {"no dropout": [190.0, 190.5, 192.0], "dropout 0.5": [200.0, 201.0, 202.0]}, seeds
    )
    assert not swapped.holds
    one_seed_lost = claim_of(
        {"no dropout": [200.0, 201.0, 190.0], "dropout 0.5": [190.0, 190.5, 192.0]}, seeds
    )
    assert not one_seed_lost.holds
    noisy = claim_of(
        {"no dropout": [189.0, 191.0, 190.0], "dropout 0.5": [188.9, 185.0, 189.9]}, seeds
    )
    assert not noisy.holds  # ahead on every seed, but the mean is within 2 SE
