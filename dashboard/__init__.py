"""What the dashboard (app.py) needs beyond Streamlit's widgets: the view a link asks for
(`dashboard.view`), the record it shows (`dashboard.source`) and the map component
(`dashboard.component`, the only module here that imports Streamlit). The rest is tested on
its own; geodata and layers never import it."""
