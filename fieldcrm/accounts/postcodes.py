"""French postcodes as files carry them: the zero Excel dropped, and codes that cannot exist.

A French postcode has five digits; its first two are the département (``01`` to ``95``,
Corsica's ``2A``/``2B`` write ``20``), overseas its first three (``971`` to ``976``, ``984``
to ``988``; ``980`` is Monaco's, which French files carry too). Excel reads ``06000`` as the
number 6000, so a four-digit code is given its zero back, but only one that starts with 1 to
9: Excel drops a single leading zero, so ``0600`` cannot come from ``00600`` (which does not
exist anyway) and is refused.

Examples
--------
>>> french_postcode("6000"), french_postcode("75015"), french_postcode("20000")
('06000', '75015', '20000')
>>> french_postcode("0600")
Traceback (most recent call last):
...
fieldcrm.errors.InvalidInput: postcode: un code postal français a 5 chiffres (got '0600')
"""

from __future__ import annotations

from fieldcrm.accounts.fields import worded
from fieldcrm.errors import InvalidInput

OVERSEAS_PREFIXES = ("971", "972", "973", "974", "975", "976", "980", "984", "986", "987", "988")
"""First three digits of the postcodes outside metropolitan France (and Monaco's ``980``)."""


def french_postcode(text: str, *, field: str = "postcode") -> str:
    """The five-digit French postcode of ``text`` (spaces already removed).

    Parameters
    ----------
    text : str
        The code as read from a cell: ``"06000"``, or ``"6000"`` when Excel dropped its zero.
    field : str
        The field named in the error.

    Returns
    -------
    str
        Five digits, with a département (or overseas) prefix that exists.

    Raises
    ------
    InvalidInput
        Naming ``field``, in French: not five digits (a four-digit code starting with 0
        included), or a prefix no French postcode has (``00``, ``96``, ``99``, ``977``…).
    """
    code = text
    if code.isdigit() and len(code) == 4 and code[0] != "0":  # Excel dropped the zero
        code = "0" + code
    if not (code.isdigit() and len(code) == 5):
        raise InvalidInput(field, "un code postal français a 5 chiffres", value=text)
    if not (1 <= int(code[:2]) <= 95 or code[:3] in OVERSEAS_PREFIXES):
        raise worded(
            field,
            "code postal %(postcode)s impossible : aucun département ne commence par %(prefix)s",
            value=text,
            postcode=code,
            prefix=_prefix(code),
        )
    return code


def _prefix(code: str) -> str:
    """The département part of an impossible code: three digits overseas, else two."""
    return code[:3] if code[:2] in ("97", "98") else code[:2]
