"""The lab's numbers (tracker/lab): analogies equal gensim's `most_similar` on the same vectors,
attention maps equal Hugging Face's `output_attentions` for the real MiniLM, the sinusoidal
rotation property holds to 1e-12 in both layouts, the residual std at init and the traced beam
search agree with the reproductions' own models."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

torch = pytest.importorskip("torch")

from tracker.lab import attention, decoding, depth, positions, vectors  # noqa: E402

# ----------------------------------------------------------------------------- word vectors

QUERIES = [
    (["king", "woman"], ["man"]),
    (["paris", "england"], ["france"]),
    (["good", "worse"], ["bad"]),
    (["walking", "ran"], ["walked"]),
    (["he", "her"], ["him"]),
]


@pytest.fixture(scope="module", params=vectors.ARCHS)
def wv(request: pytest.FixtureRequest) -> vectors.WordVectors:
    return vectors.load_vectors(request.param)


def test_analogy_matches_gensim_most_similar_on_the_same_vectors(wv) -> None:
    kv = wv.keyed_vectors()
    for positive, negative in QUERIES:
        ours = vectors.most_similar(wv, positive, negative, topn=10)
        ref = kv.most_similar(positive=positive, negative=negative, topn=10)
        assert [w for w, _ in ours] == [w for w, _ in ref], (positive, negative)
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in ref], atol=1e-6)
    a, b, c = vectors.DEFAULT_ANALOGY
    assert vectors.analogy(wv, a, b, c, 5) == vectors.most_similar(wv, [a, c], [b], 5)


def test_neighbours_match_gensim_and_leave_the_word_out(wv) -> None:
    kv = wv.keyed_vectors()
    for word in ("france", "money", "said"):
        ours = vectors.neighbours(wv, word, 8)
        assert word not in [w for w, _ in ours]
        assert [w for w, _ in ours] == [w for w, _ in kv.most_similar(word, topn=8)]


def test_unknown_word_is_a_key_error_naming_it(wv) -> None:
    with pytest.raises(KeyError, match="qwertyuiop"):
        vectors.analogy(wv, "king", "qwertyuiop", "woman")


def test_shipped_vectors_record_a_clean_build_of_both_architectures() -> None:
    record = vectors.load_provenance()
    assert record["git_dirty"] is False and len(record["git_commit"]) == 40
    assert record["command"] == "python -m tracker.lab.vectors build"
    assert set(record["archs"]) == set(vectors.ARCHS)
    sg, cbow = vectors.load_vectors("sg"), vectors.load_vectors("cbow")
    assert sg.words == cbow.words and len(sg.words) == record["kept_words"]
    assert not np.allclose(sg.vectors, cbow.vectors)  # two different trainings, not one copy


def test_pca_matches_sklearn_up_to_the_axis_sign(wv) -> None:
    from sklearn.decomposition import PCA

    words, xy = vectors.projection(wv, vectors.DEFAULT_PROJECTION)
    ref = PCA(n_components=2).fit_transform(wv.unit[[wv.index[w] for w in words]])
    np.testing.assert_allclose(np.abs(xy), np.abs(ref), atol=1e-5)
    assert words == vectors.DEFAULT_PROJECTION


def test_projector_export_round_trips_vectors_and_words(wv) -> None:
    vectors_tsv, metadata_tsv = vectors.projector_tsv(wv, limit=50)
    rows = [[float(x) for x in line.split("\t")] for line in vectors_tsv.splitlines()]
    assert metadata_tsv.splitlines() == wv.words[:50]
    np.testing.assert_allclose(np.array(rows), wv.vectors[:50], rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- positions


@pytest.mark.parametrize("layout", positions.LAYOUTS)
@pytest.mark.parametrize("k", [0, 1, 7, 50])
@pytest.mark.parametrize("dim", [16, 64, 512])
def test_rotation_turns_pe_pos_into_pe_pos_plus_k(layout: str, k: int, dim: int) -> None:
    check = positions.check_rotation(k, dim, layout, positions=200)
    assert check.max_abs_diff < 1e-12 and check.holds()
    R = positions.rotation(k, dim, layout)
    np.testing.assert_allclose(R @ R.T, np.eye(dim), atol=1e-14)  # a rotation: orthogonal


def test_rotation_of_the_other_layout_does_not_hold() -> None:
    table = positions.position_table(60, 64, "halves")
    wrong = np.abs(table[:50] @ positions.rotation(5, 64, "interleaved").T - table[5:55]).max()
    assert wrong > 0.5


def test_position_table_is_the_paper_formula() -> None:
    table = positions.position_table(10, 8, "interleaved")
    assert table[3, 2] == pytest.approx(np.sin(3 / 10000 ** (2 / 8)), abs=1e-15)
    assert table[3, 3] == pytest.approx(np.cos(3 / 10000 ** (2 / 8)), abs=1e-15)
    halves = positions.position_table(10, 8, "halves")
    assert halves[3, 1] == table[3, 2] and halves[3, 5] == table[3, 3]


# ----------------------------------------------------------------------------- depth


def test_residual_std_is_measured_on_the_blocks_outputs() -> None:
    from reproductions.gpt2 import GPT2LMHeadModel
    from reproductions.gpt2.model import GPT2Config

    stds = depth.residual_stds(6, scaled=False, seed=3)
    torch.manual_seed(3)
    model = GPT2LMHeadModel(
        GPT2Config(
            vocab_size=depth.VOCAB,
            n_positions=depth.TOKENS,
            n_embd=depth.WIDTH,
            n_layer=6,
            n_head=depth.HEADS,
            scale_residual_init=False,
        )
    ).eval()
    ids = torch.randint(
        0, depth.VOCAB, (depth.BATCH, depth.TOKENS), generator=torch.Generator().manual_seed(4)
    )
    with torch.no_grad():
        x = model.transformer.wte(ids) + model.transformer.wpe(torch.arange(depth.TOKENS))
        expected = [float(x.std())]
        for block in model.transformer.h:
            x = block(x)
            expected.append(float(x.std()))
    np.testing.assert_allclose(stds, expected, rtol=1e-6)


def test_scaled_init_keeps_the_residual_stream_small_at_depth() -> None:
    profiles = {n: depth.depth_profile(n) for n in depth.DEPTHS}
    for n, p in profiles.items():
        assert len(p.scaled) == len(p.unscaled) == n + 1
        assert p.scaled[0] == p.unscaled[0]  # same embedding draws, only c_proj differs
    # Without the scaling the top of the stream grows with depth; with it, it barely moves.
    tops = [profiles[n].unscaled[-1] for n in depth.DEPTHS]
    assert tops == sorted(tops) and tops[-1] > 1.5 * tops[0]
    scaled_tops = [profiles[n].scaled[-1] for n in depth.DEPTHS]
    assert max(scaled_tops) < 1.3 * min(scaled_tops)
    assert profiles[48].unscaled[-1] > 4 * profiles[48].scaled[-1]


def test_ablation_curves_split_the_two_arms() -> None:
    results = {
        "curves": {
            "val_loss (scaled init)": [[0, 3.0]],
            "val_loss (unscaled init)": [[0, 3.5]],
            "lr": [[0, 1]],
        }
    }
    assert depth.ablation_curves(results) == {
        "val_loss": {"scaled": [[0, 3.0]], "unscaled": [[0, 3.5]]}
    }


# ----------------------------------------------------------------------------- decoding


@pytest.fixture(scope="module")
def toy():
    return decoding.train_toy_model()


@pytest.mark.parametrize("source", ["3 1 4 1 5", "9 2 6 5 3 5", "7", "2 7 1 8 2 8"])
def test_traced_beam_search_returns_what_generate_returns(toy, source: str) -> None:
    ids = decoding.encode_source(source)
    for beam in (1, 2, 3, 5):
        trace = decoding.traced_beam_search(toy, ids, beam)
        if beam == 1:
            continue  # generate(num_beams=1) is greedy, not a beam of one
        ref = toy.generate(torch.tensor([ids]), max_new_tokens=decoding.MAX_LEN, num_beams=beam)[0]
        ref = ref.tolist()
        assert trace.best_ids == ref[: len(trace.best_ids)], (source, beam)
        assert all(t == decoding.PAD for t in ref[len(trace.best_ids) :])
        # The tree: at most `beam` kept per step, the best hypothesis is a finished node.
        steps = {n.step for n in trace.nodes}
        for step in steps:
            assert sum(n.status == "live" for n in trace.nodes if n.step == step) <= beam
        path = decoding.best_path(trace)
        tokens = [n.token for n in sorted((trace.nodes[i] for i in path), key=lambda n: n.step)]
        assert [t for t in tokens if t != "</s>"] == trace.best


def test_greedy_matches_generate_and_its_log_probability(toy) -> None:
    ids = decoding.encode_source("3 1 4")
    tokens, logp = decoding.greedy(toy, ids)
    out = toy.generate(torch.tensor([ids]), max_new_tokens=decoding.MAX_LEN)[0].tolist()
    assert tokens == decoding.decode_ids(out)
    trace = decoding.traced_beam_search(toy, ids, 1)
    # A beam of one is greedy with the same summed log p, divided by the length.
    assert trace.best == tokens
    assert trace.best_score == pytest.approx(logp / (len(tokens) + 1), abs=1e-5)
    assert trace.best_logp == pytest.approx(logp, abs=1e-5)


def test_bad_source_names_the_unknown_tokens() -> None:
    with pytest.raises(KeyError, match="x"):
        decoding.encode_source("3 x 4")
    with pytest.raises(KeyError):
        decoding.encode_source("   ")


# ----------------------------------------------------------------------------- attention


def test_head_marks_name_the_pattern_of_hand_made_maps() -> None:
    tokens = ["[CLS]", "play", "##ing", "go", "[SEP]"]
    T = len(tokens)
    prev = np.eye(T, k=-1)
    prev[0, 0] = 1  # [CLS] has no previous token: it looks at itself
    cls = np.zeros((T, T))
    cls[:, 0] = 1
    same = np.eye(T)
    same[1, 1], same[1, 2], same[2, 2], same[2, 1] = 0, 1, 0, 1
    maps = np.stack([prev, cls, np.full((T, T), 1 / T), same])[None]  # (1, 4, T, T)
    run = attention.AttentionRun(tokens, maps, attention.word_ids(tokens))
    assert run.word_ids == [0, 1, 1, 2, 3]
    assert attention.head_marks(run)[0][:3] == ["prev", "cls", "broad"]
    masses = attention.mark_masses(run)
    assert masses[0, 1, 0] == pytest.approx(1.0)  # all of head 1 on [CLS]
    assert masses[0, 3, attention.MARKS.index("same_word")] == pytest.approx(2 / T)
    assert attention.cls_mass_per_layer(run)["cls"][0] == pytest.approx(np.mean(masses[0, :, 0]))


@pytest.fixture(scope="module")
def minilm():
    from reproductions.bert.reference import load_local_bert
    from reproductions.common import data

    try:
        folder = data.minilm_dir()
    except data.DataMissing as err:
        pytest.fail(f"{err} (the lab's attention view needs the real weights)")
    ours, tokenizer = attention.load_minilm()
    return ours, tokenizer, load_local_bert(folder, attn_implementation="eager")


@pytest.mark.parametrize(
    "sentence",
    ["The cat sat on the mat because it was tired.", "나는 어제 도서관에서 책을 읽었다."],
)
def test_attention_maps_equal_hugging_face_output_attentions(minilm, sentence: str) -> None:
    ours, tokenizer, hf = minilm
    run = attention.run_sentence(ours, tokenizer, sentence)
    ids = torch.tensor([tokenizer.encode(sentence).input_ids])
    with torch.no_grad():
        ref = hf(input_ids=ids, output_attentions=True).attentions
    assert len(ref) == run.layers == 6 and ref[0].shape[1] == run.heads == 12
    ref = torch.stack(ref)[:, 0].double().numpy()
    assert np.abs(run.attentions - ref).max() < 1e-5  # float32, 6 layers of real weights
    np.testing.assert_allclose(run.attentions.sum(-1), 1.0, atol=1e-5)


def test_attention_maps_equal_hugging_face_in_float64_with_padding(minilm) -> None:
    import copy

    ours, tokenizer, hf = minilm
    ours64, hf64 = copy.deepcopy(ours).double(), copy.deepcopy(hf).double()
    from reproductions.bert.sentence_embedding import batch_encode

    enc = batch_encode(tokenizer, ["A short one.", "A much longer sentence with many more words."])
    assert bool((enc["attention_mask"] == 0).any())
    probs = attention.attention_probs(ours64, enc["input_ids"], enc["attention_mask"])
    with torch.no_grad():
        ref = torch.stack(hf64(**enc, output_attentions=True).attentions)
    real = enc["attention_mask"].bool()
    for b in range(2):
        q = real[b]
        got, want = probs[:, b][:, :, q][..., q], ref[:, b][:, :, q][..., q]
        assert (got - want).abs().max() < 1e-10
    pads = ~real[0]  # the short sentence is padded: its padded keys get nothing
    assert float(probs[:, 0][..., pads].abs().max()) == 0.0


# ----------------------------------------------------------------------------- commands


@pytest.mark.parametrize("module", ["tracker.lab.vectors", "tracker.lab.static"])
def test_lab_commands_have_help_with_an_example(module: str) -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", module, "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert f"Example: python -m {module} build" in out
