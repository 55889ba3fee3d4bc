// geomapLabelLayer(c, parent, map): layers/elements.py's LabelLayer. The names placed in Python
// for each zoom (`c.zooms`: zoom -> placements, highest priority first) are shown for the
// map's zoom (the nearest placed one) in the layer group `parent`, as DOM text (textContent:
// never parsed as HTML) with a halo. A name that would leave the map or run under the title
// or the open legend is hidden until it fits again.
window.geomapLabelLayer = (c, parent, map) => {
    const zooms = Object.keys(c.zooms)
        .map(Number)
        .sort((a, b) => a - b);
    const nearest = (zoom) =>
        zooms.reduce((best, z) => (Math.abs(z - zoom) < Math.abs(best - zoom) ? z : best));
    const built = {};
    const build = (zoom) =>
        c.zooms[String(zoom)].map((item) => {
            const text = document.createElement("div");
            text.className = `geomap-label geomap-label-${item.kind}`;
            text.setAttribute("data-key", item.key);
            text.style.font =
                `${item.italic ? "italic " : ""}${item.bold ? "bold " : ""}` +
                `${item.size}px/${c.lineHeight} ${c.font}`;
            item.lines.forEach((line, i) => {
                if (i) {
                    text.appendChild(document.createElement("br"));
                }
                text.appendChild(document.createTextNode(line));
            });
            const box = item.box;
            const marker = L.marker(item.at, {
                pane: c.pane,
                interactive: false,
                keyboard: false,
                icon: L.divIcon({
                    className: "geomap-label-box",
                    html: text,
                    iconSize: [box[2], box[3]],
                    iconAnchor: [-box[0], -box[1]],
                }),
            });
            const layers = [marker];
            if (item.leader) {
                layers.push(
                    L.polyline(item.leader, {
                        pane: c.pane,
                        interactive: false,
                        color: c.leaderColor,
                        weight: 1,
                        className: "geomap-label-leader",
                    }),
                );
            }
            return { item, marker, group: L.layerGroup(layers) };
        });
    let shown = [];
    let zoomShown = null;
    // The title's and the open legend's boxes in the map's pixels, measured by a
    // ResizeObserver (after layout, so reading them forces none) and when the legend folds.
    let covers = [];
    const measure = () => {
        const box = map.getContainer();
        const origin = box.getBoundingClientRect();
        covers = [box.querySelector(".geomap-title"), box.querySelector(".geomap-legend")]
            .filter((el) => el && el.offsetParent !== null)
            .map((el) => el.getBoundingClientRect())
            .map((r) => [
                r.left - origin.left,
                r.top - origin.top,
                r.right - origin.left,
                r.bottom - origin.top,
            ]);
    };
    const fits = (label, size) => {
        const p = map.latLngToContainerPoint(label.item.at);
        const b = label.item.box;
        const x0 = p.x + b[0];
        const y0 = p.y + b[1];
        const x1 = x0 + b[2];
        const y1 = y0 + b[3];
        if (x0 < 0 || y0 < 0 || x1 > size.x || y1 > size.y) {
            return false;
        }
        return !covers.some((r) => x0 < r[2] && x1 > r[0] && y0 < r[3] && y1 > r[1]);
    };
    const update = () => {
        if (!map.hasLayer(parent)) {
            return;
        }
        const zoom = nearest(map.getZoom());
        if (zoom !== zoomShown) {
            shown.forEach((label) => {
                parent.removeLayer(label.group);
            });
            built[zoom] = built[zoom] || build(zoom);
            shown = built[zoom];
            zoomShown = zoom;
        }
        const size = map.getSize();
        shown.forEach((label) => {
            const on = fits(label, size);
            if (on && !parent.hasLayer(label.group)) {
                parent.addLayer(label.group);
            } else if (!on && parent.hasLayer(label.group)) {
                parent.removeLayer(label.group);
            }
        });
    };
    parent.on("add", update);
    map.on("zoomend moveend resize", update);
    if (window.ResizeObserver) {
        const observer = new ResizeObserver(() => {
            measure();
            update();
        });
        map.getContainer()
            .querySelectorAll(".geomap-title, .geomap-legend")
            .forEach((el) => {
                observer.observe(el);
            });
    }
    update();
};
