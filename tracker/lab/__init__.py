"""The dashboard's lab bench ("실험실"): the computations behind each lab view, free of Streamlit.

Each submodule owns one view's numbers: `vectors` (Word2Vec neighbours, analogies, projection),
`attention` (MiniLM attention maps through our BertModel), `positions` (sinusoidal table and
its rotation property), `depth` (GPT-2 residual-stream std at init), `decoding` (greedy and
beam search as a tree). The pages under `tracker/dashboard/views/lab_*.py` only draw what these
return, and `figures` renders the same numbers as static SVGs for the site.

All words a reader sees live in `LABELS` below, so that a message catalog can take them over.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator

REPRO_INSTALL = "pip install -e '.[repro]'"

# One place for every label the lab pages show (Korean, as the team reads it).
LABELS: dict[str, str] = {
    "section": "실험실",
    "missing_repro": "이 보기는 재현용 패키지(torch 등)가 필요합니다: `{command}`",
    "missing_data": "필요한 데이터가 없습니다: {error}",
    # word vectors
    "vectors_title": "단어 벡터",
    "vectors_intro": (
        "우리 Word2Vec 구현으로 학습한 벡터입니다 (말뭉치: {corpus}, {words:,} 단어, "
        "어휘 {vocab:,}개). 단어들 사이의 관계가 벡터의 덧셈과 뺄셈으로 표현되는지 직접 봅니다."
    ),
    "vectors_word": "단어",
    "vectors_neighbours": "가장 가까운 단어",
    "vectors_analogy": "유추: a − b + c",
    "vectors_oov": "'{word}'는 어휘에 없습니다 (Brown 말뭉치의 영어 소문자 단어만 있습니다).",
    "vectors_projection": "2차원 투영 ({method})",
    "vectors_projection_words": "투영할 단어",
    "vectors_export": "TensorBoard Embedding Projector로 내보내기",
    "vectors_umap_missing": "UMAP은 설치되어 있지 않아 PCA만 보입니다 (`pip install umap-learn`).",
    "vectors_similarity": "코사인 유사도",
    "vectors_rank": "순위",
    # attention
    "attention_title": "어텐션 헤드",
    "attention_intro": (
        "all-MiniLM-L6-v2의 실제 가중치를 우리 BertModel에 싣고 문장을 넣어 각 층·헤드의 "
        "어텐션을 봅니다 ({layers}층 × {heads}헤드)."
    ),
    "attention_sentence": "문장 (한국어도 영어도 됩니다)",
    "attention_jamo": (
        "MiniLM의 어휘는 영어 위주라 한글은 자모 조각으로 쪼개집니다: 한국어 문장에서는 "
        "'같은 단어' 표시가 자모들 사이의 어텐션입니다."
    ),
    "attention_example": "예문",
    "attention_tokens": "토큰: {tokens}",
    "attention_grid": "모든 층 × 헤드",
    "attention_head": "헤드 하나 자세히",
    "attention_layer": "층",
    "attention_head_index": "헤드",
    "attention_marks": "각 헤드가 주로 보는 곳",
    "attention_cls": "[CLS]로 가는 어텐션 비율 (층별 평균)",
    "attention_cls_caption": (
        "BERT의 CLS token: 왜 여기로 정보가 집중될까? 층마다 모든 토큰·헤드가 [CLS]에 주는 "
        "어텐션 질량의 평균입니다. [SEP]도 함께 봅니다."
    ),
    "attention_query": "보내는 토큰 (query)",
    "attention_key": "받는 토큰 (key)",
    "mark_cls": "[CLS]",
    "mark_sep": "[SEP]",
    "mark_prev": "이전 토큰",
    "mark_next": "다음 토큰",
    "mark_self": "자기 자신",
    "mark_same_word": "같은 단어",
    "mark_broad": "고르게",
    # positions
    "positions_title": "위치 인코딩",
    "positions_intro": (
        "$PE_{pos+k}$가 $PE_{pos}$의 linear function이 되는지 봅니다: 주파수마다 2×2 회전 "
        "$R_k$를 곱하면 $PE_{pos}$가 $PE_{pos+k}$가 됩니다."
    ),
    "positions_table": "사인·코사인 표 (위치 × 차원)",
    "positions_k": "거리 k",
    "positions_dim_axis": "i (차원)",
    "positions_other_layout": (
        "배치마다 (sin, cos) 쌍의 자리가 다를 뿐 같은 회전입니다: 다른 배치의 R_k를 쓰면 "
        "성립하지 않습니다."
    ),
    "positions_dim": "차원 d_model",
    "positions_layout": "배치",
    "layout_interleaved": "논문 (sin, cos 번갈아)",
    "layout_halves": "Marian (앞 절반 sin, 뒤 절반 cos)",
    "positions_check": "max |R_k · PE_pos − PE_(pos+k)| = {diff:.2e} (기준 1e-12: {verdict})",
    "holds": "성립",
    "fails": "불성립",
    # depth
    "depth_title": "깊이와 초기화",
    "depth_intro": (
        "GPT-2: 위쪽으로 갈수록 layer의 영향력이 줄어들도록 잔차 투영을 1/√N로 줄여 초기화합니다. "
        "초기화 직후 잔차 스트림의 표준편차를 층마다 잽니다 (우리 GPT2LMHeadModel, 무작위 입력)."
    ),
    "depth_layers": "층 수",
    "depth_scaled": "1/√(2N) 스케일",
    "depth_unscaled": "스케일 없음",
    "depth_axis_layer": "블록",
    "depth_axis_std": "잔차 스트림 표준편차",
    "depth_final": "{layers}층의 마지막 블록: 스케일 {scaled:.3f}, 스케일 없음 {unscaled:.3f}",
    "depth_ablation": "학습 곡선: 스케일한 초기화와 하지 않은 초기화 (재현 결과)",
    "depth_ablation_missing": "아직 초기화 비교 학습 결과가 없습니다 (`tracker repro train gpt2`).",
    # decoding
    "decoding_title": "디코딩",
    "decoding_intro": (
        "학습된 번역 체크포인트가 저장소에 없어서, 우리 Transformer를 작은 장난감 과제(숫자 → "
        "영어 단어)로 처음 열 때 몇 초 학습합니다. 그 모델로 greedy와 beam search를 비교합니다."
    ),
    "decoding_source": "입력 (숫자를 띄어 쓰세요)",
    "decoding_beam": "빔 크기",
    "decoding_greedy": "Greedy",
    "decoding_beam_result": "Beam search (폭 {beam})",
    "decoding_tree": "빔 탐색 나무",
    "decoding_score": "점수 (log p 합 / 길이^α)",
    "decoding_bad_input": "입력에 모르는 토큰이 있습니다: {tokens}. 0–9 숫자만 쓰세요.",
    "decoding_training": "장난감 Transformer 학습 중…",
    "decoding_legend": "파랑: 남은 빔 · 초록: 끝난 가설 (괄호 안은 길이로 나눈 점수) · 회색: 버린 후보",
    # captions of the static figures on the site's paper pages
    "site_intro": (
        "대시보드의 실험실(`tracker dashboard`)에서 직접 바꿔 볼 수 있는 그림입니다. "
        "`{command}` (commit `{commit}`)로 만들었습니다."
    ),
    "site_vectors": (
        "{analogy}: skip-gram → {sg} (cos {sg_cos:.3f}), CBOW → {cbow} (cos {cbow_cos:.3f}); "
        "Brown 말뭉치로 학습한 우리 Word2Vec"
    ),
    "site_attention": "all-MiniLM-L6-v2, \u201c{sentence}\u201d: 층별 [CLS] 어텐션 비율 {mass}",
    "site_positions": (
        "k = {k}, d = {dim}: max |R_k·PE_pos − PE_(pos+k)| = {interleaved:.1e} (논문 배치), "
        "{halves:.1e} (Marian 배치)"
    ),
    "site_depth": "마지막 블록의 잔차 표준편차 (스케일 / 스케일 없음): {parts}",
    "site_decoding": (
        "입력 {source}: greedy \u201c{greedy}\u201d ({greedy_score:.3f}), 빔 {beam} "
        "\u201c{beam_output}\u201d ({beam_score:.3f}); 장난감 과제로 몇 초 학습한 작은 Transformer"
    ),
}


def label(key: str, **values: object) -> str:
    """The label `key`, formatted with `values`."""
    text = LABELS[key]
    return text.format(**values) if values else text


def missing_repro() -> str | None:
    """None when the `repro` extra is importable, else the one-line message with the command."""
    for module in ("torch", "numpy"):
        if importlib.util.find_spec(module) is None:
            return label("missing_repro", command=REPRO_INSTALL)
    return None


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread inside the block.

    The lab's models are small: on a busy machine torch's thread hand-offs cost more than the
    arithmetic (the depth profiles took 39 s on two threads and 4 s on one under load 15).
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
