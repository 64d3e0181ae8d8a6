"""The annual report of the observatory: protected figures, SVG charts, HTML and PDF, publication."""
