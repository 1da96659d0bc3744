"""The « Construire » form refused (a 422) comes back as typed, its « superposé » box too."""

from __future__ import annotations

import re

from tests.web import ClientFactory

CLAIRE = 1


def _overlay_box(page: str) -> str:
    form = page.split('action="/territoires/construire"', 1)[1].split("</form>", 1)[0]
    found = re.search(r'<input type="checkbox" name="overlay"[^>]*>', form)
    assert found, form
    return found.group(0)


def test_a_refused_build_keeps_its_overlay_box_ticked_or_not(api_as: ClientFactory) -> None:
    manager = api_as(CLAIRE)
    assert " checked" not in _overlay_box(manager.get("/territoires").text)  # a fresh form
    form = {"name": "National Sud", "unit": "postcodes", "codes": "99999", "rep_id": "6"}
    ticked = manager.post("/territoires/construire", data=form | {"overlay": "true"})
    assert ticked.status_code == 422
    assert " checked" in _overlay_box(ticked.text)
    assert 'value="National Sud"' in ticked.text and 'value="99999"' in ticked.text
    unticked = manager.post("/territoires/construire", data=form)
    assert unticked.status_code == 422
    assert " checked" not in _overlay_box(unticked.text)
