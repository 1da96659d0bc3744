"""Folium maps from plain data: accounts (clustered), a day's route, territories with drawing tools.

Browser libraries are served from ``/static/vendor`` (no CDN), so maps work on a self-hosted
server without internet access; only the background tiles come from the tile server.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
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
LEAFLET_LANG = "/static/js/leaflet-lang.js"
"""Leaflet's zoom buttons, marker text and attribution in the page's language (every map)."""
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
    dashed: bool = False
    """Drawn dashed: an estimate (a straight line where there is no road data)."""


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


class MetricScale(folium.MacroElement):
    """The map's scale in metres and kilometres only (Leaflet's default adds miles)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


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
        prefer_canvas=True,
    )
    MetricScale().add_to(m)
    _localise(m)
    m.default_js = [*m.default_js, ("leaflet_lang", LEAFLET_LANG)]
    return m


PIN_GLYPHS = {"appointment": "RDV", "home": "⌂", "me": "●"}
"""Marker kinds drawn as labelled pins (with numbered stops), and their glyph."""

_TEXT_BOX = """function fcTextBox(label, url, popup) {
  var box = document.createElement('div');
  var a = document.createElement(url ? 'a' : 'span');
  if (url && url.charAt(0) === '/') { a.href = url; }
  a.textContent = label; box.appendChild(a);
  (popup || '').split('\\n').forEach(function (line) {
    if (line) { box.appendChild(document.createElement('br')); box.appendChild(document.createTextNode(line)); }
  });
  return box;
}
function fcText(text) { var tip = document.createElement('span'); tip.textContent = text; return tip; }"""
"""Popup and tooltip contents built as DOM text nodes: user text is never parsed as HTML
nor placed inside a JavaScript string or template literal."""

_POINT_CALLBACK = """function (row) {
  var m = L.circleMarker(new L.LatLng(row[0], row[1]), {radius: 6, color: row[4], fillOpacity: 0.8});
  m.bindPopup(fcTextBox(row[2], row[3], row[5])); m.bindTooltip(fcText(row[2]));
  return m;
}"""
"""Draws one plain account marker from a compact row (lat, lon, label, url, colour, popup)."""

_PIN_CALLBACK = """function (row) {
  var pin = document.createElement('div');
  pin.className = 'fc-pin fc-' + row[7];
  pin.style.background = row[4];
  pin.style.borderRadius = row[7] === 'appointment' ? '3px' : '50%';
  pin.textContent = row[6];
  var icon = L.divIcon({html: pin, className: 'fc-pin-box', iconSize: [28, 28], iconAnchor: [14, 14]});
  var m = L.marker(new L.LatLng(row[0], row[1]), {icon: icon});
  m.bindPopup(fcTextBox(row[2], row[3], row[5])); m.bindTooltip(fcText(row[2]));
  return m;
}"""
"""Draws a numbered stop, an appointment, the home or the rep's position from a row
(lat, lon, label, url, colour, popup, glyph, kind)."""


class PointLayer(folium.MacroElement):
    """Map items drawn in the browser from one compact array of JSON rows.

    Rendering a folium ``CircleMarker`` per account (its popup and tooltip are elements of
    their own) cost ~2 ms each on the server; the array costs microseconds. Folium's own
    popups and tooltips put their text inside JavaScript template literals, where
    ``${…}`` runs: here every text travels as HTML-safe JSON and is shown as a text node.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup().addTo({{ this._parent.get_name() }});
(function () {
  {{ this.helpers }}
  var draw = {{ this.callback }};
  {{ this.rows|tojson }}.forEach(function (row) { draw(row).addTo({{ this.get_name() }}); });
})();
{% endmacro %}"""
    )

    def __init__(
        self, rows: list[list[Any]], *, callback: str = _POINT_CALLBACK, name: str = "PointLayer"
    ) -> None:
        super().__init__()
        self._name = name
        self.rows = rows
        self.helpers = _TEXT_BOX
        self.callback = callback


def _point_row(mk: Marker) -> list[Any]:
    return [
        mk.lat,
        mk.lon,
        mk.label,
        mk.url or "",
        mk.color or COLORS.get(mk.kind, COLORS["account"]),
        mk.popup or "",
    ]


def _pin_row(mk: Marker, glyphs: Mapping[str, str]) -> list[Any]:
    glyph = str(mk.number) if mk.number is not None else glyphs.get(mk.kind, PIN_GLYPHS[mk.kind])
    return [*_point_row(mk), glyph, mk.kind]


def add_markers(
    m: folium.Map,
    markers: Sequence[Marker],
    *,
    name: str = "accounts",
    glyphs: Mapping[str, str] | None = None,
) -> None:
    """Add markers: plain account markers as one compact array, clustered client-side above
    :data:`CLUSTER_ABOVE`; numbered stops, appointments, home and position as folium markers.
    ``glyphs``: the pins' words in the page's language, by kind (« RDV » is French:
    :data:`PIN_GLYPHS` for the kinds not given)."""
    special = [mk for mk in markers if mk.number is not None or mk.kind in PIN_GLYPHS]
    plain = [mk for mk in markers if mk.number is None and mk.kind not in PIN_GLYPHS]
    rows = [_point_row(mk) for mk in plain]
    if len(plain) > CLUSTER_ABOVE:
        callback = _POINT_CALLBACK.replace("function (row) {", "function (row) {\n" + _TEXT_BOX, 1)
        cluster = plugins.FastMarkerCluster(
            rows, callback=callback, name=name, options={"chunkedLoading": True}
        )
        _localise(cluster)
        cluster.add_to(m)
    elif plain:
        PointLayer(rows).add_to(m)
    if special:
        PointLayer(
            [_pin_row(mk, glyphs or {}) for mk in special],
            callback=_PIN_CALLBACK,
            name="PinLayer",
        ).add_to(m)


_LINE_CALLBACK = """function (row) {
  var line = L.polyline(row[0], {color: row[1], weight: row[2], dashArray: row[4] ? '8 8' : null,
                                 className: row[4] ? 'fc-route fc-crowfly' : 'fc-route fc-road'});
  if (row[3]) { line.bindTooltip(fcText(row[3])); }
  return line;
}"""
"""Draws one route from a row (lat/lon pairs, colour, weight, label shown as text, dashed)."""


def add_lines(m: folium.Map, lines: Sequence[Line]) -> None:
    """Draw route lines (one layer; labels shown as text)."""
    rows = [
        [
            [[lat, lon] for lon, lat in line.coords],
            line.color,
            line.weight,
            line.label or "",
            line.dashed,
        ]
        for line in lines
        if len(line.coords) >= 2
    ]
    if rows:
        PointLayer(rows, callback=_LINE_CALLBACK, name="RouteLayer").add_to(m)


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
    layer.bindTooltip(tip, {{ this.tooltip_options|tojson }});
  }
}).addTo({{ this._parent.get_name() }});
{% if this.tooltip_options.permanent %}
(function (layer, map) {
  /* a name that would overlap one already written is hidden until the zoom parts them */
  function declutter() {
    var shown = [];
    layer.eachLayer(function (l) {
      var tip = l.getTooltip(), el = tip && tip.getElement();
      if (!el) { return; }
      el.style.visibility = '';
      var r = el.getBoundingClientRect();
      var hit = shown.some(function (s) {
        return r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top;
      });
      if (hit) { el.style.visibility = 'hidden'; } else { shown.push(r); }
    });
  }
  map.on('zoomend moveend', declutter);
  map.whenReady(function () { setTimeout(declutter, 0); });
})({{ this.get_name() }}, {{ this._parent.get_name() }});
{% endif %}
{% endmacro %}"""
    )

    def __init__(self, areas: Sequence[Area], *, labels: bool = False) -> None:
        super().__init__()
        self._name = "AreaLayer"
        self.tooltip_options = (
            {"permanent": True, "direction": "center", "className": "fc-area-label"}
            if labels
            else {}
        )
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


def add_areas(m: folium.Map, areas: Sequence[Area], *, labels: bool = False) -> AreaLayer:
    """Draw territory polygons (one layer for all of them; returned); ``labels`` writes each
    name on its area instead of on hover."""
    layer = AreaLayer(areas, labels=labels)
    layer.add_to(m)
    return layer


DRAW_FRENCH = "/static/js/leaflet-draw-fr.js"
"""Leaflet.draw's tooltips and buttons in French."""


def add_draw(m: folium.Map, *, lang: str = "fr") -> plugins.Draw:
    """Polygon drawing and editing tools (Leaflet.draw), in French unless ``lang`` says
    otherwise; the page script saves what is drawn. A drawn shape does not answer a tap or
    click (folium's default pops its raw GeoJSON up in an alert; on a phone the tap that
    closes a polygon sets it off)."""
    draw = plugins.Draw(
        export=False,
        show_geometry_on_click=False,
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
    if lang == "fr":
        draw.default_js = [*draw.default_js, ("leaflet_draw_fr", DRAW_FRENCH)]
    draw.add_to(m)
    return draw


def radius_bounds(center: tuple[float, float], radius_m: float) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of the square around a circle of ``radius_m``
    centred on ``(lon, lat)``."""
    lon, lat = center
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * max(0.01, math.cos(math.radians(lat))))
    return [[lat - dlat, lon - dlon], [lat + dlat, lon + dlon]]


def add_radius(m: folium.Map, center: tuple[float, float], radius_m: float) -> None:
    """Draw the circle of ``radius_m`` around ``(lon, lat)`` and zoom the map to it."""
    lon, lat = center
    folium.Circle(
        location=[lat, lon], radius=radius_m, color="#db2777", weight=2, fill=False
    ).add_to(m)
    m.fit_bounds(radius_bounds(center, radius_m), padding=(8, 8))


def fit(m: folium.Map, points: Sequence[tuple[float, float]]) -> None:
    """Zoom to show every ``(lon, lat)`` point."""
    if points:
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        m.fit_bounds(
            [[min(lats), min(lons)], [max(lats), max(lons)]], padding=(20, 20), max_zoom=16
        )


def render(m: folium.Map) -> RenderedMap:
    """Split a map into head assets, container and script for a Jinja2 page."""
    figure: Any = m.get_root()
    figure.render()
    return RenderedMap(
        name=m.get_name(),
        header=figure.header.render(),
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
