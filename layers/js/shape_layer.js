// geomapShapeLayer(c, data, parent, map, yieldsTo): draws (some of) the shapes `data` into
// the layer group `parent` on `map`, styled by the config `c` (layers/elements.py's
// ShapeLayer says what its keys mean), with layers/js/shapes.js's geomapShapes. `yieldsTo`,
// if not null, returns the layer that draws `c.yields` above: a function, as that layer may
// be made after this one.
window.geomapShapeLayer = (c, data, parent, map, yieldsTo) => {
    const clean = (s) => String(s).replace(/[^A-Za-z0-9_-]/g, "");
    const draw = (yielded) =>
        window.geomapShapes(data, {
            pane: c.pane,
            interactive: c.interactive,
            filter: (f) => {
                const id = f.properties.id;
                const shown = !c.only || c.only.includes(id);
                return shown && c.yields.includes(id) === yielded;
            },
            style: (f) => {
                const key = c.categories[f.properties.id] || c.fallback;
                const s = Object.assign({}, c.styles[key]);
                s.className = `${c.cls} geomap-${clean(f.properties.id)} geomap-${clean(key)}`;
                // Yielded features are drawn above the layer that yields them: exactly.
                if (c.exact || yielded) {
                    s.smoothFactor = 0;
                }
                return s;
            },
            onEachFeature: (f, layer) => {
                const id = f.properties.id,
                    key = c.categories[id] || c.fallback;
                if (c.tooltips[id]) {
                    layer.bindTooltip(c.tooltips[id], { sticky: true });
                } else if (c.labels?.[key]) {
                    layer.bindTooltip(
                        () => {
                            const box = document.createElement("div"),
                                name = document.createElement("b");
                            name.textContent = f.properties.name || id;
                            box.appendChild(name);
                            box.appendChild(document.createElement("br"));
                            box.appendChild(document.createTextNode(c.labels[key]));
                            return box;
                        },
                        { sticky: true },
                    );
                }
                if (c.popups[id]) {
                    layer.bindPopup(c.popups[id], c.popup);
                }
            },
        });
    draw(false).addTo(parent);
    if (yieldsTo) {
        // The yielded features come back (built on first need) while the reader has
        // switched the layer that draws them off in the layer control.
        let back = null;
        map.on("overlayadd overlayremove", (e) => {
            if (e.layer !== yieldsTo()) {
                return;
            }
            if (e.type === "overlayremove") {
                if (!back) {
                    back = draw(true);
                }
                parent.addLayer(back);
            } else if (back) {
                parent.removeLayer(back);
            }
        });
    }
};
