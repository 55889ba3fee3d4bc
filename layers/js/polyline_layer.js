// geomapPolylineLayer(c, parent): layers/elements.py's PolylineLayer, each line of
// `c.items` over a white halo, added to the layer group `parent`.
window.geomapPolylineLayer = (c, parent) => {
    c.items.forEach((item) => {
        L.polyline(item.latlngs, Object.assign({ pane: c.pane, interactive: false }, c.halo)).addTo(
            parent,
        );
        const line = L.polyline(item.latlngs, Object.assign({ pane: c.pane }, item.style))
            .bindTooltip(item.tooltip, { sticky: true })
            .bindPopup(item.popup, c.popup);
        line.feature = { type: "Feature", properties: { id: item.id } }; // in its toGeoJSON()
        line.addTo(parent);
    });
};
