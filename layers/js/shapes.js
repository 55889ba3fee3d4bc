// geomapShapes(data, options): what L.geoJson(data, options) makes (filter, style and
// onEachFeature as there), from layers/shapes.py's encoding, with shapes that decode
// and project their rings only once in view, and make LatLng objects only when asked.
// Written against Leaflet 1.9.
window.geomapShapes =
    window.geomapShapes ||
    (() => {
        const DEPTH = { LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2 };
        // Calls visit(steps) for each ring or line, in order.
        const each = (steps, depth, visit) => {
            if (depth > 0) {
                steps.forEach((s) => {
                    each(s, depth - 1, visit);
                });
            } else {
                visit(steps);
            }
        };
        // Steps are integers; `units` of them make a degree (the encoding's `scale`).
        const latlngs = (steps, depth, units) => {
            if (depth > 0) {
                return steps.map((s) => latlngs(s, depth - 1, units));
            }
            let out = new Array(steps.length / 2),
                x = 0,
                y = 0;
            for (let i = 0; i < steps.length; i += 2) {
                x += steps[i];
                y += steps[i + 1];
                out[i / 2] = new L.LatLng(y / units, x / units);
            }
            return out;
        };
        // map.latLngToLayerPoint(L.latLng(lat, lng)), the same arithmetic (SphericalMercator.
        // project, the CRS's transformation, rounding, minus the pixel origin) without the
        // intermediate objects.
        const pixel = (view, lng, lat) => {
            const t = view.t,
                s = view.scale,
                R = view.R,
                d = view.d,
                max = view.max;
            const sin = Math.sin(Math.max(Math.min(max, lat), -max) * d);
            const y = (R * Math.log((1 + sin) / (1 - sin))) / 2;
            return new L.Point(
                Math.round(s * (t._a * (R * lng * d) + t._b)) - view.origin.x,
                Math.round(s * (t._c * y + t._d)) - view.origin.y,
            );
        };
        // One ring or line decoded and projected, as Polyline._projectLatlngs pushes it.
        const project = (steps, view) => {
            let units = view.units,
                ring = new Array(steps.length / 2),
                x = 0,
                y = 0;
            for (let i = 0; i < steps.length; i += 2) {
                x += steps[i];
                y += steps[i + 1];
                ring[i / 2] = pixel(view, x / units, y / units);
            }
            return ring;
        };
        const shape = (Base) => {
            const Shape = Base.extend({
                initialize: function (geometry, options) {
                    const b = geometry.bbox;
                    L.setOptions(this, options);
                    this._steps = geometry.coordinates;
                    this._depth = DEPTH[geometry.type];
                    this._units = geometry.scale;
                    this._bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
                },
                // Now only the pixel bounds (the bounding box's corners: projection is
                // monotonic in longitude and latitude); the rings when first in view.
                _project: function () {
                    const map = this._map,
                        crs = map.options.crs,
                        m = L.Projection.SphericalMercator;
                    if (!this._steps || crs !== L.CRS.EPSG3857) {
                        return Base.prototype._project.call(this);
                    }
                    const view = {
                        t: crs.transformation,
                        scale: crs.scale(map.getZoom()),
                        R: m.R,
                        d: Math.PI / 180,
                        max: m.MAX_LATITUDE,
                        origin: map.getPixelOrigin(),
                        units: this._units,
                    };
                    this._view = view;
                    const b = this._bounds;
                    this._rawPxBounds = new L.Bounds(
                        pixel(view, b.getWest(), b.getNorth()),
                        pixel(view, b.getEast(), b.getSouth()),
                    );
                    this._updateBounds();
                    this._rings = null;
                },
                _clipPoints: function () {
                    if (this._rings === null) {
                        const b = this._renderer._bounds,
                            weight = this.options.weight;
                        const w = new L.Point(weight, weight);
                        const padded = new L.Bounds(b.min.subtract(w), b.max.add(w));
                        if (!this._pxBounds.intersects(padded)) {
                            this._parts = [];
                            return;
                        }
                        const rings = [];
                        const view = this._view;
                        this._rings = rings;
                        each(this._steps, this._depth, (steps) => {
                            rings.push(project(steps, view));
                        });
                    }
                    Base.prototype._clipPoints.call(this);
                },
            });
            // Leaflet's nested LatLng arrays (getLatLngs, getCenter, toGeoJSON), built on
            // first use; setLatLngs replaces them and the shape becomes a plain one.
            Object.defineProperty(Shape.prototype, "_latlngs", {
                get: function () {
                    if (!this._built) {
                        this._built = latlngs(this._steps, this._depth, this._units);
                    }
                    return this._built;
                },
                set: function (value) {
                    this._built = value;
                    this._steps = null;
                },
            });
            return Shape;
        };
        const Polygon = shape(L.Polygon),
            Polyline = shape(L.Polyline);
        return (data, options) => {
            const group = L.geoJson(null, options);
            data.features.forEach((f) => {
                if (!f.geometry || (options.filter && !options.filter(f))) {
                    return;
                }
                const Shape = f.geometry.type.indexOf("Polygon") >= 0 ? Polygon : Polyline;
                const layer = new Shape(f.geometry, options);
                layer.feature = { type: "Feature", properties: f.properties };
                layer.defaultOptions = layer.options;
                group.resetStyle(layer);
                if (options.onEachFeature) {
                    options.onEachFeature(f, layer);
                }
                group.addLayer(layer);
            });
            return group;
        };
    })();
