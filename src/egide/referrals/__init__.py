"""Referrals between organisations, transfers of cases, and Ac.Sé secure placements (`acse`)."""
