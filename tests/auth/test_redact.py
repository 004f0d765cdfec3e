"""redact.scrub: every shape a secret takes in output is masked; ordinary text is left alone."""

from __future__ import annotations

import logging

import pytest

from socialseed import redact
from socialseed.redact import MASK, scrub


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer abcdef123456789", "abcdef123456789"),
        ("headers={'authorization': 'Bearer abcdef123456789'}", "abcdef123456789"),
        ("Access-Token: act.abcdefghijklmnop", "act.abcdefghijklmnop"),
        ("sent bearer AAAAbbbbCCCCdddd1234", "AAAAbbbbCCCCdddd1234"),
        (
            "http://127.0.0.1:5/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz",
            "SplxlOBeZQQYbYS6WxSbIA",
        ),
        ("grant_type=refresh_token&refresh_token=rt-998877665544&client_id=c", "rt-998877665544"),
        ("client_secret=cs-1234567890abcdef", "cs-1234567890abcdef"),
        ('{"access_token": "at-1234567890", "token_type": "bearer"}', "at-1234567890"),
        (
            '{"accessJwt":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaWQ6cGxjOngifQ.sig"}',
            "eyJhbGciOiJIUzI1NiJ9",
        ),
        ("app password abcd-efgh-ijkl-mnop was refused", "abcd-efgh-ijkl-mnop"),
        ("code_verifier=verifier-abcdefghijklmnop", "verifier-abcdefghijklmnop"),
        ("key sk-ant-abcdefghijklmnopqrstu", "sk-ant-abcdefghijklmnopqrstu"),
    ],
)
def test_patterns_mask_secrets(text: str, secret: str) -> None:
    out = scrub(text)
    assert secret not in out
    assert MASK in out


def test_registered_values_are_masked_raw_and_url_encoded() -> None:
    redact.register("s3cr3t/with+chars=")
    out = scrub("raw s3cr3t/with+chars= enc s3cr3t%2Fwith%2Bchars%3D")
    assert "s3cr3t" not in out


def test_ordinary_text_is_untouched() -> None:
    text = (
        "exit code 4; next_token=abc123456; pagination_token=zz99887766 state=xyz "
        "token_type: bearer; code_challenge=E9Melhoa2Owv; status code: 401"
    )
    assert scrub(text) == text


def test_short_values_are_not_registered() -> None:
    redact.register("abc")
    assert scrub("abc def") == "abc def"


def test_log_records_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    redact.register("tok-ABCDEFGHIJ")
    logger = logging.getLogger("socialseed.test")
    logger.addFilter(redact.ScrubFilter())
    with caplog.at_level(logging.INFO):
        logger.info("sending %s", "tok-ABCDEFGHIJ")
    assert "tok-ABCDEFGHIJ" not in caplog.text and MASK in caplog.text
