"""The team sheet the Google Sheets tests serve from the loopback emulator, and its remote."""

from __future__ import annotations

from pathlib import Path

from tracker import store
from tracker.remotes.gsheets import GoogleSheetsRemote, RetryPolicy

KEY = "1TeamReadingList_abcdefghijklmnopqrstuvwxyz"
EMAIL = "reading-list-bot@nlp-group.iam.gserviceaccount.com"
TAB = "논문 목록"
HEADERS = ["ID", "제목", "저자", "연도", "학회", "arXiv", "링크", "주제", "상태", "담당자", "발표자", "발표일", "발표자료", "추가일"]  # fmt: skip
BERT_FORMULA = '=CONCATENATE("BERT: Pre-training of Deep Bidirectional Transformers", " for Language Understanding")'  # fmt: skip
# As a person typed them in the browser (USER_ENTERED): the id column holds text because the
# team typed a leading apostrophe (or formatted the column as plain text).
SHEET_ROWS: list[list[str]] = [
    HEADERS,
    [
        "'1810.04805",
        BERT_FORMULA,
        "Jacob Devlin, Ming-Wei Chang",
        "2019",
        "NAACL",
        "'1810.04805",
        "",
        "pretraining, 사전학습",
        "배정",
        "jiwoo",
        "",
        "",
        "",
        "2025-06-01",
    ],  # fmt: skip
    [
        "'2101.10000",
        "숫자처럼 보이는 아이디",
        "홍길동",
        "2021",
        "",
        "",
        "",
        "",
        "제안",
        "",
        "",
        "",
        "",
        "2025-06-02",
    ],  # fmt: skip
    [
        "'007",
        "Licence to Parse",
        "James Bond",
        "1962",
        "",
        "",
        "",
        "",
        "읽음",
        "minseo",
        "minseo",
        "2025-07-08",
        "https://example.org/s",
        "2025-06-03",
    ],  # fmt: skip
    ["", "", ""],
    ["", " ", ""],
]
WRITE_KINDS = ("values.update", "values.batchUpdate", "values.append", "values.clear", "spreadsheets.batchUpdate")  # fmt: skip
TEAM_YAML = f"""\
name: 테스트 모임
topic: NLP
members:
  - {{handle: jiwoo, name: 김지우}}
  - {{handle: minseo, name: 이민서}}
remote:
  kind: gsheets
  spreadsheet: https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0
  worksheet: {TAB}
"""


def remote_for(root: Path, sleeps: list[float] | None = None) -> GoogleSheetsRemote:
    """The remote `tracker sync` would open, with the backoff's sleep recorded, not slept."""
    team = store.load_team(root)
    policy = RetryPolicy(sleep=(sleeps if sleeps is not None else []).append)
    return GoogleSheetsRemote.from_settings(team.remote, root, retry=policy)


def new_private_key_pem() -> str:
    """A fresh RSA key in PKCS8 PEM, as a service-account key file holds it (never a real one)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    return (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode("ascii")
    )
