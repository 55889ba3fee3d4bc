// The dashboard's map component (dashboard/component.py): shows the exported page of the
// view in an inner frame and reports a click on an item as {id, click}.
//
// It speaks Streamlit's component messages itself (what streamlit-component-lib does):
// "streamlit:componentReady" once, then "streamlit:render" arrives with the arguments on
// every script run, and "streamlit:setFrameHeight" / "streamlit:setComponentValue" go back.
"use strict";

(() => {
    const frame = document.getElementById("geomap-map");
    let shown = null; // the page now in the frame: a run that sends the same page changes nothing
    let clicks = 0;
    let frameHeight = null;

    const send = (type, message) => {
        window.parent.postMessage({ isStreamlitMessage: true, type, ...message }, "*");
    };

    // Every clickable item carries its id in its GeoJSON properties (layer.feature), so the
    // click is reported by id alone. A click fires on the item, then on the groups holding it
    // (with the item as sourceTarget): only the item's own event counts.
    const reportClick = (event) => {
        if (event.target !== event.sourceTarget) return;
        const feature = event.target.feature;
        const id = feature?.properties?.id;
        if (id === undefined || id === null || id === "") return;
        clicks += 1;
        // `click` tells two clicks on the same item apart, also across reloads of this frame.
        const value = { id: String(id), click: `${performance.timeOrigin}:${clicks}` };
        send("streamlit:setComponentValue", { value, dataType: "json" });
    };

    const watch = (page) => {
        const L = page.L;
        if (!L) return;
        const map = Object.values(page).find((value) => value instanceof L.Map);
        if (!map) return;
        const hook = (layer) => {
            if (typeof layer.on === "function") layer.on("click", reportClick);
        };
        map.eachLayer(hook);
        map.on("layeradd", (event) => hook(event.layer));
    };

    frame.addEventListener("load", () => watch(frame.contentWindow));

    window.addEventListener("message", (event) => {
        const message = event.data;
        if (event.source !== window.parent || message?.type !== "streamlit:render") return;
        const { html, height } = message.args;
        if (frameHeight !== height) {
            frameHeight = height;
            send("streamlit:setFrameHeight", { height });
        }
        if (html !== shown) {
            shown = html;
            frame.srcdoc = html;
        }
    });

    send("streamlit:componentReady", { apiVersion: 1 });
})();
