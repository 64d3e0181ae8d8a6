"""Ac.Sé: the national secure placement of adult victims in danger where they live."""
