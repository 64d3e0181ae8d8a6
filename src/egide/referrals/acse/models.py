"""Partner shelters, placement requests and placements of the Ac.Sé scheme."""
