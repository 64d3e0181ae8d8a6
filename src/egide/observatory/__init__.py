"""The observatory: yearly submissions (encodings and coded variables, never a name), linkage runs,
safe statistics, releases and the annual report (DESIGN.md, observatory zone)."""
