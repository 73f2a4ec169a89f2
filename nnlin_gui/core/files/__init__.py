"""Files: sessions, lessons, the HTML report and its SVG plots."""
