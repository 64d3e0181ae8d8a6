"""Releases of the observatory: a year's protected tables frozen into open-data files, the public
open-data page and the observatory's dashboard. Only protected values ever leave this app."""
