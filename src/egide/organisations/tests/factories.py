"""Factories of directory objects for tests."""

from typing import Any

import factory

from egide.core.models import Commune, Departement
from egide.organisations.models import Organisation
from egide.organisations.vocabulary import Kind


def commune(code: str = "75056") -> Commune:
    return Commune.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association d'aide {n}")
    kind = Kind.ASSOCIATION
    departement = factory.LazyFunction(lambda: Departement.objects.get(code="75"))
    commune = factory.LazyFunction(lambda: commune("75056"))
    latitude = 48.8566
    longitude = 2.3522

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: Any, **kwargs: Any) -> Organisation:
        from egide.organisations.actions import OrganisationData, apply_organisation_data

        services = kwargs.pop("services", [])
        forms = kwargs.pop("exploitation_forms", [])
        languages = kwargs.pop("languages", [])
        org = model_class()
        apply_organisation_data(org, OrganisationData(kwargs, services, forms, languages))
        return org
