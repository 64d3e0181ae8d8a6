"""Ac.Sé secure placement: assign pending requests to partner shelters far from danger."""

from egide_analytics.placement.engine import propose
from egide_analytics.placement.geo import haversine_km
from egide_analytics.placement.problem import (
    AvoidArea,
    Exclusion,
    ExclusionReason,
    LatLon,
    Option,
    Profile,
    Proposal,
    Request,
    RequestResult,
    Shelter,
    Weights,
)

__all__ = [
    "AvoidArea",
    "Exclusion",
    "ExclusionReason",
    "LatLon",
    "Option",
    "Profile",
    "Proposal",
    "Request",
    "RequestResult",
    "Shelter",
    "Weights",
    "haversine_km",
    "propose",
]
