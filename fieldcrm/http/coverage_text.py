"""The gap report's figures in words, as the territories screen (« Trous ») and the CLI
(``fieldcrm territories gaps``) say them: one home for those sentences, in the reader's
language, numbers as that language writes them."""

from __future__ import annotations

from dataclasses import dataclass

from fieldcrm.costs.report import local_number
from fieldcrm.http.i18n import ngettext
from fieldcrm.store.territories import Coverage


@dataclass(frozen=True)
class CoverageText:
    """The report's sentences: the accounts placed outside every territory, those whose
    position is to check and those with no position yet (each ``None`` when there are none),
    and how the figures add up (the first one is the territory table's sum)."""

    outside: str
    to_check: str | None
    not_placed: str | None
    total: str


def coverage_text(coverage: Coverage, lang: str = "fr") -> CoverageText:
    """``coverage`` (every account counted once) worded for the reader of ``lang``.

    >>> said = coverage_text(Coverage(covered=8, outside=1, to_check=2, not_placed=0,
    ...                               unassigned=0))
    >>> said.outside, said.not_placed
    ('1 compte placé hors de tout territoire.', None)
    >>> said.total
    'Sur 11 comptes : 8 dans un territoire, 1 hors de tout territoire, 2 à position à vérifier (Géocodage), 0 sans position.'
    """

    def n(value: int) -> str:
        return local_number(value, lang, 0)

    outside = ngettext(
        lang,
        "%(n)s compte placé hors de tout territoire.",
        "%(n)s comptes placés hors de tout territoire.",
        coverage.outside,
    ) % {"n": n(coverage.outside)}
    to_check = (
        ngettext(
            lang,
            "%(n)s compte à position à vérifier (placé au centre de sa commune ou non"
            " confirmé) : compté dans aucun territoire tant que sa position n’est pas confirmée.",
            "%(n)s comptes à position à vérifier (placés au centre de leur commune ou non"
            " confirmés) : comptés dans aucun territoire tant que leur position n’est pas"
            " confirmée.",
            coverage.to_check,
        )
        % {"n": n(coverage.to_check)}
        if coverage.to_check
        else None
    )
    not_placed = (
        ngettext(
            lang,
            "%(n)s compte pas encore placé (lieu inconnu) : ni dans un territoire, ni compté"
            " dans les trous.",
            "%(n)s comptes pas encore placés (lieu inconnu) : ni dans un territoire, ni comptés"
            " dans les trous.",
            coverage.not_placed,
        )
        % {"n": n(coverage.not_placed)}
        if coverage.not_placed
        else None
    )
    figures = {
        "total": n(coverage.total),
        "covered": n(coverage.covered),
        "outside": n(coverage.outside),
        "to_check": n(coverage.to_check),
        "not_placed": n(coverage.not_placed),
        "unassigned": n(coverage.unassigned),
    }
    if coverage.unassigned:  # drawn or locked but not assigned yet: said only when it happens
        total = ngettext(
            lang,
            "Sur %(total)s compte : %(covered)s dans un territoire, %(outside)s hors de tout"
            " territoire, %(to_check)s à position à vérifier (Géocodage), %(not_placed)s sans"
            " position, %(unassigned)s dans un territoire mais pas encore affecté.",
            "Sur %(total)s comptes : %(covered)s dans un territoire, %(outside)s hors de tout"
            " territoire, %(to_check)s à position à vérifier (Géocodage), %(not_placed)s sans"
            " position, %(unassigned)s dans un territoire mais pas encore affectés.",
            coverage.total,
        )
    else:
        total = ngettext(
            lang,
            "Sur %(total)s compte : %(covered)s dans un territoire, %(outside)s hors de tout"
            " territoire, %(to_check)s à position à vérifier (Géocodage), %(not_placed)s sans"
            " position.",
            "Sur %(total)s comptes : %(covered)s dans un territoire, %(outside)s hors de tout"
            " territoire, %(to_check)s à position à vérifier (Géocodage), %(not_placed)s sans"
            " position.",
            coverage.total,
        )
    return CoverageText(outside, to_check, not_placed, total % figures)
