"""Geometry as the page carries it: small to load, cheap to draw.

As GeoJSON the world costs a page three times over: every digit of 32 k coordinate pairs is
parsed, every pair becomes an array, and Leaflet turns each pair into a `LatLng` and, at
every zoom, into a projected `Point`, although at the opening view most of the world is
off screen. Here each ring or line is one flat list of integers: the first vertex, then the
step to each next one, in units of 1/`scale` degree (a power of ten, the finest the
feature's coordinates need). The page decodes each list once into plain numbers, and a
shape (`SHAPES_JS`) builds Leaflet's `LatLng` objects only when something asks for them
and projects its rings only when it is first in view, with Leaflet's own arithmetic, so
the points are the ones Leaflet would draw (tests/test_browser_export.py checks them vertex
by vertex).

Decoding is exact: a vertex is an integer divided by a power of ten, which IEEE arithmetic
rounds to the same double as the decimal the artifact holds (`encode_geometry` checks that
for every vertex), so borders two countries share stay the same numbers in both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["MAX_DECIMALS", "SHAPES_JS", "Features", "encode_geometry"]

MAX_DECIMALS = 7
"""The most decimals a coordinate may carry (about 1 cm); the display artifact uses 3-5."""


def encode_geometry(shape: shapely.Geometry | None) -> dict[str, Any] | None:
    """`shape` as `{"type", "scale", "coordinates"}`, nested like GeoJSON's coordinates but
    with each ring or line a flat list of integer steps; None for a missing or empty shape.

    >>> encode_geometry(shapely.Polygon([(43.5, 42.25), (44.0, 42.25), (44.0, 43.0)]))
    {'type': 'Polygon', 'scale': 100, 'coordinates': [[4350, 4225, 50, 0, 0, 75]]}

    A polygon's ring leaves out its closing vertex (the first one again), as Leaflet does.
    """
    if shape is None or shape.is_empty:
        return None
    kind = shape.geom_type
    if kind not in ("Polygon", "MultiPolygon", "LineString", "MultiLineString"):
        raise ValueError(f"cannot draw a {kind}: only polygons and lines are supported")
    decimals = _decimals(shapely.get_coordinates(shape))
    return {"type": kind, "scale": 10 ** decimals, "coordinates": _steps(shape, decimals)}


def _decimals(coordinates: np.ndarray) -> int:
    """The fewest decimals that give back every coordinate exactly as integer / 10**n."""
    for decimals in range(MAX_DECIMALS + 1):
        scale = 10.0 ** decimals
        if np.array_equal(np.round(coordinates * scale) / scale, coordinates):
            return decimals
    raise ValueError(f"coordinates with more than {MAX_DECIMALS} decimals cannot be encoded "
                     "exactly; round the display geometry first (geodata.display)")


def _steps(shape: shapely.Geometry, decimals: int) -> list[Any]:
    if shape.geom_type in ("LineString", "LinearRing"):
        points = shapely.get_coordinates(shape)
        if shape.geom_type == "LinearRing":
            points = points[:-1]
        units = np.round(points * 10.0 ** decimals).astype(np.int64)
        return np.diff(units, axis=0, prepend=[[0, 0]]).ravel().tolist()
    if shape.geom_type == "Polygon":
        return [_steps(ring, decimals) for ring in (shape.exterior, *shape.interiors)]
    return [_steps(part, decimals) for part in shape.geoms]


@dataclass(frozen=True, eq=False)
class Features:
    """A frame's shapes with their `id` and `name`, encoded once as a JSON text.

    The text depends on the frame alone, so data that does not change (the world) is
    encoded once per process and embedded in every map from there.
    """

    frame: gpd.GeoDataFrame
    text: str

    @classmethod
    def of(cls, frame: gpd.GeoDataFrame) -> Features:
        columns = [c for c in ("id", "name") if c in frame.columns]
        properties = frame[columns].astype(object).where(frame[columns].notna(), None)
        features = [{"properties": props, "geometry": encode_geometry(shape)}
                    for props, shape in zip(properties.to_dict("records"), frame.geometry.values)]
        return cls(frame, json.dumps({"features": features}, ensure_ascii=False,
                                     separators=(",", ":")))


SHAPES_JS = """\
    // geomapShapes(data, options): what L.geoJson(data, options) makes (filter, style and
    // onEachFeature as there), from layers/shapes.py's encoding, with shapes that make
    // Leaflet's per-vertex objects only when needed. Written against Leaflet 1.9.
    window.geomapShapes = window.geomapShapes || (function () {
        var DEPTH = {LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2};
        // Integer steps to [lng, lat, lng, lat, ...] in degrees; widens box [w, s, e, n].
        var decode = function (steps, depth, scale, box) {
            if (depth > 0) { return steps.map(function (s) { return decode(s, depth - 1, scale, box); }); }
            var flat = new Array(steps.length), x = 0, y = 0, lng, lat;
            for (var i = 0; i < steps.length; i += 2) {
                x += steps[i]; y += steps[i + 1];
                flat[i] = lng = x / scale; flat[i + 1] = lat = y / scale;
                if (lng < box[0]) { box[0] = lng; } if (lng > box[2]) { box[2] = lng; }
                if (lat < box[1]) { box[1] = lat; } if (lat > box[3]) { box[3] = lat; }
            }
            return flat;
        };
        var latlngs = function (flat, depth) {
            if (depth > 0) { return flat.map(function (f) { return latlngs(f, depth - 1); }); }
            var out = new Array(flat.length / 2);
            for (var i = 0; i < flat.length; i += 2) { out[i / 2] = new L.LatLng(flat[i + 1], flat[i]); }
            return out;
        };
        // map.latLngToLayerPoint's arithmetic (SphericalMercator.project, the CRS's
        // transformation, rounding, minus the pixel origin), one ring per array as
        // Polyline._projectLatlngs pushes them, without a LatLng per vertex.
        var project = function (flat, depth, view, rings) {
            if (depth > 0) { flat.forEach(function (f) { project(f, depth - 1, view, rings); }); return; }
            var t = view.t, s = view.scale, R = view.R, d = view.d, max = view.max, o = view.origin;
            var ring = new Array(flat.length / 2);
            for (var i = 0; i < flat.length; i += 2) {
                var lat = Math.max(Math.min(max, flat[i + 1]), -max), sin = Math.sin(lat * d);
                ring[i / 2] = new L.Point(Math.round(s * (t._a * (R * flat[i] * d) + t._b)) - o.x,
                                          Math.round(s * (t._c * (R * Math.log((1 + sin) / (1 - sin)) / 2) + t._d)) - o.y);
            }
            rings.push(ring);
        };
        var shape = function (Base) {
            var Shape = Base.extend({
                initialize: function (geometry, options) {
                    var box = [Infinity, Infinity, -Infinity, -Infinity];
                    L.setOptions(this, options);
                    this._depth = DEPTH[geometry.type];
                    this._flat = decode(geometry.coordinates, this._depth, geometry.scale, box);
                    this._bounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
                },
                // Now only the pixel bounds (the bounding box's corners: projection is
                // monotonic in longitude and latitude); the rings when first in view.
                _project: function () {
                    var map = this._map, crs = map.options.crs, m = L.Projection.SphericalMercator;
                    if (!this._flat || crs !== L.CRS.EPSG3857) { return Base.prototype._project.call(this); }
                    this._rawPxBounds = new L.Bounds(map.latLngToLayerPoint(this._bounds.getNorthWest()),
                                                     map.latLngToLayerPoint(this._bounds.getSouthEast()));
                    this._updateBounds();
                    this._rings = null;
                    this._view = {t: crs.transformation, scale: crs.scale(map.getZoom()), R: m.R,
                                  d: Math.PI / 180, max: m.MAX_LATITUDE, origin: map.getPixelOrigin()};
                },
                _clipPoints: function () {
                    if (this._rings === null) {
                        var b = this._renderer._bounds, w = new L.Point(this.options.weight, this.options.weight);
                        if (!this._pxBounds.intersects(new L.Bounds(b.min.subtract(w), b.max.add(w)))) {
                            this._parts = [];
                            return;
                        }
                        this._rings = [];
                        project(this._flat, this._depth, this._view, this._rings);
                    }
                    Base.prototype._clipPoints.call(this);
                }
            });
            // Leaflet's nested LatLng arrays (getLatLngs, getCenter, toGeoJSON), built on
            // first use; setLatLngs replaces them and the shape becomes a plain one.
            Object.defineProperty(Shape.prototype, "_latlngs", {
                get: function () { return this._built || (this._built = latlngs(this._flat, this._depth)); },
                set: function (value) { this._built = value; this._flat = null; }
            });
            return Shape;
        };
        var Polygon = shape(L.Polygon), Polyline = shape(L.Polyline);
        return function (data, options) {
            var group = L.geoJson(null, options);
            data.features.forEach(function (f) {
                if (!f.geometry || (options.filter && !options.filter(f))) { return; }
                var Shape = f.geometry.type.indexOf("Polygon") >= 0 ? Polygon : Polyline;
                var layer = new Shape(f.geometry, options);
                layer.feature = {type: "Feature", properties: f.properties};
                layer.defaultOptions = layer.options;
                group.resetStyle(layer);
                if (options.onEachFeature) { options.onEachFeature(f, layer); }
                group.addLayer(layer);
            });
            return group;
        };
    })();"""
