"""BSN (burgerservicenummer): the 11-test, encryption at rest and a blind index.

The BSN is stored encrypted with MultiFernet (keys in FIELD_ENCRYPTION_KEYS, newest
first, so keys can be rotated) and found by an HMAC-SHA256 blind index
(BLIND_INDEX_KEY), which allows exact lookups without decrypting every row.
"""

import base64
import hashlib
import hmac
import logging
import unicodedata
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def is_valid_bsn(value: str) -> bool:
    """The 11-test on a *normalised* BSN: 9 ASCII digits, sum(d_i * w_i) with weights 9..2
    and -1 divisible by 11. Anything else (other Unicode digits included) is not valid:
    normalise first (`normalise_bsn`)."""
    if len(value) != 9 or not (value.isascii() and value.isdigit()) or value == "000000000":
        return False
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    return sum(int(d) * w for d, w in zip(value, weights, strict=True)) % 11 == 0


# Separators people type inside a BSN (after NFKC, so full-width forms are included).
_SEPARATORS = frozenset(".-\u2010\u2011\u2012\u2013\u2014\u2212_/")


def normalise_bsn(value: str) -> str:
    """The one normal form of a typed BSN, used before every validation, storage and lookup.

    NFKC first (full-width digits U+FF10..U+FF19, superscripts and other compatibility forms become
    ASCII), then every remaining Unicode decimal digit (Arabic-Indic, Devanagari, ...) is
    mapped to its ASCII digit through `unicodedata.decimal`; whitespace of any kind (also
    no-break and zero-width spaces), dots and dashes are dropped. Other characters are kept,
    so the 11-test refuses them. An 8-digit BSN gets its leading zero back.
    """
    out = []
    for ch in unicodedata.normalize("NFKC", value or ""):
        if ch.isspace() or ch in _SEPARATORS or unicodedata.category(ch) == "Cf":
            continue
        digit = unicodedata.decimal(ch, None)
        out.append(str(digit) if digit is not None else ch)
    digits = "".join(out)
    return digits.zfill(9) if len(digits) == 8 else digits


def validate_bsn(value: str) -> None:
    if not is_valid_bsn(normalise_bsn(value)):
        raise ValidationError(_("Dit is geen geldig BSN (de elfproef klopt niet)."), code="invalid_bsn")


def clean_bsn(value: str) -> str:
    """Normalise and validate a typed BSN: the normalised value, or ValidationError in Dutch.

    Forms and services call this one function, so what is validated is what is stored
    and indexed. An empty value stays empty (the BSN is optional).
    """
    if not (value or "").strip():
        return ""
    normalised = normalise_bsn(value)
    if not is_valid_bsn(normalised):
        raise ValidationError(_("Dit is geen geldig BSN (de elfproef klopt niet)."), code="invalid_bsn")
    return normalised


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        # Development only: derive a key from SECRET_KEY so the demo works without set-up.
        derived = base64.urlsafe_b64encode(hashlib.sha256(settings.SECRET_KEY.encode()).digest())
        return MultiFernet([Fernet(derived)])
    return MultiFernet([Fernet(_as_fernet_key(k)) for k in keys])


def _as_fernet_key(key: str) -> bytes:
    raw = base64.urlsafe_b64decode(key.encode() + b"=" * (-len(key) % 4)) if len(key) >= 43 else b""
    if len(raw) == 32:
        return base64.urlsafe_b64encode(raw)
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest())


def encrypt_bsn(bsn: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(bsn.encode()).decode()


def decrypt_bsn(token: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def decrypt_bsn_or_none(token: str, *, person_id: int | None = None) -> str | None:
    """The plain BSN, or None when no key in FIELD_ENCRYPTION_KEYS opens the token.

    That is a key problem (a key removed too early, a wrong key in this environment), not
    bad data: it is logged as an error so that operators notice, with the person's id but
    never the token or the keys, and the caller shows the BSN as unreadable.
    """
    try:
        return decrypt_bsn(token)
    except InvalidToken:
        logger.error(
            "BSN of person id=%s cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS "
            "(a key missing or wrong; see docs/security.md, key rotation)",
            person_id,
        )
        return None


def rotate_bsn(token: str) -> str:
    """Re-encrypt with the newest key (for key rotation)."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).rotate(token.encode()).decode()


def bsn_blind_index(bsn: str) -> str:
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), normalise_bsn(bsn).encode(), hashlib.sha256).hexdigest()


# Shown instead of the BSN (full or masked) when it cannot be decrypted.
BSN_UNREADABLE = _("BSN niet leesbaar")


def mask_bsn(bsn: str) -> str:
    return "*****" + bsn[-4:] if bsn else ""
