"""Folium maps from plain data: accounts (clustered), a day's route, territories with drawing tools.

Browser libraries are served from ``/static/vendor`` (no CDN), so maps work on a self-hosted
server without internet access; only the background tiles come from the tile server.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import xyzservices
from folium import plugins
from folium.template import Template

VENDOR = "/static/vendor"
TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
OSM_TILES = xyzservices.TileProvider(
    name="OpenStreetMap",
    url=TILES,
    attribution="(C) OpenStreetMap contributors",
    html_attribution=ATTRIBUTION,
    max_zoom=19,
)
"""The tile source as a provider object: given a URL string, folium searches the whole
xyzservices catalogue for a matching name on every map (~7 ms)."""
CLUSTER_ABOVE = 150
"""Marker counts above this are drawn through a client-side cluster built from a compact array."""


@dataclass(frozen=True)
class Marker:
    """A point on a map: an account, a stop, an appointment, the rep's position."""

    lon: float
    lat: float
    label: str
    kind: str = "account"  # account | prospect | appointment | proposal | visit | home | me
    url: str | None = None
    popup: str | None = None  # plain text, escaped when drawn
    number: int | None = None
    color: str | None = None


@dataclass(frozen=True)
class Line:
    """A polyline (a route) as ``(lon, lat)`` pairs."""

    coords: Sequence[tuple[float, float]]
    color: str = "#1d4ed8"
    weight: int = 5
    label: str | None = None


@dataclass(frozen=True)
class Area:
    """A polygon layer from a GeoJSON geometry."""

    id: int | None
    label: str
    geometry: dict[str, Any]
    color: str = "#7c3aed"
    properties: dict[str, Any] = field(default_factory=dict)


COLORS = {
    "account": "#2563eb",
    "prospect": "#f59e0b",
    "appointment": "#dc2626",
    "proposal": "#16a34a",
    "visit": "#2563eb",
    "home": "#374151",
    "me": "#db2777",
}


@dataclass(frozen=True)
class RenderedMap:
    """The three parts of a map to place in a page: head assets, container, script."""

    name: str
    header: str
    html: str
    script: str


def _localise(element: Any) -> None:
    """Point an element's JS/CSS at the vendored copies."""
    local = {
        "leaflet": f"{VENDOR}/leaflet/leaflet.js",
        "leaflet_css": f"{VENDOR}/leaflet/leaflet.css",
        "markerclusterjs": f"{VENDOR}/markercluster/leaflet.markercluster.js",
        "markercluster": f"{VENDOR}/markercluster/leaflet.markercluster.js",
        "markerclustercss": f"{VENDOR}/markercluster/MarkerCluster.css",
        "markerclusterdefaultcss": f"{VENDOR}/markercluster/MarkerCluster.Default.css",
        "leaflet_draw_js": f"{VENDOR}/leaflet-draw/leaflet.draw.js",
        "leaflet_draw_css": f"{VENDOR}/leaflet-draw/leaflet.draw.css",
    }
    element.default_js = [(k, local[k]) for k, _ in element.default_js if k in local]
    element.default_css = [(k, local[k]) for k, _ in element.default_css if k in local]


def base_map(
    *, center: tuple[float, float] | None = None, zoom: int = 13, height: str = "100%"
) -> folium.Map:
    """An empty map on OSM tiles; ``center`` is ``(lon, lat)`` (default: France)."""
    lon, lat = center if center else (2.35, 46.6)
    m = folium.Map(
        location=[lat, lon],
        zoom_start=zoom if center else 6,
        tiles=OSM_TILES,
        height=height,
        control_scale=True,
        prefer_canvas=True,
    )
    _localise(m)
    return m


def _popup(marker: Marker) -> str:
    text = html.escape(marker.label)
    if marker.url:
        text = f'<a href="{html.escape(marker.url)}">{text}</a>'
    if marker.popup:
        text += "<br>" + html.escape(marker.popup).replace("\n", "<br>")
    return text


PIN_GLYPHS = {"appointment": "RDV", "home": "⌂", "me": "●"}
"""Marker kinds drawn as labelled pins (with numbered stops), and their glyph."""


def _add_pin(target: Any, marker: Marker) -> None:
    """A numbered stop, an appointment, the home or the rep's position: a labelled pin."""
    color = marker.color or COLORS.get(marker.kind, COLORS["account"])
    glyph = str(marker.number) if marker.number is not None else PIN_GLYPHS[marker.kind]
    shape = "border-radius:3px" if marker.kind == "appointment" else "border-radius:50%"
    icon = folium.DivIcon(
        html=f'<div class="fc-pin fc-{marker.kind}" style="background:{color};{shape}">{html.escape(glyph)}</div>',
        icon_size=(28, 28),
        icon_anchor=(14, 14),
    )
    folium.Marker(
        [marker.lat, marker.lon],
        icon=icon,
        tooltip=html.escape(marker.label),
        popup=_popup(marker),
    ).add_to(target)


_POINT_CALLBACK = """function (row) {
  var m = L.circleMarker(new L.LatLng(row[0], row[1]), {radius: 6, color: row[4], fillOpacity: 0.8});
  var box = document.createElement('div');
  var a = document.createElement(row[3] ? 'a' : 'span');
  if (row[3]) { a.href = row[3]; }
  a.textContent = row[2]; box.appendChild(a);
  (row[5] || '').split('\\n').forEach(function (line) {
    if (line) { box.appendChild(document.createElement('br')); box.appendChild(document.createTextNode(line)); }
  });
  var tip = document.createElement('span'); tip.textContent = row[2];
  m.bindPopup(box); m.bindTooltip(tip);
  return m;
}"""
"""Draws one plain account marker from a compact row (lat, lon, label, url, colour, popup).
Texts are set as text nodes, never parsed as HTML."""


class PointLayer(folium.MacroElement):
    """Plain account markers drawn in the browser from one compact array (no clustering).

    Rendering a folium ``CircleMarker`` per account (its popup and tooltip are elements of
    their own) cost ~2 ms each on the server; the array costs microseconds.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup().addTo({{ this._parent.get_name() }});
(function () {
  var draw = {{ this.callback }};
  {{ this.rows|tojson }}.forEach(function (row) { draw(row).addTo({{ this.get_name() }}); });
})();
{% endmacro %}"""
    )

    def __init__(self, rows: list[list[Any]]) -> None:
        super().__init__()
        self._name = "PointLayer"
        self.rows = rows
        self.callback = _POINT_CALLBACK


def _point_row(mk: Marker) -> list[Any]:
    return [
        mk.lat,
        mk.lon,
        mk.label,
        mk.url or "",
        mk.color or COLORS.get(mk.kind, COLORS["account"]),
        mk.popup or "",
    ]


def add_markers(m: folium.Map, markers: Sequence[Marker], *, name: str = "accounts") -> None:
    """Add markers: plain account markers as one compact array, clustered client-side above
    :data:`CLUSTER_ABOVE`; numbered stops, appointments, home and position as folium markers."""
    special = [mk for mk in markers if mk.number is not None or mk.kind in PIN_GLYPHS]
    plain = [mk for mk in markers if mk.number is None and mk.kind not in PIN_GLYPHS]
    rows = [_point_row(mk) for mk in plain]
    if len(plain) > CLUSTER_ABOVE:
        cluster = plugins.FastMarkerCluster(
            rows, callback=_POINT_CALLBACK, name=name, options={"chunkedLoading": True}
        )
        _localise(cluster)
        cluster.add_to(m)
    elif plain:
        PointLayer(rows).add_to(m)
    for mk in special:
        _add_pin(m, mk)


def add_lines(m: folium.Map, lines: Sequence[Line]) -> None:
    """Draw route lines."""
    for line in lines:
        if len(line.coords) >= 2:
            folium.PolyLine(
                [(lat, lon) for lon, lat in line.coords],
                color=line.color,
                weight=line.weight,
                tooltip=html.escape(line.label) if line.label else None,
            ).add_to(m)


class AreaLayer(folium.MacroElement):
    """Territory polygons drawn in the browser from one GeoJSON collection.

    Colour and label travel in each feature's properties; the tooltip is set as text. One
    element whatever the number of areas (a folium ``GeoJson`` per area compiled several
    templates on every page view).
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON({{ this.collection|tojson }}, {
  style: function (f) { return {color: f.properties.color, weight: 2, fillOpacity: 0.15}; },
  onEachFeature: function (f, layer) {
    var tip = document.createElement('span'); tip.textContent = f.properties.label;
    layer.bindTooltip(tip);
  }
}).addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, areas: Sequence[Area]) -> None:
        super().__init__()
        self._name = "AreaLayer"
        self.collection = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": area.geometry,
                    "properties": {
                        **area.properties,
                        "id": area.id,
                        "label": area.label,
                        "color": area.color,
                    },
                }
                for area in areas
            ],
        }


def add_areas(m: folium.Map, areas: Sequence[Area]) -> AreaLayer:
    """Draw territory polygons (one layer for all of them; returned)."""
    layer = AreaLayer(areas)
    layer.add_to(m)
    return layer


def add_draw(m: folium.Map) -> plugins.Draw:
    """Polygon drawing and editing tools (Leaflet.draw); the page script saves what is drawn."""
    draw = plugins.Draw(
        export=False,
        draw_options={
            "polyline": False,
            "circle": False,
            "marker": False,
            "circlemarker": False,
            "rectangle": True,
            "polygon": True,
        },
        edit_options={"edit": True, "remove": True},
    )
    _localise(draw)
    draw.add_to(m)
    return draw


def fit(m: folium.Map, points: Sequence[tuple[float, float]]) -> None:
    """Zoom to show every ``(lon, lat)`` point."""
    if points:
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        m.fit_bounds(
            [[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20), max_zoom=16
        )


_JQUERY_SHIM = """<script>/* Folium builds popups with $(html)[0]; this is all of jQuery it needs. */
window.$ = window.$ || function (html) {
  var t = document.createElement("template"); t.innerHTML = String(html).trim(); return [t.content.firstChild];
};</script>
"""


def render(m: folium.Map) -> RenderedMap:
    """Split a map into head assets, container and script for a Jinja2 page."""
    figure: Any = m.get_root()
    figure.render()
    return RenderedMap(
        name=m.get_name(),
        header=_JQUERY_SHIM + figure.header.render(),
        html=figure.html.render(),
        script=figure.script.render(),
    )


def markers_json(markers: Sequence[Marker]) -> str:
    """Markers as JSON for page scripts (offline lists, navigation links)."""
    return json.dumps(
        [
            {"lon": mk.lon, "lat": mk.lat, "label": mk.label, "kind": mk.kind, "url": mk.url}
            for mk in markers
        ]
    )
