// geomapMarkerLayer(c, parent): layers/elements.py's MarkerLayer, each point of `c.items`
// as a vector symbol added to the layer group `parent`.
window.geomapMarkerLayer = (c, parent) => {
    const triangle = (s) =>
        '<svg width="16" height="16" viewBox="0 0 16 16">' +
        `<path d="M8 1 L15 14 L1 14 Z" fill="${s.fillColor}" stroke="${s.color}" ` +
        `stroke-width="${s.weight}"/></svg>`;
    c.items.forEach((item) => {
        const marker =
            item.shape === "triangle"
                ? L.marker([item.lat, item.lon], {
                      pane: c.pane,
                      icon: L.divIcon({
                          className: item.style.className,
                          html: triangle(item.style),
                          iconSize: [16, 16],
                          iconAnchor: [8, 10],
                      }),
                  })
                : L.circleMarker([item.lat, item.lon], Object.assign({ pane: c.pane }, item.style));
        marker.feature = { type: "Feature", properties: { id: item.id } }; // as toGeoJSON() says
        if (item.tooltip) {
            marker.bindTooltip(item.tooltip);
        }
        if (item.popup) {
            marker.bindPopup(item.popup, c.popup);
        }
        marker.addTo(parent);
    });
};
