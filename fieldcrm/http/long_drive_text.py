"""An appointment too far for the days around it, as the reader reads it: the way there (or
back) and all the driving the days allow, with their figures, and what it would take at
least (:class:`~fieldcrm.routing.long_drive.LongDrive`, stored with the refusal and worded
when read, by :func:`fieldcrm.http.error_text.reach_text`).

Examples
--------
>>> from fieldcrm.routing.long_drive import LongDrive
>>> from fieldcrm.routing.realise import Reach
>>> H = 3600
>>> far = LongDrive(14 * H, 5 * H + 300, 1, 5 * H, 2, None, back_days=2, date="2026-04-22")
>>> brest = Reach("a", "Salon de Brest", 1, "before", 29100, 29100, 61200, False, far)
>>> print(long_drive_text(brest, "fr"))  # doctest: +NORMALIZE_WHITESPACE
Le rendez-vous « Salon de Brest » du mercredi 22 avril 2026 à 08:05 est à 14 h de route de la
maison : il n’y a que 5 h 05 de route possibles d’ici là (1 jour de tournée avant lui, 5 h de
route au plus par jour). Pour le tenir à 08:05, il faudrait au moins 2 jours de route de plus
avant lui, des jours travaillés enchaînés par des nuits sur place (un week-end ou un jour férié
interrompt la tournée). Pour rentrer ensuite, il faudrait aussi au moins 2 jours de route de
plus après lui.
"""

from __future__ import annotations

import datetime as dt

from fieldcrm.dates import long_day
from fieldcrm.durations import duration_text
from fieldcrm.http.i18n import ngettext, translations
from fieldcrm.routing.realise import Reach
from fieldcrm.routing.schedule import hhmm


def _days(n: int, lang: str) -> str:
    return ngettext(lang, "%(n)s jour", "%(n)s jours", n) % {"n": n}


def long_drive_text(reach: Reach, lang: str = "fr", *, advice: bool = True) -> str:
    """The reach ``reach`` whose way is too long for the days around it (its
    :attr:`~fieldcrm.routing.realise.Reach.drive`) in the reader's ``lang``: the drive, the
    most the days allow and why (how many days of the trip, the cap a day); with ``advice``,
    what it would take at least: more days before it (after it), or, when an hour of its
    day lifts the bound both ways, that hour."""
    drive = reach.drive
    assert drive is not None, "a reach over several days"
    gettext = translations(lang).gettext
    at = hhmm(reach.start_s)
    when = (
        gettext("du %(day)s à %(at)s")
        % {"day": long_day(dt.date.fromisoformat(drive.date), lang), "at": at}
        if drive.date
        else gettext("de %(at)s") % {"at": at}
    )
    side = (
        ("%(n)s jour de tournée avant lui", "%(n)s jours de tournée avant lui")
        if reach.side == "before"
        else ("%(n)s jour de tournée après lui", "%(n)s jours de tournée après lui")
    )
    how = [ngettext(lang, *side, drive.days) % {"n": drive.days}] if drive.days else []
    how.append(
        gettext("%(cap)s de route au plus par jour") % {"cap": duration_text(drive.cap_s, lang)}
        if drive.cap_s is not None
        else gettext("dans les horaires de travail")
    )
    figures = {
        "name": reach.name,
        "when": when,
        "drive": duration_text(drive.drive_s, lang),
        "within": duration_text(drive.within_s, lang),
        "how": ", ".join(how),
    }
    if reach.side == "before":
        text = (
            gettext(
                "Le rendez-vous « %(name)s » %(when)s est à %(drive)s de route de la maison : il"
                " n’y a que %(within)s de route possibles d’ici là (%(how)s)."
            )
            % figures
        )
        advise = [
            gettext(
                "Pour le tenir à %(at)s, il faudrait au moins %(days)s de route de plus avant lui,"
                " des jours travaillés enchaînés par des nuits sur place (un week-end ou un jour"
                " férié interrompt la tournée)."
            )
            % {"at": at, "days": _days(drive.more_days, lang)}
        ]
        if drive.back_days:
            advise.append(
                gettext(
                    "Pour rentrer ensuite, il faudrait aussi au moins %(days)s de route de plus"
                    " après lui."
                )
                % {"days": _days(drive.back_days, lang)}
            )
        if drive.move_s is not None:
            advise.append(
                gettext("Sans partir plus tôt, il faudrait qu’il commence à %(time)s au plus tôt.")
                % {"time": hhmm(drive.move_s)}
            )
    else:
        text = (
            gettext(
                "Après le rendez-vous « %(name)s » %(when)s, le retour demande %(drive)s de route :"
                " il n’y a que %(within)s de route possibles pour rentrer (%(how)s)."
            )
            % figures
        )
        advise = [
            gettext(
                "Pour rentrer à temps, il faudrait au moins %(days)s de route de plus après lui,"
                " des jours travaillés enchaînés par des nuits sur place."
            )
            % {"days": _days(drive.more_days, lang)}
        ]
        if drive.move_s is not None:
            advise.append(
                gettext("Sans finir plus tard, il faudrait qu’il commence à %(time)s au plus tard.")
                % {"time": hhmm(drive.move_s)}
            )
    return " ".join([text, *advise]) if advice else text
