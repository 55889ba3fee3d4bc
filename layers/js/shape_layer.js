// geomapShapeLayer(c, data, parent, map, yieldsTo): draws (some of) the shapes `data` into
// the layer group `parent` on `map`, styled by the config `c` (layers/elements.py's
// ShapeLayer says what its keys mean), with layers/js/shapes.js's geomapShapes. `yieldsTo`,
// if not null, returns the layer that draws `c.yields` above: a function, as that layer may
// be made after this one.
window.geomapShapeLayer = function (c, data, parent, map, yieldsTo) {
    var clean = function (s) { return String(s).replace(/[^A-Za-z0-9_-]/g, ""); };
    var draw = function (yielded) { return window.geomapShapes(data, {
        pane: c.pane,
        interactive: c.interactive,
        filter: function (f) {
            var id = f.properties.id;
            var shown = !c.only || c.only.indexOf(id) >= 0;
            return shown && (c.yields.indexOf(id) >= 0) === yielded;
        },
        style: function (f) {
            var key = c.categories[f.properties.id] || c.fallback;
            var s = Object.assign({}, c.styles[key]);
            s.className = c.cls + " geomap-" + clean(f.properties.id) + " geomap-" + clean(key);
            if (c.exact || yielded) { s.smoothFactor = 0; }  // yielded: drawn above exactly
            return s;
        },
        onEachFeature: function (f, layer) {
            var id = f.properties.id, key = c.categories[id] || c.fallback;
            if (c.tooltips[id]) {
                layer.bindTooltip(c.tooltips[id], {sticky: true});
            } else if (c.labels && c.labels[key]) {
                layer.bindTooltip(function () {
                    var box = document.createElement("div"), name = document.createElement("b");
                    name.textContent = f.properties.name || id;
                    box.appendChild(name);
                    box.appendChild(document.createElement("br"));
                    box.appendChild(document.createTextNode(c.labels[key]));
                    return box;
                }, {sticky: true});
            }
            if (c.popups[id]) { layer.bindPopup(c.popups[id], c.popup); }
        }
    }); };
    draw(false).addTo(parent);
    if (yieldsTo) {
        // The yielded features come back (built on first need) while the reader has
        // switched the layer that draws them off in the layer control.
        var back = null;
        map.on("overlayadd overlayremove", function (e) {
            if (e.layer !== yieldsTo()) { return; }
            if (e.type === "overlayremove") { parent.addLayer(back || (back = draw(true))); }
            else if (back) { parent.removeLayer(back); }
        });
    }
};
