// geomapMapFrame(c, map): what layers/elements.py's MapFrame sets up on `map`: background,
// panes, hatch patterns, stylesheet, title and legend, from the config `c`.
window.geomapMapFrame = (c, map) => {
    const box = map.getContainer();
    box.style.background = c.background;
    c.panes.forEach((p) => {
        map.createPane(p[0]).style.zIndex = p[1];
    });
    const style = document.createElement("style");
    style.textContent = c.css;
    document.head.appendChild(style);
    const ns = "http://www.w3.org/2000/svg",
        svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true");
    svg.style.position = "absolute";
    const defs = document.createElementNS(ns, "defs");
    c.patterns.forEach((p) => {
        const pattern = document.createElementNS(ns, "pattern");
        pattern.setAttribute("id", p.id);
        pattern.setAttribute("patternUnits", "userSpaceOnUse");
        pattern.setAttribute("width", "8");
        pattern.setAttribute("height", "8");
        pattern.setAttribute("patternTransform", "rotate(45)");
        [
            [p.background, 8],
            [p.stripe, 3],
        ].forEach((band) => {
            const rect = document.createElementNS(ns, "rect");
            rect.setAttribute("width", String(band[1]));
            rect.setAttribute("height", "8");
            rect.setAttribute("fill", band[0]);
            pattern.appendChild(rect);
        });
        defs.appendChild(pattern);
    });
    svg.appendChild(defs);
    box.appendChild(svg);
    const title = document.createElement("div");
    title.id = "geomap-title";
    title.className = "geomap-title";
    title.innerHTML = c.title;
    box.appendChild(title);
    const legend = L.control({ position: "bottomleft" });
    let div;
    legend.onAdd = () => {
        div = L.DomUtil.create("div", "geomap-legend");
        div.id = "geomap-legend";
        div.innerHTML = c.legend;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    legend.addTo(map);
    // Open on screens with room for it; never taller than the space between the zoom
    // buttons above and the scale bar below, so nothing is cut off or covered. Its button
    // folds it away (a phone opens it only when asked).
    const button = div.querySelector(".geomap-legend-toggle");
    const body = div.querySelector(".geomap-legend-body");
    const isOpen = () => !body.hidden;
    const fit = () => {
        const size = map.getSize();
        body.style.maxHeight = `${Math.max(c.legendFit.min, size.y - c.legendFit.reserved)}px`;
    };
    fit();
    map.on("resize", fit);
    let clear = null;
    const clearance = () => {
        clear = null;
    };
    const setOpen = (open) => {
        body.hidden = !open;
        button.setAttribute("aria-expanded", String(open));
        clearance();
    };
    L.DomEvent.on(button, "click", () => setOpen(!isOpen()));
    // The map's size as Leaflet measured it when it was made (reading the box again
    // here would force a layout of everything added since).
    const size = map.getSize();
    setOpen(size.x >= c.legendFit.openWidth && size.y >= c.legendFit.openHeight);
    // Popups pan clear of the title above and of the open legend on the left. The
    // padding is Leaflet's class default (a page holds one map: export, Streamlit and
    // notebooks each give it its own frame): a point whose x and y are measured when a
    // popup reads them, i.e. when one opens, never at load (measuring then forces a
    // layout), and again only after the title or the legend may have changed size.
    const measure = () => {
        if (!clear) {
            const origin = box.getBoundingClientRect();
            const legendRight = isOpen() ? div.getBoundingClientRect().right - origin.left : 0;
            clear = [
                legendRight + c.popupGap,
                title.getBoundingClientRect().bottom - origin.top + c.popupGap,
            ];
        }
        return clear;
    };
    L.Popup.mergeOptions({
        autoPanPaddingTopLeft: {
            get x() {
                return measure()[0];
            },
            get y() {
                return measure()[1];
            },
        },
        autoPanPaddingBottomRight: [c.popupGap, c.popupGap],
    });
    map.on("resize", clearance);
    // A popup is never wider or taller than the map leaves room for (a phone is narrower
    // than a desktop popup): getters, read when each popup lays itself out.
    const room = (side, most, frame) =>
        Math.max(c.popupFit.least, Math.min(most, map.getSize()[side] - frame));
    Object.defineProperty(L.Popup.prototype.options, "maxWidth", {
        get: () => room("x", c.popupFit.width, c.popupFit.frameX + 2 * c.popupGap),
        configurable: true,
    });
    Object.defineProperty(L.Popup.prototype.options, "maxHeight", {
        get: () => room("y", c.popupFit.height, c.popupFit.frameY + measure()[1] + c.popupGap),
        configurable: true,
    });
    // On a touch screen a tap "hovers" a shape and nothing ever un-hovers it: a tooltip
    // closes when a popup opens or the reader taps elsewhere.
    let tooltips = [];
    map.on("tooltipopen", (e) => {
        tooltips.push(e.tooltip);
    });
    map.on("tooltipclose", (e) => {
        tooltips = tooltips.filter((t) => t !== e.tooltip);
    });
    map.on("popupopen click", () => {
        tooltips.slice().forEach((t) => {
            map.closeTooltip(t);
        });
    });
    // A layer switched off in the layer control takes its legend section with it.
    map.on("overlayadd overlayremove", (e) => {
        const key = c.legendLayers[e.name];
        div.querySelectorAll("[data-layer]").forEach((section) => {
            if (section.getAttribute("data-layer") === key) {
                section.hidden = e.type === "overlayremove";
            }
        });
    });
};
