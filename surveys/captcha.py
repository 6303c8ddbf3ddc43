"""The captcha's challenge: digits only, because the audio alternative is spoken by flite,
which reads digits clearly in any accent, and digits need no Latin keyboard on a phone."""

import secrets

DIGITS = "23456789"  # 0/1 look like O/l in a noisy picture


def digits_challenge() -> tuple[str, str]:
    """(what the picture shows, the expected answer): four digits."""
    text = "".join(secrets.choice(DIGITS) for _ in range(4))
    return text, text
