// geomapShim(icons): layers/assets.py's stand-in for the two `$` idioms folium's templates
// use, plus Leaflet's default marker images (`icons`: Leaflet icon options, data: URIs).
window.geomapShim = (icons) => {
    "use strict";
    // folium's templates call $(html)[0] (popup content) and $(document).ready(fn).
    // <template> parsing never runs scripts; escaping the content is the layers' job.
    if (!window.$) {
        window.$ = (arg) => {
            if (typeof arg === "string") {
                const holder = document.createElement("template");
                holder.innerHTML = arg.trim();
                return Array.prototype.slice.call(holder.content.childNodes);
            }
            return {
                ready: (fn) => {
                    if (document.readyState === "loading") {
                        document.addEventListener("DOMContentLoaded", fn);
                    } else {
                        fn();
                    }
                },
            };
        };
    }
    // Leaflet derives marker image paths from leaflet.css's location; ours are data: URIs.
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions(icons);
};
