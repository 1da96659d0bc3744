"""Maps render from plain data with local assets; many accounts are clustered."""

from __future__ import annotations

from fieldcrm import maps


def test_map_uses_vendored_assets_and_osm_attribution() -> None:
    m = maps.base_map(center=(7.42, 43.73))
    maps.add_markers(m, [maps.Marker(7.42, 43.73, "LAMBDA <SARL>", url="/comptes/1")])
    rendered = maps.render(m)
    assert "/static/vendor/leaflet/leaflet.js" in rendered.header
    assert "cdn" not in rendered.header.lower()
    assert "OpenStreetMap" in rendered.script
    # the label travels as JSON data and is shown as text: never HTML in the script
    assert "LAMBDA \\u003cSARL\\u003e" in rendered.script
    assert "<SARL>" not in rendered.script
    assert rendered.name in rendered.html


def test_many_markers_are_clustered_client_side() -> None:
    m = maps.base_map(center=(7.42, 43.73))
    markers = [maps.Marker(7.0 + i * 1e-5, 43.7, f"A{i}") for i in range(5000)]
    maps.add_markers(m, [*markers, maps.Marker(7.43, 43.74, "RDV", kind="appointment")])
    rendered = maps.render(m)
    assert "markercluster" in rendered.header
    assert rendered.script.count("L.circleMarker") == 1  # one callback, not 5000 markers
    assert "A4999" in rendered.script
    assert "RDV" in rendered.script


def test_route_and_draw_tools() -> None:
    m = maps.base_map(center=(7.42, 43.73))
    maps.add_lines(m, [maps.Line([(7.42, 43.73), (7.43, 43.74)], label="route")])
    maps.add_areas(
        m,
        [
            maps.Area(
                1,
                "Monaco",
                {
                    "type": "Polygon",
                    "coordinates": [[[7.4, 43.7], [7.5, 43.7], [7.5, 43.8], [7.4, 43.7]]],
                },
            )
        ],
    )
    maps.add_draw(m)
    rendered = maps.render(m)
    assert "L.polyline" in rendered.script
    assert "leaflet.draw.js" in rendered.header
    assert "Monaco" in rendered.script


def test_a_drawn_shape_pops_no_geojson_alert() -> None:
    """folium's Draw answers a click on a drawn shape with ``alert(<its GeoJSON>)``; on a
    phone the tap that closes a polygon set it off."""
    m = maps.base_map(center=(7.42, 43.73))
    draw = maps.add_draw(m)
    rendered = maps.render(m)
    assert "new L.Control.Draw(" in rendered.script  # the tools are drawn ...
    assert "L.Draw.Event.CREATED" in rendered.script
    assert "alert(" not in rendered.script  # ... and nothing pops up on a click
    assert draw.get_name() in rendered.script


def test_draw_tools_speak_the_given_language() -> None:
    french, english = maps.base_map(), maps.base_map()
    maps.add_draw(french, lang="fr")
    maps.add_draw(english, lang="en")
    assert maps.DRAW_FRENCH in maps.render(french).header
    assert maps.DRAW_FRENCH not in maps.render(english).header
